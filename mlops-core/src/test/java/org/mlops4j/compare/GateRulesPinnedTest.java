package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mlops4j.compare.Fixtures.eval;

import java.util.Map;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.junit.jupiter.api.Test;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ModelRef;

/**
 * Pins the gate's rules to exact findings at their boundaries (issue 17, item 7: the fast tests did not pin the gate's
 * logic; a McNemar rule whose accuracy count returned 0 passed them).
 */
class GateRulesPinnedTest {
    /** 200 examples, labels 0; the champion wrong on 0..19, the challenger wrong on 17..24 (b = 5, c = 17). */
    private static Outcomes[] mcNemarPair() {
        double[] y = new double[200];
        double[] a = new double[200];
        double[] b = new double[200];
        for (int i = 0; i < 200; i++) {
            a[i] = i < 20 ? 1 : 0;
            b[i] = i >= 17 && i < 25 ? 1 : 0;
        }
        return new Outcomes[] {Outcomes.of(y, a), Outcomes.of(y, b)};
    }

    @Test
    void shouldReportExactAccuraciesAndTheClopperPearsonIntervalWhenUsingMcNemar() {
        Outcomes[] o = mcNemarPair();
        // champion right on 180, challenger on 192; only the champion right: 20..24 → 5; only the challenger: 0..16 →
        // 17
        Finding f = Policies.significantGain("accuracy")
                .mcNemar()
                .compare(eval("m@1", o[0]), eval("m@2", o[1]))
                .getFindings()
                .get(0);
        assertThat(f.champion()).isEqualTo(0.9);
        assertThat(f.challenger()).isEqualTo(0.96);
        assertThat(f.delta()).isCloseTo(12.0 / 200, within(1e-15));
        double lowerPi = BetaDistribution.of(17, 6).inverseCumulativeProbability(0.025);
        double upperPi = BetaDistribution.of(18, 5).inverseCumulativeProbability(0.975);
        assertThat(f.lower()).isCloseTo((2 * lowerPi - 1) * 22 / 200, within(1e-15));
        assertThat(f.upper()).isCloseTo((2 * upperPi - 1) * 22 / 200, within(1e-15));
        assertThat(f.detail())
                .isEqualTo(
                        "McNemar's exact test: 17 examples only the challenger got right, 5 only the champion, of 200");
        assertThat(f.threshold()).isEqualTo("lower end of the two-sided 95% interval of the gain > 0");
        Finding errors = Policies.significantGain("error_rate")
                .mcNemar()
                .confidence(0.9)
                .compare(eval("m@1", o[0]), eval("m@2", o[1]))
                .getFindings()
                .get(0);
        assertThat(errors.champion()).isCloseTo(0.1, within(1e-15));
        assertThat(errors.challenger()).isCloseTo(0.04, within(1e-15));
        assertThat(errors.threshold()).isEqualTo("lower end of the two-sided 90% interval of the gain > 0");
        double lower90 = BetaDistribution.of(17, 6).inverseCumulativeProbability(0.05);
        assertThat(errors.lower()).isCloseTo((2 * lower90 - 1) * 22 / 200, within(1e-15));
    }

    @Test
    void shouldApplyTheMinimaAtTheirBoundariesAndUseTheSeed() {
        Outcomes[] o = mcNemarPair();
        SignificanceRule rule = Policies.significantGain("accuracy").mcNemar();
        assertThat(rule.minSampleSize(200)
                        .compare(eval("m@1", o[0]), eval("m@2", o[1]))
                        .getFindings()
                        .get(0)
                        .detail())
                .startsWith("McNemar");
        assertThat(rule.minSampleSize(201)
                        .compare(eval("m@1", o[0]), eval("m@2", o[1]))
                        .getFindings()
                        .get(0)
                        .detail())
                .isEqualTo("only 200 paired examples, fewer than the minimum sample size 201");
        Outcomes few = Fixtures.classifier(1, 120, 0.8);
        Outcomes better = PoliciesTest.improve(few, 1);
        int positives = (int)
                java.util.Arrays.stream(few.getLabels()).filter(v -> v == 1).count();
        int smaller = Math.min(positives, 120 - positives);
        SignificanceRule auc =
                Policies.significantGain("auc").pairedBootstrap(50).seed(3);
        assertThat(auc.minPerClass(smaller)
                        .compare(eval("m@1", few), eval("m@2", better))
                        .getFindings()
                        .get(0)
                        .detail())
                .isEqualTo("paired bootstrap (50 resamples) of 120 paired examples, seed 3");
        assertThat(auc.minPerClass(smaller + 1)
                        .compare(eval("m@1", few), eval("m@2", better))
                        .getDecision())
                .isEqualTo(Decision.INCONCLUSIVE);
        assertThat(Policies.significantGain("auc").minPerClass(1)).isNotNull();
        assertThat(Policies.significantGain("accuracy").minSampleSize(1)).isNotNull();
    }

