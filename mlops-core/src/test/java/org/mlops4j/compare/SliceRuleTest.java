package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlops4j.compare.Fixtures.eval;

import org.junit.jupiter.api.Test;

class SliceRuleTest {
    /** 300 EU examples, 300 US, 20 MARS; the challenger loses 2 points on EU and is perfect elsewhere. */
    private static Outcomes[] models() {
        int n = 620;
        double[] y = new double[n];
        double[] champ = new double[n];
        double[] chal = new double[n];
        String[] region = new String[n];
        for (int i = 0; i < n; i++) {
            region[i] = i < 300 ? "EU" : i < 600 ? "US" : "MARS";
            y[i] = i % 2;
            champ[i] = i % 10 == 0 ? 1 - y[i] : y[i]; // 90% right
            chal[i] = (i < 300 ? i % 10 == 0 || i % 50 == 1 : i >= 600) ? 1 - y[i] : y[i];
        }
        return new Outcomes[] {
            Outcomes.of(y, champ).withSlice("region", region),
            Outcomes.of(y, chal).withSlice("region", region)
        };
    }

    @Test
    void shouldRejectWhenASliceRegressesBeyondTolerance() {
        Outcomes[] m = models();
        Verdict v = Policies.noSliceRegression("accuracy")
                .by("region")
                .tolerance(0.01)
                .minSliceSize(100)
                .compare(eval("m@1", m[0]), eval("m@2", m[1]));
        assertThat(v.getDecision()).isEqualTo(Decision.REJECT);
        Finding f = v.getFindings().get(0);
        assertThat(f.delta()).isCloseTo(-0.02, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(f.detail())
                .contains("2 of 3 slices by region checked")
                .contains("too small: MARS (20)")
                .contains("regressed: region=EU -0.02 (n=300)");
    }

    @Test
    void shouldPassWhenRegressionIsWithinToleranceOrSliceIsTooSmall() {
        Outcomes[] m = models();
        assertThat(Policies.noSliceRegression("accuracy")
                        .by("region")
                        .tolerance(0.03)
                        .compare(eval("m@1", m[0]), eval("m@2", m[1]))
                        .getDecision())
                .isEqualTo(Decision.PROMOTE);
        // issue 17 item 4: with every slice too small nothing was checked, which is no evidence: inconclusive
        // (this assertion said PROMOTE before)
        assertThat(Policies.noSliceRegression("accuracy")
                        .by("region")
                        .minSliceSize(301)
                        .compare(eval("m@1", m[0]), eval("m@2", m[1]))
                        .getDecision())
                .isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void shouldBeInconclusiveWhenDimensionIsMissingAndPassWithoutChampion() {
        Outcomes[] m = models();
        SliceRule rule = Policies.noSliceRegression("accuracy").by("country");
        assertThat(rule.compare(eval("m@1", m[0]), eval("m@2", m[1])).getDecision())
                .isEqualTo(Decision.INCONCLUSIVE);
        assertThat(rule.compare(null, eval("m@2", m[1])).getDecision()).isEqualTo(Decision.PROMOTE);
        assertThatThrownBy(() -> rule.tolerance(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rule.minSliceSize(5).minSliceSize(6)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldBeInconclusiveNotPromoteWhenNoSliceWasChecked() {
        int n = 500;
        double[] y = new double[n];
        double[] p = new double[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            p[i] = y[i];
            keys[i] = "k" + (i % 50); // 50 slices of 10 examples, all below the default minimum of 30
        }
        Verdict v = Policies.noSliceRegression("accuracy")
                .by("shop")
                .compare(
                        eval("m@1", Outcomes.of(y, p).withSlice("shop", keys)),
                        eval("m@2", Outcomes.of(y, p).withSlice("shop", keys)));
        assertThat(v.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(v.getFindings().get(0).detail())
                .startsWith("0 of 50 slices by shop checked")
                .contains("no slice could be checked");
    }

    @Test
    void shouldBeInconclusiveWhenTheChampionLacksTheDimension() {
        Outcomes[] m = models();
        Outcomes bare = Outcomes.of(m[0].getLabels(), m[0].getPredictions());
        Verdict v = Policies.noSliceRegression("accuracy").by("region").compare(eval("m@1", bare), eval("m@2", m[1]));
        assertThat(v.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(v.getFindings().get(0).detail())
                .startsWith("the champion's outcomes have no slice dimension 'region'");
        Verdict neither = Policies.noSliceRegression("accuracy")
                .by("region")
                .compare(eval("m@1", bare), eval("m@2", Outcomes.of(m[1].getLabels(), m[1].getPredictions())));
        assertThat(neither.getFindings().get(0).detail()).startsWith("neither model's outcomes have");
        Verdict challengerOnly = Policies.noSliceRegression("accuracy")
                .by("region")
                .compare(eval("m@1", m[0]), eval("m@2", Outcomes.of(m[1].getLabels(), m[1].getPredictions())));
        assertThat(challengerOnly.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(challengerOnly.getFindings().get(0).detail())
                .startsWith("the challenger's outcomes have no slice dimension 'region' (they have [])");
    }

    @Test
    void shouldBeInconclusiveWhenTheModelsSliceKeysDiffer() {
        Outcomes[] m = models();
        String[] keys = m[0].getSliceKeys("region").toArray(new String[0]);
        keys[5] = "US"; // example 5 is EU for the champion
        Outcomes relabelled =
                Outcomes.of(m[1].getLabels(), m[1].getPredictions()).withSlice("region", keys);
        Verdict v = Policies.noSliceRegression("accuracy")
                .by("region")
                .minSliceSize(10)
                .compare(eval("m@1", m[0]), eval("m@2", relabelled));
        assertThat(v.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(v.getFindings().get(0).detail())
                .contains("differ between the models at example 5: 'EU' for the champion, 'US' for the challenger");
    }

    @Test
    void shouldReportASliceAsUncheckedNotRegressedWhenTheMetricIsUndefinedOnIt() {
        // slice "one" holds positives only: AUC is undefined there for both models
        int n = 200;
        double[] y = new double[n];
        double[] s = new double[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i < 100 ? "both" : "one";
            y[i] = i < 100 ? i % 2 : 1;
            s[i] = y[i] == 1 ? 0.6 + i * 1e-3 : 0.4 - i * 1e-3;
        }
        Outcomes o = Outcomes.of(y, y).withScores(s).withSlice("part", keys);
        Verdict v = Policies.noSliceRegression("auc").by("part").compare(eval("m@1", o), eval("m@2", o));
        assertThat(v.getDecision()).isEqualTo(Decision.PROMOTE);
        assertThat(v.getFindings().get(0).detail())
                .startsWith("1 of 2 slices by part checked")
                .contains("auc undefined (one class only?): one (100)")
                .doesNotContain("regressed");
        String[] byLabel = new String[n];
        for (int i = 0; i < n; i++) {
            byLabel[i] = y[i] == 1 ? "pos" : "neg"; // every slice has one class only
        }
        Outcomes p = Outcomes.of(y, y).withScores(s).withSlice("part", byLabel);
        Verdict none = Policies.noSliceRegression("auc").by("part").compare(eval("m@1", p), eval("m@2", p));
        assertThat(none.getDecision()).isEqualTo(Decision.INCONCLUSIVE);
    }
}
