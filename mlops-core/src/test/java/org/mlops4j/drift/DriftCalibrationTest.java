package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mlops4j.data.profile.TableProfile;

/**
 * Issue 17, acceptance 1: the drift trigger's tests keep their stated false-alarm rate on profiles. 100 pairs of
 * independent same-distribution datasets of 20,000 rows (a 50-category Zipf column, a normal numeric column, a tied
 * integer column), each profiled as a snapshot would be and tested as {@code Triggers.drift} tests them
 * ({@link Columns#fromProfile}); and the same rows in another order, which must never fire.
 *
 * <p>Before the fix, 82 of 100 such pairs raised an alarm on the categorical column at α = 0.05 (Misra–Gries counts
 * that depend on row order), and a shuffled copy fired with χ² = 27,690.
 *
 * <p>{@code verify} runs 100 pairs (about 30 s on two busy cores). For a sharper measurement, run more pairs:
 *
 * <pre>
 * ./mvnw -B -o -pl mlops-core surefire:test -Dtest=DriftCalibrationTest -Dmlops.calibration.pairs=400
 * </pre>
 *
 * <p>KS on the tied integer column (eleven distinct values) is conservative, as SciPy's {@code ks_2samp} is on tied
 * data: its p-values assume a continuous distribution, so it fires less often than α (0 of 100 and 1 of 400 pairs
 * when measured for issue 17). Its count is held to the upper end of the band only.
 */
@Tag("statistical")
class DriftCalibrationTest {
    private static final int PAIRS = Integer.getInteger("mlops.calibration.pairs", 100);
    private static final int ROWS = 20_000;
    private static final double ALPHA = 0.05;
    private static final String HEADER = "city,income,visits";

    @Test
    void shouldRaiseFalseAlarmsAtTheStatedRateAndNeverForReorderedRows() {
        DriftRule rule = Drift.ks(ALPHA); // KS for numbers, chi-square for categories, at the same α
        int[] alarms = new int[3];
        double[] psiSum = new double[3];
        double[] expectedSum = new double[3];
        int reorderedAlarms = 0;
        for (int pair = 0; pair < PAIRS; pair++) {
            List<String> reference = ProfileDriftTest.rows(2L * pair + 1, ROWS, 0);
            List<String> current = ProfileDriftTest.rows(2L * pair + 2, ROWS, 0);
            TableProfile a = ProfileCsv.profile(HEADER, reference);
            TableProfile b = ProfileCsv.profile(HEADER, current);
            DriftReport report = rule.detect(Columns.fromProfile(a), Columns.fromProfile(b));
            DriftReport psi = Drift.psi(0.1).detect(Columns.fromProfile(a), Columns.fromProfile(b));
            for (int c = 0; c < 3; c++) {
                ColumnDrift result = report.getColumns().get(c);
                assertThat(result.isTested()).as("%s", result).isTrue();
                assertThat(result.referenceRows()).isEqualTo(ROWS);
                alarms[c] += result.drifted() ? 1 : 0;
                psiSum[c] += psi.getColumns().get(c).statistic();
                expectedSum[c] += psi.getColumns().get(c).expected();
                assertThat(psi.getColumns().get(c).drifted())
                        .as("PSI > 0.1 without drift")
                        .isFalse();
            }
            if (pair % 10 == 0) {
                List<String> shuffled = new ArrayList<>(reference);
                Collections.shuffle(shuffled, new Random(pair));
                TableProfile reordered = ProfileCsv.profile(HEADER, shuffled);
                for (DriftRule r : new DriftRule[] {rule, Drift.psi(0.1), Drift.chiSquare(ALPHA)}) {
                    DriftReport same = r.detect(Columns.fromProfile(a), Columns.fromProfile(reordered));
                    reorderedAlarms += same.getDriftedColumns().size();
                    assertThat(same.getColumns()).allMatch(col -> col.statistic() == 0);
                }
            }
        }
        BinomialDistribution nominal = BinomialDistribution.of(PAIRS, ALPHA);
        int low = nominal.inverseCumulativeProbability(0.005);
        int high = nominal.inverseCumulativeProbability(0.995);
        assertThat(PAIRS).as("pairs").isGreaterThanOrEqualTo(100);
        System.out.printf(
                Locale.ROOT,
                "drift calibration, %d same-distribution pairs of %d rows at α=%.2f (99%% band [%d, %d]): "
                        + "chi-square on city %d, KS on income %d, KS on visits (tied) %d; reordered copies fired %d"
                        + " times; mean PSI %.5f / %.5f / %.5f (expected %.5f / %.5f / %.5f)%n",
                PAIRS,
                ROWS,
                ALPHA,
                low,
                high,
                alarms[0],
                alarms[1],
                alarms[2],
                reorderedAlarms,
                psiSum[0] / PAIRS,
                psiSum[1] / PAIRS,
                psiSum[2] / PAIRS,
                expectedSum[0] / PAIRS,
                expectedSum[1] / PAIRS,
                expectedSum[2] / PAIRS);
        assertThat(reorderedAlarms).isZero();
        for (int c = 0; c < 3; c++) {
            if (c == 2) {
                // KS on ties is conservative (see the class comment): never above the band
                assertThat(alarms[c]).as("false alarms of the tied column").isLessThanOrEqualTo(high);
            } else {
                assertThat(alarms[c]).as("false alarms of column %d", c).isBetween(low, high);
            }
            // PSI's reported expectation matches its mean without drift within 15% (about 3 standard errors)
            assertThat(psiSum[c] / expectedSum[c])
                    .as("PSI / expected, column %d", c)
                    .isBetween(0.85, 1.15);
        }
    }

    @Test
    void shouldDetectAShiftOfThreeHundredthsOfAStandardDeviationInAHundredThousandRows() {
        // The trigger sees every row (histogram cells), so KS keeps the power of the raw data: about 99% here
        // (D ≈ 0.03 φ(0) = 0.012 against a critical 0.0061, with a standard error near 0.0022). Before the fix the
        // 1,000-value reservoir samples found this shift with p = 0.65.
        int shifts = 10;
        int found = 0;
        for (int pair = 0; pair < shifts; pair++) {
            TableProfile before = ProfileCsv.profile(HEADER, ProfileDriftTest.rows(1_000L + 2 * pair, 100_000, 0));
            TableProfile after = ProfileCsv.profile(HEADER, ProfileDriftTest.rows(1_001L + 2 * pair, 100_000, 0.03));
            ColumnDrift income = Drift.ks(ALPHA)
                    .detect(Columns.fromProfile(before), Columns.fromProfile(after))
                    .getColumns()
                    .get(1);
            assertThat(income.referenceRows()).isEqualTo(100_000);
            found += income.drifted() ? 1 : 0;
        }
        System.out.printf(
                Locale.ROOT,
                "drift power, 0.03 SD shift in 100000 rows at α=%.2f: %d of %d detected%n",
                ALPHA,
                found,
                shifts);
        // P(at least 9 of 10 | power 0.99) = 0.996
        assertThat(found).isGreaterThanOrEqualTo(shifts - 1);
    }
}
