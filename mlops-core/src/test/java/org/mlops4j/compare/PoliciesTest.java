package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ModelRef;

class PoliciesTest {
    private static final MetricRule PASS = Policies.metric("a").higherIsBetter().atLeast(0);
    private static final MetricRule FAIL = Policies.metric("a").higherIsBetter().atLeast(2);
    private static final MetricRule UNSURE =
            Policies.metric("b").higherIsBetter().minAbsoluteGain(0);
    private static final Evaluation CHAMPION = Fixtures.eval("m@1", Map.of("a", 1.0));
    private static final Evaluation CHALLENGER = Fixtures.eval("m@2", Map.of("a", 1.0, "b", 1.0));

    private static Decision decide(ComparisonPolicy policy) {
        return policy.compare(CHAMPION, CHALLENGER).getDecision();
    }

    @Test
    void shouldCombineDecisionsWhenAllOfOrAnyOf() {
        assertThat(decide(UNSURE)).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(decide(Policies.allOf(PASS, PASS))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(Policies.allOf(PASS, UNSURE))).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(decide(Policies.allOf(UNSURE, FAIL))).isEqualTo(Decision.REJECT);
        assertThat(decide(Policies.anyOf(FAIL, PASS))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(Policies.anyOf(FAIL, UNSURE))).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(decide(Policies.anyOf(FAIL, FAIL))).isEqualTo(Decision.REJECT);
        assertThat(Policies.allOf(PASS, Policies.anyOf(FAIL, UNSURE), PASS)
                        .compare(CHAMPION, CHALLENGER)
                        .getFindings())
                .hasSize(4);
    }

    @Test
    void shouldRejectEmptyCombinationsWhenBuilt() {
        assertThatThrownBy(Policies::allOf).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(Policies::anyOf).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldGiveOneReadableFindingPerRuleWhenRunningTheDesignExample() {
        ComparisonPolicy policy = Policies.allOf(
                Policies.metric("auc").higherIsBetter().atLeast(0.70).minAbsoluteGain(0.005),
                Policies.metric("latency_p95_ms").lowerIsBetter().maxRelativeLoss(0.10),
                Policies.significantGain("accuracy").pairedBootstrap(2_000).confidence(0.95),
                Policies.noSliceRegression("accuracy")
                        .by("region")
                        .tolerance(0.01)
                        .minSliceSize(200));
        int n = 4_000;
        String[] regions = new String[n];
        for (int i = 0; i < n; i++) {
            regions[i] = i % 3 == 0 ? "EU" : i % 3 == 1 ? "US" : "APAC";
        }
        Outcomes old = Fixtures.classifier(1, n, 0.80).withSlice("region", regions);
        Outcomes better = improve(old, 0.4).withSlice("region", regions);
        Evaluation champion = Evaluation.builder(ModelRef.parse("churn@7"), DatasetRef.parse("churn-holdout@3"))
                .outcomes(old)
                .computeMetrics()
                .metric("latency_p95_ms", 40)
                .build();
        Evaluation challenger = Evaluation.builder(ModelRef.parse("churn@8"), DatasetRef.parse("churn-holdout@3"))
                .outcomes(better)
                .computeMetrics()
                .metric("latency_p95_ms", 42)
                .build();
        Verdict v = policy.compare(champion, challenger);
        assertThat(v.getDecision()).as("%s", v).isEqualTo(Decision.PROMOTE);
        assertThat(v.getFindings()).hasSize(4).allMatch(Finding::passed);
        assertThat(v.toString())
                .startsWith("PROMOTE churn@8 over churn@7\n  [pass] metric auc higher is better: challenger")
                .contains("[pass] metric latency_p95_ms lower is better: challenger 42 vs champion 40, gain -2;"
                        + " needs relative loss ≤ 10%")
                .contains("[pass] significant gain in accuracy by paired bootstrap (2000 resamples)")
                .contains("3 of 3 slices by region checked");
        Verdict first = policy.compare(null, challenger);
        assertThat(first.getDecision()).isEqualTo(Decision.PROMOTE);
        assertThat(first.toString()).contains("(no champion)").contains("does not apply");
    }

    /** Fixes a share of the wrong predictions. */
    static Outcomes improve(Outcomes o, double share) {
        double[] y = o.getLabels();
        double[] p = o.getPredictions();
        double[] s = o.getScores();
        java.util.SplittableRandom r = new java.util.SplittableRandom(99);
        for (int i = 0; i < y.length; i++) {
            if (p[i] != y[i] && r.nextDouble() < share) {
                p[i] = y[i];
                s[i] = 1 - s[i];
            }
        }
        return Outcomes.of(y, p).withScores(s);
    }
}
