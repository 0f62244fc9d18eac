package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlops4j.compare.Fixtures.eval;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricRuleTest {
    private static final Evaluation CHAMPION = eval("churn@7", Map.of("auc", 0.80, "latency", 40.0, "zero", 0.0));

    private static Decision decide(ComparisonPolicy rule, Map<String, Double> challenger) {
        return rule.compare(CHAMPION, eval("churn@8", challenger)).getDecision();
    }

    @Test
    void shouldApplyAbsoluteBoundsWhenGiven() {
        MetricRule rule = Policies.metric("auc").higherIsBetter().atLeast(0.70).atMost(0.99);
        assertThat(decide(rule, Map.of("auc", 0.70))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(rule, Map.of("auc", 0.69))).isEqualTo(Decision.REJECT);
        assertThat(decide(rule, Map.of("auc", 0.995))).isEqualTo(Decision.REJECT);
    }

    @Test
    void shouldRequireMinimumGainWhenMinAbsoluteGainIsSet() {
        MetricRule rule = Policies.metric("auc").higherIsBetter().minAbsoluteGain(0.005);
        assertThat(decide(rule, Map.of("auc", 0.806))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(rule, Map.of("auc", 0.804))).isEqualTo(Decision.REJECT);
        MetricRule latency = Policies.metric("latency").lowerIsBetter().minAbsoluteGain(5);
        assertThat(decide(latency, Map.of("latency", 35.0))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(latency, Map.of("latency", 36.0))).isEqualTo(Decision.REJECT);
    }

    @Test
    void shouldAllowBoundedLossWhenGuardrailIsSet() {
        MetricRule rule = Policies.metric("latency").lowerIsBetter().maxRelativeLoss(0.10);
        assertThat(decide(rule, Map.of("latency", 44.0))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(rule, Map.of("latency", 44.5))).isEqualTo(Decision.REJECT);
        MetricRule abs = Policies.metric("auc").higherIsBetter().maxAbsoluteLoss(0.01);
        assertThat(decide(abs, Map.of("auc", 0.7905))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(abs, Map.of("auc", 0.789))).isEqualTo(Decision.REJECT);
    }

    @Test
    void shouldRequireRelativeGainWhenMinRelativeGainIsSet() {
        MetricRule rule = Policies.metric("auc").higherIsBetter().minRelativeGain(0.05);
        assertThat(decide(rule, Map.of("auc", 0.841))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(rule, Map.of("auc", 0.839))).isEqualTo(Decision.REJECT);
    }

    @Test
    void shouldTreatAnyChangeAsInfiniteWhenBaselineIsZero() {
        MetricRule gain = Policies.metric("zero").higherIsBetter().minRelativeGain(0.5);
        assertThat(decide(gain, Map.of("zero", 1e-9))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(gain, Map.of("zero", 0.0))).isEqualTo(Decision.REJECT);
        MetricRule loss = Policies.metric("zero").higherIsBetter().maxRelativeLoss(0.5);
        assertThat(decide(loss, Map.of("zero", 0.0))).isEqualTo(Decision.PROMOTE);
        assertThat(decide(loss, Map.of("zero", -1e-9))).isEqualTo(Decision.REJECT);
        assertThat(gain.compare(CHAMPION, eval("m@9", Map.of("zero", 0.0))).toString())
                .contains("zero baseline");
    }

    @Test
    void shouldRejectWhenChallengerLacksTheMetric() {
        MetricRule rule = Policies.metric("auc").higherIsBetter();
        Verdict v = rule.compare(CHAMPION, eval("churn@8", Map.of("accuracy", 0.9)));
        assertThat(v.getDecision()).isEqualTo(Decision.REJECT);
        assertThat(v.getFindings().get(0).detail()).contains("no metric 'auc'").contains("accuracy");
    }

    @Test
    void shouldBeInconclusiveWhenChampionLacksTheMetricForAChangeRule() {
        MetricRule rule = Policies.metric("f1").higherIsBetter().minAbsoluteGain(0);
        assertThat(decide(rule, Map.of("f1", 0.9))).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(decide(rule.atLeast(0.95), Map.of("f1", 0.9))).isEqualTo(Decision.REJECT);
    }

    @Test
    void shouldApplyOnlyBoundsWhenThereIsNoChampion() {
        MetricRule rule = Policies.metric("auc").higherIsBetter().atLeast(0.7).minAbsoluteGain(0.5);
        Verdict v = rule.compare(null, eval("churn@1", Map.of("auc", 0.75)));
        assertThat(v.getDecision()).isEqualTo(Decision.PROMOTE);
        assertThat(v.toString()).contains("no champion");
        assertThat(rule.compare(null, eval("churn@1", Map.of("auc", 0.65))).getDecision())
                .isEqualTo(Decision.REJECT);
    }

    @Test
    void shouldExplainTheFindingWhenPrinted() {
        MetricRule rule = Policies.metric("auc").higherIsBetter().atLeast(0.70).minAbsoluteGain(0.005);
        Verdict v = rule.compare(CHAMPION, eval("churn@8", Map.of("auc", 0.802)));
        assertThat(v.toString())
                .isEqualTo("REJECT churn@8 over churn@7\n"
                        + "  [FAIL] metric auc higher is better: challenger 0.802 vs champion 0.8, gain +0.002;"
                        + " needs ≥ 0.7; gain ≥ +0.005 — gain +0.002 < +0.005");
        Finding f = v.getFindings().get(0);
        assertThat(f.passed()).isFalse();
        assertThat(f.delta()).isCloseTo(0.002, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void shouldFailFastWhenSetterIsCalledTwiceOrWithBadValue() {
        MetricRule rule = Policies.metric("auc").higherIsBetter().atLeast(0.7);
        assertThatThrownBy(() -> rule.atLeast(0.8)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> rule.atMost(0.6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rule.minAbsoluteGain(0.1).maxAbsoluteLoss(0.1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> rule.maxRelativeLoss(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-0.1");
        assertThatThrownBy(() -> rule.minAbsoluteGain(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Policies.metric(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
