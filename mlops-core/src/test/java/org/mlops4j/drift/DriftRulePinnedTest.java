package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.mlops4j.data.profile.TableProfile;

/** Pins the drift rule's decisions, folds and limits to exact values (issue 17, item 7). */
class DriftRulePinnedTest {
    @Test
    void shouldDecideAtTheSharedBoundaryAndDescribeItsRule() {
        List<Column> ref = List.of(
                Columns.categorical("a", Map.of("x", 500L, "y", 500L)),
                Columns.categorical("b", Map.of("x", 500L, "y", 500L)));
        List<Column> cur = List.of(
                Columns.categorical("a", Map.of("x", 900L, "y", 100L)),
                Columns.categorical("b", Map.of("x", 500L, "y", 500L)));
        assertThat(Drift.chiSquare(0.01).whenShareAtLeast(0.5).detect(ref, cur).isDrifted())
                .isTrue();
        assertThat(Drift.chiSquare(0.01).whenShareAtLeast(0.51).detect(ref, cur).isDrifted())
                .isFalse();
        assertThat(Drift.chiSquare(0.01).whenShareAtLeast(1).detect(ref, ref).isDrifted())
                .isFalse();
        assertThat(Drift.psi(0.2).toString()).isEqualTo("PSI > 0.2");
        assertThat(Drift.ks(0.05).whenShareAtLeast(0.5).toString())
                .isEqualTo("KS (numbers) / chi-square (categories) at α=0.05, dataset drifted when ≥ 50.0% of columns"
                        + " drift");
        assertThat(Drift.chiSquare(0.05).toString()).isEqualTo("chi-square (categories) / KS (numbers) at α=0.05");
        assertThat(Drift.psi(Double.MIN_VALUE)).isNotNull();
        assertThatThrownBy(() -> Drift.ks(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Drift.psi(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Drift.psi(0.2).whenShareAtLeast(1.01)).isInstanceOf(IllegalArgumentException.class);
        DriftReport missing = Drift.psi(0.2).detect(ref, List.of(cur.get(0)));
        assertThat(missing.getColumns().get(1).toString())
                .isEqualTo("b: DRIFTED — present on one side only (1000 reference rows, 0 current rows)");
        assertThat(missing.getColumns().get(1).isTested()).isFalse();
    }

    @Test
    void shouldTestTwoCategoriesAndDropCategoriesEmptyOnBothSides() {
        ColumnDrift two = Drift.chiSquare(0.05)
                .test(
                        Columns.categorical("c", Map.of("x", 30L, "y", 70L, "z", 0L)),
                        Columns.categorical("c", Map.of("x", 45L, "y", 55L, "z", 0L)));
        double expected = ChiSquareTest.withDefaults()
                .test(new long[][] {{30, 70}, {45, 55}})
                .getStatistic();
        assertThat(two.statistic()).isCloseTo(expected, within(1e-12));
        assertThat(two.referenceRows()).isEqualTo(100);
        ColumnDrift one = Drift.chiSquare(0.05)
                .test(Columns.categorical("c", Map.of("x", 30L)), Columns.categorical("c", Map.of("x", 45L)));
        assertThat(one.statistic()).isZero();
        assertThat(one.pValue()).isEqualTo(1.0);
        assertThat(Columns.categorical("c", Map.of("a", 0L, "b", 2L)).toString())
                .isEqualTo("categorical column c (2 categories, 2 rows)");
        assertThat(Columns.numeric("n", new double[] {1, 2}).toString()).isEqualTo("numeric column n (2 values)");
    }

    @Test
    void shouldFoldAnExactSideOntoAnOlderProfilesTopValues() {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add("v" + (i % 30)); // 30 values: more than the 20 Misra–Gries counters
        }
        TableProfile older = TableProfile.fromMap(ProfileDriftTest.asFormat1(ProfileCsv.profile("c", rows)));
        CategoricalColumn top = (CategoricalColumn) Columns.fromProfile(older).get(0);
        assertThat(top.counts()).containsKey("(other)");
        long other = top.counts().get("(other)");
        Map<String, Long> current = new java.util.TreeMap<>();
        for (int i = 0; i < 30; i++) {
            current.put("v" + i, i < 10 ? 150L : 75L);
        }
        ColumnDrift r = Drift.chiSquare(0.05).test(top, Columns.categorical("c", current));
        // expected table: the top keys as they are, everything else folded into "(other)"
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(top.counts().keySet());
        long[][] table = new long[2][keys.size()];
        int k = 0;
        for (String key : keys) {
            table[0][k] = top.counts().get(key);
            table[1][k] = key.equals("(other)")
                    ? current.entrySet().stream()
                            .filter(e -> !top.counts().containsKey(e.getKey()))
                            .mapToLong(Map.Entry::getValue)
                            .sum()
                    : current.get(key);
            k++;
        }
        assertThat(other).isPositive();
        assertThat(r.statistic())
                .isCloseTo(ChiSquareTest.withDefaults().test(table).getStatistic(), within(1e-9));
        assertThat(r.note()).contains("csv-profile/1").contains("approximate");
        ColumnDrift reversed = Drift.chiSquare(0.05).test(Columns.categorical("c", current), top);
        assertThat(reversed.statistic()).isCloseTo(r.statistic(), within(1e-9));
        // exact top values of an older profile (few categories) need no warning
        List<String> few = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            few.add(i % 3 == 0 ? "a" : "b");
        }
        TableProfile exactOld = TableProfile.fromMap(ProfileDriftTest.asFormat1(ProfileCsv.profile("c", few)));
        assertThat(Drift.chiSquare(0.05)
                        .detect(Columns.fromProfile(exactOld), Columns.fromProfile(exactOld))
                        .getColumns()
                        .get(0)
                        .note())
                .isEmpty();
    }

