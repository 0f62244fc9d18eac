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

    @Test
    void shouldBeInconclusiveAndSayHowManyMoreWhenTheMinorityClassIsTooSmallForAuc() {
        // 1,000 examples, 20 positives: enough examples in all, too few of one class for an AUC gain
        int n = 1_000;
        double[] y = new double[n];
        double[] champ = new double[n];
        double[] chal = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 50 == 0 ? 1 : 0;
            champ[i] = y[i] == 1 ? 0.3 + (i % 7) * 0.05 : 0.1 + (i % 11) * 0.05;
            chal[i] = y[i] == 1 ? 0.9 : 0.1; // a perfect challenger
        }
        Evaluation a = eval("m@1", Outcomes.of(y, y).withScores(champ));
        Evaluation b = eval("m@2", Outcomes.of(y, y).withScores(chal));
        Finding f = Policies.significantGain("auc")
                .pairedBootstrap(200)
                .compare(a, b)
                .getFindings()
                .get(0);
        assertThat(f.decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(f.threshold()).endsWith("≥ " + SignificanceRule.DEFAULT_MIN_PER_CLASS + " examples of each class");
        assertThat(f.detail())
                .isEqualTo("auc is defined by class and needs at least 60 examples of each class: 20 positive and 980"
                        + " negative; 40 more positive (label 1) examples (about 2000 more examples at the observed"
                        + " share of 2%) are needed");
        SignificanceRule lenient =
                Policies.significantGain("auc").pairedBootstrap(200).minPerClass(20);
        assertThat(lenient.compare(a, b).getDecision()).isEqualTo(Decision.PROMOTE);
        assertThat(Policies.significantGain("auc")
                        .pairedBootstrap(200)
                        .minPerClass(21)
                        .compare(a, b)
                        .getDecision())
                .isEqualTo(Decision.INCONCLUSIVE);
        // a metric that is not class-conditional ignores the minimum per class
        assertThat(Policies.significantGain("brier")
                        .pairedBootstrap(200)
                        .compare(a, b)
                        .getDecision())
                .isEqualTo(Decision.PROMOTE);
        double[] flipped = new double[n];
        for (int i = 0; i < n; i++) {
            flipped[i] = 1 - y[i];
        }
        Finding negatives = Policies.significantGain("auc")
                .compare(
                        eval("m@1", Outcomes.of(flipped, flipped).withScores(champ)),
                        eval("m@2", Outcomes.of(flipped, flipped).withScores(chal)))
                .getFindings()
                .get(0);
        assertThat(negatives.detail()).contains("980 positive and 20 negative; 40 more negative (label 0) examples");
        assertThatThrownBy(() -> lenient.minPerClass(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Policies.significantGain("auc").minPerClass(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSayNoExampleOfAClassWhenOnlyOneClassOccurs() {
        double[] y = new double[200];
        double[] s = new double[200];
        for (int i = 0; i < s.length; i++) {
            s[i] = i / 400.0;
        }
        Evaluation a = eval("m@1", Outcomes.of(y, y).withScores(s));
        Finding f = Policies.significantGain("auc").compare(a, a).getFindings().get(0);
        assertThat(f.decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(f.detail()).endsWith("0 positive and 200 negative; 60 more positive (label 1) examples are needed");
    }
}
