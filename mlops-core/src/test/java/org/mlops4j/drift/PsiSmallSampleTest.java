package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 6: PSI had no small-sample guard. Same-distribution data gave 0.30 at 50 vs 100,000 rows and 0.48 at
 * 30 vs 40, both above the 0.2 "major shift" level, and the rule called it drift.
 */
class PsiSmallSampleTest {
    private static double[] normal(long seed, int n) {
        return DriftRuleTest.normal(seed, n, 0);
    }

    @Test
    void shouldNotCallSameDistributionDataAMajorShiftWhenOneSideHasFiftyRows() {
        ColumnDrift r =
                Drift.psi(0.2).test(Columns.numeric("x", normal(1, 100_000)), Columns.numeric("x", normal(2, 50)));
        assertThat(r.statistic()).as("PSI itself is noisy at 50 rows").isGreaterThan(0.05);
        assertThat(r.drifted()).isFalse();
        assertThat(r.expected()).isCloseTo(9 * (1 / 100_000.0 + 1 / 50.0), within(1e-15));
        assertThat(r.note())
                .isEqualTo("too few rows for PSI over 10 bins: it needs at least 500 per side (50 per bin), so it does"
                        + " not count as drift");
        assertThat(r.toString()).contains("expected without drift");
    }

    @Test
    void shouldNotCallSameDistributionDataAMajorShiftAtThirtyVersusForty() {
        ColumnDrift r = Drift.psi(0.2).test(Columns.numeric("x", normal(3, 30)), Columns.numeric("x", normal(4, 40)));
        assertThat(r.drifted()).isFalse();
        assertThat(r.expected()).isCloseTo(9 * (1 / 30.0 + 1 / 40.0), within(1e-15));
    }

    @Test
    void shouldKeepTheUsualRuleAboveTheMinimumAndReportTheExpectedValueBeside() {
        // 500 rows per side is the documented minimum for 10 bins; a 1 SD shift is drift, no shift is not
        double[] shifted = normal(6, 500);
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1;
        }
        ColumnDrift moved = Drift.psi(0.2).test(Columns.numeric("x", normal(5, 500)), Columns.numeric("x", shifted));
        assertThat(moved.drifted()).isTrue();
        assertThat(moved.note()).isEmpty();
        assertThat(moved.expected()).isCloseTo(9 * 2 / 500.0, within(1e-15));
        ColumnDrift stable =
                Drift.psi(0.2).test(Columns.numeric("x", normal(7, 500)), Columns.numeric("x", normal(8, 500)));
        assertThat(stable.drifted()).isFalse();
        assertThat(DriftRule.psiMinimumRows(10)).isEqualTo(500);
        assertThat(DriftRule.psiMinimumRows(2)).isEqualTo(500);
        assertThat(DriftRule.psiMinimumRows(50)).isEqualTo(2_500);
    }

    @Test
    void shouldMatchTheExpectedValueUnderNoDriftAboveTheMinimum() {
        // the mean of 400 same-distribution PSIs at 1,000 vs 1,000 rows against (bins − 1)(1/n + 1/m) = 0.018
        double sum = 0;
        int runs = 400;
        for (int i = 0; i < runs; i++) {
            sum += Drift.psi(0.2)
                    .test(Columns.numeric("x", normal(100 + i, 1_000)), Columns.numeric("x", normal(900 + i, 1_000)))
                    .statistic();
        }
        // the standard error of the mean is about 0.018 * sqrt(2/9) / sqrt(400) = 0.0004
        assertThat(sum / runs).isCloseTo(DriftRule.expectedPsi(10, 1_000, 1_000), within(0.0015));
    }
}
