package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mlops4j.compare.Fixtures.eval;

import org.junit.jupiter.api.Test;
import org.mlops4j.data.DatasetRef;

class SignificanceRuleTest {
    private static final Outcomes OLD = Fixtures.classifier(1, 5_000, 0.80);
    private static final Outcomes BETTER = PoliciesTest.improve(OLD, 0.3);

    @Test
    void shouldPromoteWhenGainIsSignificantAndRejectWhenLossIs() {
        for (SignificanceRule rule : new SignificanceRule[] {
            Policies.significantGain("accuracy"),
            Policies.significantGain("auc").pairedBootstrap(500),
            Policies.significantGain("log_loss").pairedBootstrap(500),
            Policies.significantGain("accuracy").mcNemar()
        }) {
            assertThat(rule.compare(eval("m@1", OLD), eval("m@2", BETTER)).getDecision())
                    .as("%s", rule)
                    .isEqualTo(Decision.PROMOTE);
            assertThat(rule.compare(eval("m@2", BETTER), eval("m@1", OLD)).getDecision())
                    .as("%s", rule)
                    .isEqualTo(Decision.REJECT);
        }
    }

    @Test
    void shouldBeInconclusiveWhenComparingAModelWithItself() {
        for (SignificanceRule rule : new SignificanceRule[] {
            Policies.significantGain("accuracy"),
            Policies.significantGain("auc").pairedBootstrap(200),
            Policies.significantGain("accuracy").mcNemar()
        }) {
            Verdict v = rule.compare(eval("m@1", OLD), eval("m@2", OLD));
            assertThat(v.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
            assertThat(v.getFindings().get(0).lower()).isEqualTo(0.0);
        }
    }

    @Test
    void shouldReportExactPValueWhenUsingMcNemar() {
        double[] y = new double[200];
        double[] a = new double[200];
        double[] b = new double[200];
        for (int i = 0; i < 10; i++) {
            a[i] = 1; // only the challenger is right on 10 examples, the champion on none
        }
        Finding f = Policies.significantGain("accuracy")
                .mcNemar()
                .compare(eval("m@1", Outcomes.of(y, a)), eval("m@2", Outcomes.of(y, b)))
                .getFindings()
                .get(0);
        assertThat(f.pValue()).isCloseTo(2 * Math.pow(0.5, 10), within(1e-15));
        assertThat(f.decision()).isEqualTo(Decision.PROMOTE);
        assertThat(f.delta()).isEqualTo(0.05);
        // Clopper–Pearson for 10 of 10 at 95%: lower π = 0.025^(1/10)
        assertThat(f.lower()).isCloseTo((2 * Math.pow(0.025, 0.1) - 1) * 10 / 200, within(1e-12));
        assertThat(f.detail()).contains("10 examples only the challenger got right, 0 only the champion, of 200");
    }

    @Test
    void shouldBeInconclusiveWhenEvidenceIsMissing() {
        SignificanceRule rule = Policies.significantGain("accuracy");
        assertThat(rule.compare(eval("m@1", OLD), eval("m@2", DatasetRef.parse("other@1"), BETTER))
                        .getFindings()
                        .get(0)
                        .detail())
                .contains("same dataset version");
        assertThat(rule.compare(eval("m@1", Fixtures.HOLDOUT, null), eval("m@2", BETTER))
                        .getDecision())
                .isEqualTo(Decision.INCONCLUSIVE);
        Outcomes few = Fixtures.classifier(1, 50, 0.5);
        Verdict small = rule.compare(eval("m@1", few), eval("m@2", PoliciesTest.improve(few, 1)));
        assertThat(small.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(small.toString()).contains("minimum sample size 100");
        assertThat(rule.minSampleSize(10)
                        .compare(eval("m@1", few), eval("m@2", PoliciesTest.improve(few, 1)))
                        .getDecision())
                .isEqualTo(Decision.PROMOTE);
    }

    @Test
    void shouldPassWhenThereIsNoChampion() {
        Verdict v = Policies.significantGain("accuracy").compare(null, eval("m@1", OLD));
        assertThat(v.getDecision()).isEqualTo(Decision.PROMOTE);
        assertThat(v.getChampion()).isEmpty();
    }

    @Test
    void shouldFailFastWhenConfiguredWrongly() {
        SignificanceRule rule = Policies.significantGain("auc");
        assertThatThrownBy(rule::mcNemar)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auc");
        assertThatThrownBy(() -> rule.pairedBootstrap(100).mcNemar()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> rule.confidence(0.9).confidence(0.95)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> rule.confidence(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rule.minSampleSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rule.seed(1).seed(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Policies.significantGain("bleu")).isInstanceOf(IllegalArgumentException.class);
    }
}
