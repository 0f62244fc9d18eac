package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double[] Y = {1, 0, 1, 1, 0, 0, 1, 0};
    private static final double[] P = {1, 0, 0, 1, 1, 0, 1, 0};

    @Test
    void shouldComputeConfusionMetricsWhenGivenBinaryPredictions() {
        // tp=3, fp=1, fn=1, tn=3
        assertThat(Metrics.accuracy(Y, P)).isEqualTo(0.75);
        assertThat(Metrics.precision(Y, P)).isEqualTo(0.75);
        assertThat(Metrics.recall(Y, P)).isEqualTo(0.75);
        assertThat(Metrics.f1(Y, P)).isEqualTo(0.75);
    }

    @Test
    void shouldCountTiesAsOneHalfWhenComputingAuc() {
        double[] y = {0, 0, 1, 1};
        // pairs (pos, neg): 0.8>0.1, 0.8>0.4, 0.4=0.4 (1/2), 0.4>0.1 -> 3.5 / 4
        assertThat(Metrics.auc(y, new double[] {0.1, 0.4, 0.4, 0.8})).isEqualTo(0.875);
        assertThat(Metrics.auc(y, new double[] {0.1, 0.4, 0.35, 0.8})).isEqualTo(0.75);
        assertThat(Metrics.auc(y, new double[] {0.5, 0.5, 0.5, 0.5})).isEqualTo(0.5);
        assertThat(Metrics.auc(new double[] {1, 1}, new double[] {0.2, 0.3})).isNaN();
    }

    @Test
    void shouldMatchScikitLearnWhenComputingLogLossAndBrier() {
        double[] y = {1, 0, 1};
        double[] s = {0.9, 0.2, 0.6};
        // sklearn.metrics.log_loss([1,0,1],[0.9,0.2,0.6]) = 0.2797765635793423
        assertThat(Metrics.logLoss(y, s)).isCloseTo(0.2797765635793423, within(1e-15));
        assertThat(Metrics.brier(y, s)).isCloseTo((0.01 + 0.04 + 0.16) / 3, within(1e-15));
        assertThat(Metrics.logLoss(new double[] {1}, new double[] {0})).isCloseTo(34.538776394910684, within(1e-9));
    }

    @Test
    void shouldComputeRegressionMetricsWhenGivenRealValues() {
        double[] y = {3, -0.5, 2, 7};
        double[] p = {2.5, 0.0, 2, 8};
        // sklearn: mse 0.375, mae 0.5, r2 0.9486081370449679
        assertThat(Metrics.mse(y, p)).isEqualTo(0.375);
        assertThat(Metrics.rmse(y, p)).isEqualTo(Math.sqrt(0.375));
        assertThat(Metrics.mae(y, p)).isEqualTo(0.5);
        assertThat(Metrics.r2(y, p)).isCloseTo(0.9486081370449679, within(1e-15));
    }

    @Test
    void shouldComputeStandardMetricsWhenBuildingAnEvaluationFromOutcomes() {
        Outcomes o = Outcomes.of(Y, P).withScores(new double[] {.9, .1, .4, .8, .6, .2, .7, .3});
        Evaluation e = Fixtures.eval("m@1", o);
        assertThat(e.getMetrics())
                .containsKeys("accuracy", "precision", "recall", "f1", "auc", "log_loss", "brier")
                .containsEntry("accuracy", 0.75);
        Evaluation r = Fixtures.eval("m@2", Outcomes.of(new double[] {1.5, 2}, new double[] {1, 2}));
        assertThat(r.getMetrics()).containsOnlyKeys("mse", "rmse", "mae", "r2");
    }

    @Test
    void shouldRejectArraysWhenLengthsDiffer() {
        assertThatThrownBy(() -> Metrics.accuracy(new double[] {1}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 labels and 2");
        assertThatThrownBy(() -> Outcomes.of(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metrics.auc(new double[] {2, 0}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("binary labels");
    }

    @Test
    void shouldRejectInfiniteScoresWithATypedErrorForEveryProbabilityMetric() {
        double[] y = {1, 0, 1};
        for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1.5, -0.1}) {
            double[] s = {0.9, bad, 0.6};
            assertThatThrownBy(() -> Metrics.brier(y, s))
                    .as("brier with %s", bad)
                    .isInstanceOfSatisfying(InvalidScoreException.class, e -> {
                        assertThat(e.getMetric()).isEqualTo("brier");
                        assertThat(e.getExample()).isEqualTo(1);
                        assertThat(Double.compare(e.getScore(), bad)).isZero();
                    })
                    .hasMessageContaining("the score of example 1 is " + bad);
            assertThatThrownBy(() -> Metrics.logLoss(y, s))
                    .as("log_loss with %s", bad)
                    .isInstanceOf(InvalidScoreException.class)
                    .hasMessageStartingWith("log_loss needs probabilities in [0, 1]");
            if (Double.isNaN(bad)) {
                continue; // outcomes refuse NaN scores up front
            }
            Outcomes o = Outcomes.of(y, y).withScores(s);
            for (String metric : new String[] {"brier", "log_loss"}) {
                assertThatThrownBy(() -> Policies.significantGain(metric)
                                .minSampleSize(1)
                                .compare(Fixtures.eval("m@1", o), Fixtures.eval("m@2", o)))
                        .as("%s rule with %s", metric, bad)
                        .isInstanceOf(InvalidScoreException.class);
                assertThatThrownBy(() -> Policies.noSliceRegression(metric)
                                .by("all")
                                .compare(
                                        Fixtures.eval("m@1", o.withSlice("all", new String[] {"a", "a", "a"})),
                                        Fixtures.eval("m@2", o.withSlice("all", new String[] {"a", "a", "a"}))))
                        .isInstanceOf(InvalidScoreException.class);
            }
            // AUC ranks any score, and the standard metrics leave out those that need probabilities
            assertThat(Metrics.auc(y, s)).isBetween(0.0, 1.0);
            assertThat(Metrics.classification(o)).containsKey("auc").doesNotContainKeys("brier", "log_loss");
        }
    }
}
