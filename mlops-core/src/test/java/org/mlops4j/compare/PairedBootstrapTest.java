package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    /** AUC by definition: all positive–negative pairs, ties count one half, examples repeated by multiplicity. */
    private static double naiveAuc(double[] y, double[] s, int[] counts) {
        double num = 0;
        double pairs = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                if (y[i] == 1 && y[j] == 0) {
                    double w = (double) counts[i] * counts[j];
                    pairs += w;
                    num += w * (s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0);
                }
            }
        }
        return num / pairs;
    }

    @Test
    void shouldMatchPairwiseDefinitionWhenAucIsComputedFromMultiplicities() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + r.nextInt(60);
            double[] y = new double[n];
            double[] s = new double[n];
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i < 2 ? i : r.nextInt(2);
                s[i] = trial % 2 == 0 ? r.nextInt(5) / 4.0 : r.nextDouble(); // ties on even trials
                counts[i] = i < 2 ? 1 + r.nextInt(3) : r.nextInt(4);
            }
            ExampleMetric.Bound bound =
                    ExampleMetric.auc().bind(Outcomes.of(y, y).withScores(s));
            byte[] small = new byte[n];
            for (int i = 0; i < n; i++) {
                small[i] = (byte) counts[i];
            }
            double expected = naiveAuc(y, s, counts);
            assertThat(bound.value(counts)).isCloseTo(expected, within(1e-12));
            assertThat(((SmallCountsBound) bound).value(small)).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void shouldWeightMeanMetricsWhenGivenMultiplicities() {
        Outcomes o = Outcomes.of(new double[] {1, 0, 1}, new double[] {1, 1, 1});
        assertThat(ExampleMetric.accuracy().bind(o).value(new int[] {2, 1, 0})).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(ExampleMetric.mse().bind(o).value(new int[] {0, 3, 1})).isEqualTo(0.75);
    }

    @Test
    void shouldCoverTheNormalIntervalWhenSampleIsLarge() {
        Outcomes a = Fixtures.classifier(1, 20_000, 0.85);
        Outcomes b = PoliciesTest.improve(a, 0.1);
        BootstrapResult r =
                PairedBootstrap.of(ExampleMetric.accuracy()).resamples(2_000).run(a, b);
        // the gain is the share of fixed examples; its standard error is sqrt(p(1-p)/n) with p = gain
        double se = Math.sqrt(r.gain() * (1 - r.gain()) / 20_000);
        assertThat(r.lower()).isCloseTo(r.gain() - 1.96 * se, within(0.25 * se));
        assertThat(r.upper()).isCloseTo(r.gain() + 1.96 * se, within(0.25 * se));
        assertThat(r.isSignificantGain()).isTrue();
        assertThat(r.toString()).contains("accuracy: challenger").contains("2000 paired resamples of 20000");
    }

    @Test
    void shouldGiveTheSameIntervalWhenSeedIsTheSame() {
        Outcomes a = Fixtures.classifier(2, 3_000, 0.8);
        Outcomes b = Fixtures.classifier(3, 3_000, 0.8);
        for (ExampleMetric m : new ExampleMetric[] {ExampleMetric.accuracy(), ExampleMetric.auc()}) {
            PairedBootstrap boot = PairedBootstrap.of(m).resamples(500).seed(11);
            assertThat(boot.run(a, b)).isEqualTo(boot.run(a, b));
            assertThat(boot.seed(12).run(a, b).lower())
                    .isNotEqualTo(boot.run(a, b).lower());
        }
    }

    @Test
    void shouldRunAnyMetricWhenGivenAsBinder() {
        ExampleMetric positives = ExampleMetric.of("positives", true, o -> counts -> {
            double[] p = o.getPredictions();
            double sum = 0;
            for (int i = 0; i < p.length; i++) {
                sum += counts[i] * p[i];
            }
            return sum;
        });
        Outcomes a = Fixtures.classifier(4, 500, 0.8);
        BootstrapResult r = PairedBootstrap.of(positives).resamples(50).run(a, a);
        assertThat(r.lower()).isZero();
        assertThat(r.upper()).isZero();
    }

    @Test
    void shouldRejectBadSettingsWhenConfigured() {
        assertThatThrownBy(() -> PairedBootstrap.of(ExampleMetric.auc()).resamples(5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PairedBootstrap.of(ExampleMetric.auc()).confidence(1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PairedBootstrap.of(ExampleMetric.auc())
                        .run(Fixtures.classifier(1, 10, .5), Fixtures.classifier(1, 11, .5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10")
                .hasMessageContaining("11");
        assertThatThrownBy(() -> PairedBootstrap.of(ExampleMetric.accuracy())
                        .run(
                                Outcomes.of(new double[] {1, 0}, new double[] {1, 0}),
                                Outcomes.of(new double[] {1, 1}, new double[] {1, 0})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example 1 is labelled 0.0 for the champion and 1.0 for the challenger");
        assertThatThrownBy(() -> PairedBootstrap.of(ExampleMetric.auc())
                        .run(
                                Outcomes.of(new double[] {1}, new double[] {1}),
                                Outcomes.of(new double[] {1}, new double[] {1})))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withScores");
        assertThatThrownBy(() -> ExampleMetric.named("nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
