package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 2: the drift report threw instead of reporting for a single-value numeric column, a column that is
 * all-null in the new version, and a numeric column that gained a non-numeric value, and lost the drift found in the
 * other columns with it. Each test is named after what it caught.
 */
class DriftShapesTest {
    private static List<String> rows(int n, long seed, String format) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(String.format(java.util.Locale.ROOT, format, r.nextInt(100), r.nextInt(3) == 0 ? "pro" : "basic"));
        }
        return rows;
    }

    @Test
    void shouldTestASingleValueNumericColumnAsSciPyDoesInsteadOfThrowing() {
        // Commons Statistics throws "Values size 1 < 2"; SciPy's ks_2samp([5], [1, 2, 3, 4, 4.5]) gives D = 1, p = 1/3
        ColumnDrift raw = Drift.ks(0.05)
                .test(Columns.numeric("x", new double[] {5}), Columns.numeric("x", new double[] {1, 2, 3, 4, 4.5}));
        assertThat(raw.statistic()).isEqualTo(1.0);
        assertThat(raw.pValue()).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(raw.drifted()).isFalse();
        // the same from profiles: one row against five
        ColumnDrift profiled = Drift.ks(0.05)
                .detect(
                        ProfileCsv.columns("x", List.of("5")),
                        ProfileCsv.columns("x", List.of("1", "2", "3", "4", "4.5")))
                .getColumns()
                .get(0);
        assertThat(profiled.test()).isEqualTo("ks");
        assertThat(profiled.statistic()).isEqualTo(1.0);
        assertThat(profiled.pValue()).isCloseTo(1.0 / 3, within(1e-15));
        // a constant column on both sides: nothing moved
        ColumnDrift constant = Drift.ks(0.05)
                .detect(
                        ProfileCsv.columns("x", List.of("5", "5", "5", "5")),
                        ProfileCsv.columns("x", List.of("5", "5", "5")))
                .getColumns()
                .get(0);
        assertThat(constant.statistic()).isZero();
        assertThat(constant.pValue()).isEqualTo(1.0);
        assertThat(Drift.psi(0.2)
                        .test(Columns.numeric("x", new double[] {5}), Columns.numeric("x", new double[] {5, 6}))
                        .drifted())
                .isFalse();
    }

    @Test
    void shouldReportAColumnThatBecameAllNullAsDriftAndStillTestTheOthers() {
        List<String> before = rows(600, 1, "%d,%s");
        List<String> after = new ArrayList<>();
        for (String row : rows(600, 2, "%d,%s")) {
            after.add("," + row.substring(row.indexOf(',') + 1)); // every "age" null
        }
        for (DriftRule rule : new DriftRule[] {Drift.psi(0.2), Drift.ks(0.05), Drift.chiSquare(0.05)}) {
            DriftReport report =
                    rule.detect(ProfileCsv.columns("age,plan", before), ProfileCsv.columns("age,plan", after));
            ColumnDrift age = report.getColumns().get(0);
            assertThat(age.test()).isEqualTo("all-null");
            assertThat(age.drifted()).isTrue();
            assertThat(age.note()).isEqualTo("every value is null in the current version");
            assertThat(age.toString()).startsWith("age: DRIFTED — all-null (600 vs 0 values)");
            ColumnDrift plan = report.getColumns().get(1);
            assertThat(plan.isTested()).as("%s", report).isTrue();
            assertThat(plan.drifted()).isFalse();
            assertThat(report.isDrifted()).isTrue();
        }
        DriftReport back =
                Drift.ks(0.05).detect(ProfileCsv.columns("age,plan", after), ProfileCsv.columns("age,plan", before));
        assertThat(back.getColumns().get(0).note())
                .isEqualTo("every value was null in the reference; the current version has values");
        DriftReport neither =
                Drift.ks(0.05).detect(ProfileCsv.columns("age,plan", after), ProfileCsv.columns("age,plan", after));
        assertThat(neither.getColumns().get(0).drifted()).isFalse();
        assertThat(neither.getColumns().get(0).note()).isEqualTo("no values in either version");
    }

    @Test
    void shouldReportANumericColumnThatGainedANonNumericValueAsATypeChangeAndStillTestTheOthers() {
        List<String> before = rows(800, 3, "%d,%s");
        List<String> after = rows(800, 4, "%d,%s");
        after.set(17, "N/A,basic");
        // and plan drifts: 600 more "pro"
        for (int i = 0; i < 600; i++) {
            after.add(i + ",pro");
        }
        DriftReport report = Drift.chiSquare(0.01)
                .detect(ProfileCsv.columns("age,plan", before), ProfileCsv.columns("age,plan", after));
        ColumnDrift age = report.getColumns().get(0);
        assertThat(age.test()).isEqualTo("type-change");
        assertThat(age.drifted()).isTrue();
        assertThat(age.note())
                .isEqualTo("numeric (integer) in the reference, categorical (string) in the current version");
        ColumnDrift plan = report.getColumns().get(1);
        assertThat(plan.test()).isEqualTo("chi-square");
        assertThat(plan.drifted())
                .as("the drift in the other column is still found")
                .isTrue();
        assertThat(report.getDriftedShare()).isEqualTo(1.0);
    }

    @Test
    void shouldReportNaNInAUserColumnAsUntestableInsteadOfThrowing() {
        NumericColumn withNaN = new NumericColumn() {
            @Override
            public String name() {
                return "x";
            }

            @Override
            public double[] values() {
                return new double[] {1, Double.NaN, 3};
            }
        };
        ColumnDrift r = Drift.ks(0.05).test(withNaN, Columns.numeric("x", new double[] {1, 2, 3}));
        assertThat(r.test()).isEqualTo("untestable");
        assertThat(r.drifted()).isFalse();
        assertThat(r.note()).contains("the reference side has NaN among its values");
        assertThat(r.toString()).startsWith("x: not tested — untestable");
    }
}
