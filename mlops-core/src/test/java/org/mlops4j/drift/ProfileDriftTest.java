package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mlops4j.data.profile.TableProfile;

/** Drift tests on dataset profiles: the summaries of all rows, in any order, old and new formats. */
class ProfileDriftTest {
    private static final String HEADER = "city,income,visits";

    /** A 50-category Zipf column, a normal numeric column and a tied integer column. */
    static List<String> rows(long seed, int n, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] cumulative = new double[50];
        double total = 0;
        for (int k = 0; k < 50; k++) {
            total += 1.0 / (k + 1);
            cumulative[k] = total;
        }
        List<String> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble() * total;
            int city = 0;
            while (cumulative[city] < u) {
                city++;
            }
            double z = -6;
            for (int k = 0; k < 12; k++) {
                z += r.nextDouble();
            }
            int visits = r.nextInt(6) + r.nextInt(6);
            rows.add(String.format(Locale.ROOT, "c%02d,%.4f,%d", city, 50 + 10 * (z + shift), visits));
        }
        return rows;
    }

    @Test
    void shouldNeverFireWhenTheSameRowsArriveInAnotherOrder() {
        List<String> rows = rows(1, 20_000, 0);
        List<String> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new java.util.Random(2));
        TableProfile a = ProfileCsv.profile(HEADER, rows);
        TableProfile b = ProfileCsv.profile(HEADER, shuffled);
        for (int i = 0; i < 3; i++) {
            assertThat(b.getColumns().get(i).getHistogram())
                    .isEqualTo(a.getColumns().get(i).getHistogram());
            assertThat(b.getColumns().get(i).getCategoryCounts())
                    .isEqualTo(a.getColumns().get(i).getCategoryCounts());
        }
        for (DriftRule rule : new DriftRule[] {Drift.psi(0.01), Drift.ks(0.5), Drift.chiSquare(0.5)}) {
            DriftReport report = rule.detect(Columns.fromProfile(a), Columns.fromProfile(b));
            assertThat(report.isDrifted()).as("%s", report).isFalse();
            for (ColumnDrift c : report.getColumns()) {
                assertThat(c.statistic()).as("%s", c).isZero();
                assertThat(c.note()).isEmpty();
                assertThat(c.referenceRows()).isEqualTo(20_000);
            }
        }
    }

    @Test
    void shouldFindASmallShiftThatTheSampleMissedBecauseEveryRowIsCounted() {
        // 0.03 SD in 100,000 rows: KS on the raw values finds it, a 1,000-value sample does not
        TableProfile before = ProfileCsv.profile(HEADER, rows(3, 100_000, 0));
        TableProfile after = ProfileCsv.profile(HEADER, rows(4, 100_000, 0.03));
        ColumnDrift income = Drift.ks(0.05)
                .detect(Columns.fromProfile(before), Columns.fromProfile(after))
                .getColumns()
                .get(1);
        assertThat(income.drifted()).as("%s", income).isTrue();
        assertThat(income.referenceRows()).isEqualTo(100_000);
    }

    @Test
    void shouldReadAnOlderProfileAndSayItsSummariesAreApproximate() {
        TableProfile current = ProfileCsv.profile(HEADER, rows(5, 5_000, 0));
        TableProfile older = TableProfile.fromMap(asFormat1(ProfileCsv.profile(HEADER, rows(6, 5_000, 0))));
        assertThat(older.getFormat()).isEqualTo("csv-profile/1");
        for (DriftRule rule : new DriftRule[] {Drift.psi(0.2), Drift.ks(0.01)}) {
            DriftReport report = rule.detect(Columns.fromProfile(older), Columns.fromProfile(current));
            assertThat(report.getColumns()).allMatch(ColumnDrift::isTested);
            ColumnDrift city = report.getColumns().get(0);
            assertThat(city.note()).contains("csv-profile/1").contains("approximate");
            ColumnDrift income = report.getColumns().get(1);
            assertThat(income.note())
                    .isEqualTo("reference: a reservoir sample of 1000 of 5000 values (an older profile, csv-profile/1:"
                            + " approximate)");
            assertThat(income.referenceRows()).isEqualTo(1_000);
            assertThat(income.currentRows()).isEqualTo(5_000);
            assertThat(report.toString()).contains("approximate");
        }
        // two older profiles: tested on their samples and top values, as before
        DriftReport old = Drift.ks(0.01).detect(Columns.fromProfile(older), Columns.fromProfile(older));
        assertThat(old.isDrifted()).isFalse();
        assertThat(old.getColumns().get(1).referenceRows()).isEqualTo(1_000);
    }

    @Test
    void shouldCompareByHashBucketBeyondTheCapOfCategories() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            a.add("u" + (i % 3_000));
            b.add("u" + (i % 3_000 < 2_000 ? i % 3_000 : i % 1_000)); // a third of the ids now repeat others
        }
        TableProfile before = ProfileCsv.profile("user", a);
        TableProfile after = ProfileCsv.profile("user", b);
        assertThat(before.getColumns().get(0).getCategoryCounts().orElseThrow().isExact())
                .isFalse();
        ColumnDrift user = Drift.chiSquare(0.01)
                .detect(Columns.fromProfile(before), Columns.fromProfile(after))
                .getColumns()
                .get(0);
        assertThat(user.drifted()).as("%s", user).isTrue();
        assertThat(user.note()).startsWith("compared by a hash partition of 128 buckets");
        ColumnDrift same = Drift.chiSquare(0.01)
                .detect(Columns.fromProfile(before), Columns.fromProfile(before))
                .getColumns()
                .get(0);
        assertThat(same.drifted()).isFalse();
        // an exact side against a hashed one is folded into the same buckets
        ColumnDrift mixed = Drift.chiSquare(0.01)
                .detect(List.of(Columns.categorical("user", Map.of("u1", 10L, "u2", 10L))), Columns.fromProfile(before))
                .getColumns()
                .get(0);
        assertThat(mixed.isTested()).isTrue();
    }

    /** Writes a profile as the first format did: no drift summaries, the first format's options. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asFormat1(TableProfile profile) {
        Map<String, Object> m = new HashMap<>(profile.toMap());
        m.put("format", "csv-profile/1");
        Map<String, Object> options = new HashMap<>((Map<String, Object>) m.get("options"));
        options.remove("maxCategories");
        options.remove("maxBins");
        m.put("options", options);
        List<Object> columns = new ArrayList<>();
        for (Object c : (List<Object>) m.get("columns")) {
            Map<String, Object> column = new HashMap<>((Map<String, Object>) c);
            column.remove("histogram");
            column.remove("categories");
            columns.add(column);
        }
        m.put("columns", columns);
        return m;
    }
}