    @Test
    void shouldNameWhatIsMissingAndRefuseUnpairedOutcomes() {
        Outcomes[] o = mcNemarPair();
        SignificanceRule rule = Policies.significantGain("accuracy");
        Evaluation bare1 = eval("m@1", Fixtures.HOLDOUT, null);
        Evaluation bare2 = eval("m@2", Fixtures.HOLDOUT, null);
        assertThat(rule.compare(bare1, eval("m@2", o[1])).getFindings().get(0).detail())
                .isEqualTo("needs per-example outcomes of both models; missing for the champion m@1");
        assertThat(rule.compare(eval("m@1", o[0]), bare2).getFindings().get(0).detail())
                .isEqualTo("needs per-example outcomes of both models; missing for the challenger m@2");
        assertThat(rule.compare(bare1, bare2).getFindings().get(0).detail())
                .isEqualTo("needs per-example outcomes of both models; missing for the champion m@1 and the challenger"
                        + " m@2");
        Outcomes shorter = Outcomes.of(new double[199], new double[199]);
        assertThatThrownBy(() -> rule.compare(eval("m@1", o[0]), eval("m@2", shorter)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the champion has 200, the challenger 199");
        assertThatThrownBy(() ->
                        Policies.noSliceRegression("accuracy").by("r").compare(eval("m@1", o[0]), eval("m@2", shorter)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Policies.significantGain("accuracy").mcNemar().pairedBootstrap(20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("McNemar");
    }

    @Test
    void shouldSayWhenTheMetricWasUndefinedOnSomeResamples() {
        double[] y = {1, 0, 1, 0};
        Outcomes a = Outcomes.of(y, y).withScores(new double[] {0.9, 0.2, 0.4, 0.6});
        Outcomes b = Outcomes.of(y, y).withScores(new double[] {0.8, 0.3, 0.7, 0.1});
        Finding f = Policies.significantGain("auc")
                .pairedBootstrap(200)
                .minSampleSize(1)
                .minPerClass(1)
                .compare(eval("m@1", a), eval("m@2", b))
                .getFindings()
                .get(0);
        assertThat(f.decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(f.detail()).endsWith("; the metric was undefined on some resamples (one class only?)");
    }

    @Test
    void shouldPinTheMetricRuleAtItsBoundsAndSettings() {
        MetricRule both = Policies.metric("m").higherIsBetter().atLeast(0.5).atMost(0.9);
        assertThat(both.compare(null, eval("m@2", Map.of("m", 0.5))).getDecision())
                .isEqualTo(Decision.PROMOTE);
        assertThat(both.compare(null, eval("m@2", Map.of("m", 0.9))).getDecision())
                .isEqualTo(Decision.PROMOTE);
        assertThat(both.compare(null, eval("m@2", Map.of("m", 0.95)))
                        .getFindings()
                        .get(0)
                        .detail())
                .isEqualTo("0.95 > 0.9");
        assertThat(both.compare(null, eval("m@2", Map.of("m", 0.45)))
                        .getFindings()
                        .get(0)
                        .detail())
                .isEqualTo("0.45 < 0.5");
        MetricRule gain = Policies.metric("m").higherIsBetter().minAbsoluteGain(0.1);
        Finding first =
                gain.compare(null, eval("m@2", Map.of("m", 0.7))).getFindings().get(0);
        assertThat(first.decision()).isEqualTo(Decision.PROMOTE);
        assertThat(first.detail()).isEqualTo("no champion: only the bounds apply");
        Finding missing = gain.compare(eval("m@1", Map.of("x", 1.0)), eval("m@2", Map.of("m", 0.7)))
                .getFindings()
                .get(0);
        assertThat(missing.decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(missing.detail()).isEqualTo("the champion has no metric 'm': the change cannot be checked");
        Finding both2 = Policies.metric("m")
                .higherIsBetter()
                .atLeast(0.8)
                .minAbsoluteGain(0.1)
                .compare(eval("m@1", Map.of("x", 1.0)), eval("m@2", Map.of("m", 0.7)))
                .getFindings()
                .get(0);
        assertThat(both2.detail()).isEqualTo("0.7 < 0.8; the champion has no metric 'm': the change cannot be checked");
        assertThat(Policies.metric("m")
                        .higherIsBetter()
                        .atMost(1)
                        .compare(eval("m@1", Map.of("x", 1.0)), eval("m@2", Map.of("m", 0.7)))
                        .getFindings()
                        .get(0)
                        .detail())
                .isEqualTo("the champion has no metric 'm'");
        Finding zero = Policies.metric("m")
                .higherIsBetter()
                .minRelativeGain(0.1)
                .compare(eval("m@1", Map.of("m", 0.0)), eval("m@2", Map.of("m", -1.0)))
                .getFindings()
                .get(0);
        assertThat(zero.detail()).isEqualTo("relative gain −∞ < 10% (zero baseline)");
        Finding loss = Policies.metric("m")
                .lowerIsBetter()
                .maxRelativeLoss(0.1)
                .maxAbsoluteLoss(0)
                .compare(eval("m@1", Map.of("m", 1.0)), eval("m@2", Map.of("m", 1.0)))
                .getFindings()
                .get(0);
        assertThat(loss.decision()).isEqualTo(Decision.PROMOTE);
        assertThat(loss.threshold()).isEqualTo("loss ≤ 0; relative loss ≤ 10%");
        MetricRule base = Policies.metric("m").higherIsBetter();
        assertThatThrownBy(() -> base.atMost(1).atMost(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> base.atMost(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.atLeast(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.atMost(1).atLeast(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above atMost");
        assertThatThrownBy(() -> base.atLeast(2).atMost(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("below");
        assertThat(base.atLeast(1).atMost(1)).isNotNull();
        assertThatThrownBy(() -> base.minAbsoluteGain(0).minAbsoluteGain(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> base.minRelativeGain(0).minRelativeGain(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> base.maxRelativeLoss(0).maxRelativeLoss(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> base.minRelativeGain(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.maxAbsoluteLoss(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.maxAbsoluteLoss(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReportTheVerdictsPartsAndNameTheCombination() {
        Evaluation champion = eval("m@1", Map.of("a", 1.0));
        Evaluation challenger = eval("m@2", Map.of("a", 2.0));
        ComparisonPolicy pass = Policies.metric("a").higherIsBetter().atLeast(0);
        Verdict v = Policies.allOf(pass).compare(champion, challenger);
        assertThat(v.isPromote()).isTrue();
        assertThat(v.getChampion()).contains(ModelRef.parse("m@1"));
        assertThat(v.getChallenger()).isEqualTo(ModelRef.parse("m@2"));
        assertThat(Policies.allOf(Policies.metric("a").higherIsBetter().atLeast(5))
                        .compare(champion, challenger)
                        .isPromote())
                .isFalse();
        assertThat(Policies.allOf(pass).toString()).isEqualTo("allOf[metric a higher is better]");
        assertThat(Policies.anyOf(pass).toString()).isEqualTo("anyOf[metric a higher is better]");
        assertThatThrownBy(Policies::anyOf).hasMessageContaining("anyOf needs at least one rule");
        assertThatThrownBy(Policies::allOf).hasMessageContaining("allOf needs at least one rule");
        assertThat(Policies.noSliceRegression("accuracy").by("region").toString())
                .isEqualTo("no regression in accuracy on any slice by region");
        assertThat(new Evaluation[] {eval("m@3", DatasetRef.parse("h@1"), null)})
                .hasSize(1);
    }

    @Test
    void shouldCheckASliceOfExactlyTheMinimumAndPickTheFirstOfEquallyWorstSlices() {
        int n = 60;
        double[] y = new double[n];
        double[] a = new double[n];
        double[] b = new double[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i < 30 ? "A" : "B";
            y[i] = i % 2;
            a[i] = y[i];
            b[i] = i % 30 == 0 ? 1 - y[i] : y[i]; // one error in each slice of 30
        }
        Verdict v = Policies.noSliceRegression("accuracy")
                .by("k")
                .tolerance(0)
                .minSliceSize(30)
                .compare(
                        eval("m@1", Outcomes.of(y, a).withSlice("k", keys)),
                        eval("m@2", Outcomes.of(y, b).withSlice("k", keys)));
        assertThat(v.getDecision()).isEqualTo(Decision.REJECT);
        assertThat(v.getFindings().get(0).detail())
                .isEqualTo("2 of 2 slices by k checked; worst k=A; regressed: k=A -0.03333 (n=30), k=B -0.03333"
                        + " (n=30)");
        assertThat(Policies.noSliceRegression("accuracy").by("k").tolerance(0).minSliceSize(1))
                .isNotNull();
    }

    @Test
    void shouldPinTheRemainingBoundaries() {
        assertThat(PairedBootstrap.of(ExampleMetric.auc()).resamples(10).getResamples())
                .isEqualTo(10);
        assertThat(Policies.metric("m").higherIsBetter().atMost(1).atLeast(1)).isNotNull();
        // McNemar checks pairing itself: same size, other labels
        double[] y = new double[100];
        double[] z = new double[100];
        z[3] = 1;
        assertThatThrownBy(() -> Policies.significantGain("accuracy")
                        .mcNemar()
                        .compare(eval("m@1", Outcomes.of(y, y)), eval("m@2", Outcomes.of(z, z))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example 3");
        // equal classes below the minimum: the positive class is named
        double[] labels = new double[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = i % 2;
        }
        Outcomes o = Outcomes.of(labels, labels).withScores(labels);
        assertThat(Policies.significantGain("auc")
                        .compare(eval("m@1", o), eval("m@2", o))
                        .getFindings()
                        .get(0)
                        .detail())
                .contains("50 positive and 50 negative; 10 more positive (label 1) examples");
    }
}
