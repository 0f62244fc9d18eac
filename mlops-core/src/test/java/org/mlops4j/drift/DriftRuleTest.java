package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftRuleTest {
    static double[] normal(long seed, int n, double mean) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // sum of 12 uniforms - 6: close enough to a standard normal for these tests
            double s = -6;
            for (int k = 0; k < 12; k++) {
                s += r.nextDouble();
            }
            v[i] = mean + s;
        }
        return v;
    }

    private static final List<Column> REFERENCE = List.of(
            Columns.numeric("age", normal(1, 2_000, 40)),
            Columns.numeric("income", normal(2, 2_000, 0)),
            Columns.categorical("plan", Map.of("basic", 600L, "pro", 300L, "team", 100L)));

    @Test
    void shouldReportDriftedColumnsWhenOneColumnShifts() {
        List<Column> current = List.of(
                Columns.numeric("age", normal(3, 2_000, 41)),
                Columns.numeric("income", normal(4, 2_000, 0)),
                Columns.categorical("plan", Map.of("basic", 610L, "pro", 290L, "team", 100L)));
        for (DriftRule rule : new DriftRule[] {Drift.psi(0.2), Drift.ks(0.01), Drift.chiSquare(0.01)}) {
            DriftReport report = rule.detect(REFERENCE, current);
            assertThat(report.getDriftedColumns())
                    .as("%s", report)
                    .extracting(ColumnDrift::column)
                    .containsExactly("age");
            assertThat(report.isDrifted()).isTrue();
            assertThat(report.getDriftedShare()).isEqualTo(1.0 / 3);
            assertThat(rule.whenShareAtLeast(0.5).detect(REFERENCE, current).isDrifted())
                    .isFalse();
        }
        assertThat(Drift.ks(0.01).detect(REFERENCE, current).toString())
                .startsWith("DRIFTED: 1 of 3 columns drifted (33%)")
                .contains("age: DRIFTED — ks ")
                .contains("plan: stable — chi-square ");
    }

    @Test
    void shouldReportNoDriftWhenDataComesFromTheSameDistribution() {
        List<Column> current = List.of(
                Columns.numeric("age", normal(5, 3_000, 40)),
                Columns.numeric("income", normal(6, 3_000, 0)),
                Columns.categorical("plan", Map.of("basic", 1190L, "pro", 610L, "team", 200L)));
        DriftReport report = Drift.psi(0.1).detect(REFERENCE, current);
        assertThat(report.isDrifted()).as("%s", report).isFalse();
        assertThat(report.toString()).startsWith("no drift: 0 of 3 columns drifted");
    }

    @Test
    void shouldCountMissingColumnsAsDriftedWhenSchemaChanges() {
        List<Column> current = List.of(
                Columns.numeric("age", normal(1, 2_000, 40)),
                Columns.categorical("plan", new String[] {"basic", "pro"}),
                Columns.numeric("tenure", new double[] {1, 2}));
        DriftReport report = Drift.psi(0.2).detect(REFERENCE, current);
        assertThat(report.getDriftedColumns()).extracting(ColumnDrift::column).contains("income", "tenure");
        assertThat(report.toString()).contains("income: DRIFTED — present on one side only");
    }

    @Test
    void shouldRejectBadInputWhenConfiguredOrCalled() {
        assertThatThrownBy(() -> Drift.psi(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Drift.ks(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Drift.psi(0.2).whenShareAtLeast(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Drift.psi(0.2).whenShareAtLeast(0.5).whenShareAtLeast(0.6))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Columns.numeric("x", new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1");
        // issue 17 item 2: a column that changed type is reported as drift, not thrown (this assertion expected an
        // IllegalArgumentException "numeric in the reference but categorical" before)
        ColumnDrift changed = Drift.psi(0.2)
                .detect(
                        List.of(Columns.numeric("plan", new double[] {1})),
                        List.of(Columns.categorical("plan", new String[] {"a"})))
                .getColumns()
                .get(0);
        assertThat(changed.test()).isEqualTo("type-change");
        assertThat(changed.drifted()).isTrue();
        assertThat(changed.note()).contains("numeric in the reference, categorical in the current version");
    }

    @Test
    void shouldUseAProfileDecilesWhenAColumnProvidesThem() {
        double[] sample = normal(9, 500, 0);
        NumericColumn profiled = new NumericColumn() {
            @Override
            public String name() {
                return "x";
            }

            @Override
            public double[] values() {
                return sample;
            }

            @Override
            public double[] deciles() {
                return new double[] {-1.28, -0.84, -0.52, -0.25, 0, 0.25, 0.52, 0.84, 1.28}; // the sketch's
            }
        };
        ColumnDrift r = Drift.psi(0.2).test(profiled, Columns.numeric("x", normal(10, 500, 0)));
        assertThat(r.statistic()).isBetween(0.0, 0.1);
        assertThat(r.drifted()).isFalse();
    }
}
