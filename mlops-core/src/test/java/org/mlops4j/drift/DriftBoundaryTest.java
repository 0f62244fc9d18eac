package org.mlops4j.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.junit.jupiter.api.Test;

/**
 * Pins the drift tests at their stated boundaries (issue 17, item 7: these boundary mutants survived the fast tests):
 * a column drifted when the p-value is strictly below α and when PSI is strictly above its threshold; KS p-values are
 * exact up to and including {@value KolmogorovSmirnov#EXACT_MAX} values on the larger side; the asymptotic p-value is
 * {@code kstwo.sf(D, N)} computed directly up to and including N = {@value KolmogorovSmirnov#DIRECT_MAX}.
 */
class DriftBoundaryTest {
    private static double[] normal(long seed, int n, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() + r.nextDouble() + r.nextDouble() + shift;
        }
        return v;
    }

    @Test
    void shouldNotCallAPValueEqualToAlphaDrift() {
        NumericColumn a = Columns.numeric("x", normal(1, 400, 0));
        NumericColumn b = Columns.numeric("x", normal(2, 300, 0.15));
        double p = Drift.ks(0.5).test(a, b).pValue();
        assertThat(p).isStrictlyBetween(0.0, 0.5);
        assertThat(Drift.ks(p).test(a, b).drifted()).isFalse();
        assertThat(Drift.ks(Math.nextUp(p)).test(a, b).drifted()).isTrue();

        CategoricalColumn c = Columns.categorical("c", Map.of("x", 300L, "y", 200L, "z", 100L));
        CategoricalColumn d = Columns.categorical("c", Map.of("x", 280L, "y", 230L, "z", 90L));
        double q = Drift.chiSquare(0.5).test(c, d).pValue();
        assertThat(q).isStrictlyBetween(0.0, 0.5);
        assertThat(Drift.chiSquare(q).test(c, d).drifted()).isFalse();
        assertThat(Drift.chiSquare(Math.nextUp(q)).test(c, d).drifted()).isTrue();
    }

    @Test
    void shouldNotCallAPsiEqualToItsThresholdDrift() {
        NumericColumn a = Columns.numeric("x", normal(3, 2_000, 0));
        NumericColumn b = Columns.numeric("x", normal(4, 2_000, 0.3));
        double psi = Drift.psi(1).test(a, b).statistic();
        assertThat(psi).isPositive();
        assertThat(Drift.psi(psi).test(a, b).drifted()).isFalse();
        assertThat(Drift.psi(Math.nextDown(psi)).test(a, b).drifted()).isTrue();
    }

    @Test
    void shouldUseTheExactPValueAtExactlyTenThousandValues() {
        double[] big = normal(5, KolmogorovSmirnov.EXACT_MAX, 0);
        double[] small = normal(6, 40, 0.4);
        double exact = KolmogorovSmirnovTest.withDefaults()
                .with(PValueMethod.EXACT)
                .test(big, small)
                .getPValue();
        double asymptotic = KolmogorovSmirnovTest.withDefaults()
                .with(PValueMethod.ASYMPTOTIC)
                .test(big, small)
                .getPValue();
        assertThat(exact).as("the boundary matters here").isNotEqualTo(asymptotic);
        assertThat(KolmogorovSmirnov.ofValues(big, small).pValue()).isEqualTo(exact);

        // the same on cells: 10,000 values in 20 cells against 40
        long[] reference = new long[20];
        long[] current = new long[20];
        for (int i = 0; i < 20; i++) {
            reference[i] = 500;
            current[i] = i < 10 ? 1 : 3;
        }
        double[] ref = new double[10_000];
        double[] cur = new double[40];
        for (int i = 0, k = 0, l = 0; i < 20; i++) {
            for (int j = 0; j < reference[i]; j++) {
                ref[k++] = i;
            }
            for (int j = 0; j < current[i]; j++) {
                cur[l++] = i;
            }
        }
        double cellsExact = KolmogorovSmirnovTest.withDefaults()
                .with(PValueMethod.EXACT)
                .test(ref, cur)
                .getPValue();
        assertThat(KolmogorovSmirnov.ofCells(reference, current).pValue()).isEqualTo(cellsExact);
        assertThat(KolmogorovSmirnov.ofCells(reference, current).pValue())
                .as("the boundary matters here")
                .isNotEqualTo(KolmogorovSmirnov.asymptoticP(0.25, 10_000, 40));
    }

    @Test
    void shouldMatchKstwoOnBothSidesOfTheDirectRange() {
        // N = round(2 · 20,000 / 20,002) = 2: kstwo.sf(0.5, 2) = 0.5 (SciPy), not the "certainly 1" shortcut
        assertThat(KolmogorovSmirnov.asymptoticP(0.5, 2, 20_000)).isCloseTo(0.5, within(1e-12));
        // N = 10,000 exactly is still computed directly: SciPy's kstwo.sf(0.012, 10000) and kstwo.sf(0.015, 10000)
        assertThat(KolmogorovSmirnov.asymptoticP(0.012, 20_000, 20_000)).isCloseTo(0.11135257403749388, within(1e-9));
        assertThat(KolmogorovSmirnov.asymptoticP(0.015, 20_000, 20_000)).isCloseTo(0.02199415742419252, within(1e-10));
    }

    @Test
    void shouldSumTheLimitingSeriesFromLambdaOfOneFifth() {
        // below 0.2 the limit is 1 to 12 digits and returned as 1; at 0.2 the series is summed (SciPy kstwobign.sf)
        assertThat(KolmogorovSmirnov.kolmogorovLimit(0.2)).isCloseTo(0.999999999999495, within(1e-15));
        assertThat(KolmogorovSmirnov.kolmogorovLimit(0.2)).isLessThan(1.0);
        assertThat(KolmogorovSmirnov.kolmogorovLimit(Math.nextDown(0.2))).isEqualTo(1.0);
    }

    @Test
    void shouldCountEachSideIntoTheReferenceDecileBins() {
        // ten reference cells of 10: each decile closes at its own cell, so each cell is its own bin
        long[] reference = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
        long[] current = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        long[][] bins = DriftRule.byReferenceDeciles(reference, current);
        assertThat(bins[0]).containsExactly(reference);
        assertThat(bins[1]).containsExactly(current);
        // five cells: deciles close in pairs, the last at the last cell, so the bin after it stays empty on both sides
        long[][] pairs = DriftRule.byReferenceDeciles(new long[] {20, 20, 20, 20, 20}, new long[] {1, 2, 3, 4, 5});
        assertThat(pairs[0]).containsExactly(20, 20, 20, 20, 20, 0);
        assertThat(pairs[1]).containsExactly(1, 2, 3, 4, 5, 0);
    }
}