    @Test
    void shouldNotTestTopValuesAgainstAHashPartitionButSaySo() {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add("id" + i);
        }
        TableProfile hashed = ProfileCsv.profile("c", rows);
        TableProfile older = TableProfile.fromMap(ProfileDriftTest.asFormat1(hashed));
        ColumnDrift r = Drift.chiSquare(0.05)
                .detect(Columns.fromProfile(older), Columns.fromProfile(hashed))
                .getColumns()
                .get(0);
        assertThat(r.test()).isEqualTo("untestable");
        assertThat(r.referenceRows()).isEqualTo(3_000);
        assertThat(r.currentRows()).isEqualTo(3_000);
        assertThat(r.note()).startsWith("one side has only the top values of an older profile");
    }

    @Test
    void shouldUseTheOlderProfilesSketchDecilesForPsi() {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            rows.add(Integer.toString(i % 1_000));
        }
        TableProfile older = TableProfile.fromMap(ProfileDriftTest.asFormat1(ProfileCsv.profile("n", rows)));
        NumericColumn sample = (NumericColumn) Columns.fromProfile(older).get(0);
        double[] deciles = sample.deciles();
        for (int d = 1; d <= 9; d++) {
            assertThat(deciles[d - 1])
                    .isEqualTo(
                            older.getColumns().get(0).getNumeric().orElseThrow().getPercentile(10 * d));
        }
        assertThat(sample.values()).hasSize(1_000);
    }

    @Test
    void shouldMatchKnownAnswersForOneValueWithTiesAndTheKolmogorovLimit() {
        KolmogorovSmirnov.Result tie =
                KolmogorovSmirnov.ofValues(new double[] {5}, new double[] {5, 5, 1}); // SciPy: D = 1/3, p = 1
        assertThat(tie.statistic()).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(tie.pValue()).isEqualTo(1.0);
        KolmogorovSmirnov.Result reversed = KolmogorovSmirnov.ofValues(new double[] {5, 5, 1}, new double[] {5});
        assertThat(reversed.statistic()).isEqualTo(tie.statistic());
        assertThat(KolmogorovSmirnov.oneValueP(5, 5)).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(KolmogorovSmirnov.oneValueP(4, 2)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.oneValueP(4, 3)).isCloseTo(4.0 / 5, within(1e-15));
        // scipy.stats.kstwobign.sf
        assertThat(KolmogorovSmirnov.kolmogorovLimit(0.5)).isCloseTo(0.9639452436648751, within(1e-14));
        assertThat(KolmogorovSmirnov.kolmogorovLimit(1.0)).isCloseTo(0.26999967167735456, within(1e-15));
        assertThat(KolmogorovSmirnov.kolmogorovLimit(1.5)).isCloseTo(0.022217962616525127, within(1e-16));
        assertThat(KolmogorovSmirnov.kolmogorovLimit(3.0)).isCloseTo(3.045995948942526e-08, within(1e-20));
        assertThat(KolmogorovSmirnov.kolmogorovLimit(0.1)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.asymptoticP(1e-6, 50_000, 50_000)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.asymptoticP(0.5, 20_000, 30_000)).isZero();
    }

    @Test
    void shouldPinTheRemainingEdgesOfTheTests() {
        // a single value below all others: SciPy's ks_2samp([1], [2, 3, 4]) gives D = 1, p = 0.5
        KolmogorovSmirnov.Result above = KolmogorovSmirnov.ofValues(new double[] {1}, new double[] {2, 3, 4});
        assertThat(above.statistic()).isEqualTo(1.0);
        assertThat(above.pValue()).isEqualTo(0.5);
        // N = 150 is computed exactly: scipy.stats.kstwo.sf(0.1, 150)
        assertThat(KolmogorovSmirnov.asymptoticP(0.1, 300, 300))
                .isCloseTo(0.09292132232164585, org.assertj.core.data.Percentage.withPercentage(1e-6));
        // PSI: values equal to an edge fall into the bin that edge closes; edges {1, 1.5, 2}
        ColumnDrift psi = Drift.psi(0.2)
                .test(
                        Columns.numeric("x", new double[] {1, 1, 1, 1, 1, 2, 2, 2, 2, 2}),
                        Columns.numeric("x", new double[] {1, 1.2, 2, 2.5}));
        double eps = Drift.PSI_EPSILON;
        double expected = 2 * (0.25 - 0.5) * Math.log(0.5) + 2 * (0.25 - eps) * Math.log(0.25 / eps);
        assertThat(psi.statistic()).isCloseTo(expected, within(1e-12));
        assertThat(psi.toString())
                .isEqualTo(String.format(
                        java.util.Locale.ROOT,
                        "x: stable — psi %.4g > 0.2000? (%.4g expected without drift) (10 vs 4 rows); too few rows for"
                                + " PSI over 4 bins: it needs at least 500 per side (50 per bin), so it does not count"
                                + " as drift",
                        expected,
                        3 * (0.1 + 0.25)));
        ColumnDrift ks = Drift.ks(0.05)
                .test(Columns.numeric("x", new double[] {1, 2, 3}), Columns.numeric("x", new double[] {1, 2, 3}));
        assertThat(ks.toString()).isEqualTo("x: stable — ks 0.000, p=1.000 < 0.05000? (3 vs 3 rows)");
        List<String> rows = List.of("1,a", "2,b");
        assertThat(ProfileCsv.columns("n,s", rows).get(0).toString())
                .isEqualTo("histogram column n (integer, 2 values)");
        assertThat(ProfileCsv.columns("n,s", rows).get(1).toString())
                .isEqualTo("categories column s (string, 2 values)");
    }
}
