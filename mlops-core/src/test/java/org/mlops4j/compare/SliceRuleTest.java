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
        assertThat(Policies.noSliceRegression("accuracy")
                        .by("region")
                        .minSliceSize(301)
                        .compare(eval("m@1", m[0]), eval("m@2", m[1]))
                        .getDecision())
                .isEqualTo(Decision.PROMOTE);
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
}
