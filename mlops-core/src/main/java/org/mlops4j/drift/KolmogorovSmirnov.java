package org.mlops4j.drift;

import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.PValueMethod;

/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, on raw values or on counts in ordered cells.
 *
 * <p>P-values are SciPy's {@code ks_2samp(method='auto')} choice: exact when both sides have at most
 * {@value #EXACT_MAX} values, else the exact one-sample Kolmogorov distribution at {@code N = round(nm/(n+m))}
 * ({@code kstwo.sf(D, N)}, which Commons Statistics computes), and beyond N = {@value #DIRECT_MAX} the Kolmogorov
 * limit at {@code λ = √N D + 1/(6√N)}, which differs from it by well under 0.1% of p there and costs microseconds
 * (the exact distribution takes seconds at N = 200,000). With one value on a side the exact p-value is
 * counted here ({@code P(D ≥ d)} over the {@code m + 1} equally likely ranks of that value).
 *
 * <p>Counts in cells (a profile's histograms) tie the values of a cell, and the distance is measured between cells:
 * it is at most the distance on the raw values, and at least that minus the largest share of either side in one cell.
 * As in SciPy, the p-value treats the distance as if the data had no ties; with ties (a column of integers, coarse
 * cells) the test is conservative: it raises fewer false alarms than α, never more.
 */
final class KolmogorovSmirnov {
    /** SciPy's {@code ks_2samp} uses the exact distribution up to this many values per side. */
    static final int EXACT_MAX = 10_000;
    /** Above this N the corrected Kolmogorov limit replaces the exact one-sample distribution. */
    static final int DIRECT_MAX = 10_000;

    private KolmogorovSmirnov() {}

    /** The distance D and its p-value. */
    record Result(double statistic, double pValue) {}

    /** Tests raw values (each side sorted or not); ties are kept as they are, as SciPy does. */
    static Result ofValues(double[] reference, double[] current) {
        int n = reference.length;
        int m = current.length;
        if (n == 1 || m == 1) {
            double x = n == 1 ? reference[0] : current[0];
            double[] others = n == 1 ? current : reference;
            int below = 0;
            int above = 0;
            for (double v : others) {
                below += v < x ? 1 : 0;
                above += v > x ? 1 : 0;
            }
            int steps = Math.max(below, above);
            return new Result((double) steps / others.length, oneValueP(others.length, steps));
        }
        KolmogorovSmirnovTest.TwoResult r = KolmogorovSmirnovTest.withDefaults()
                .with(Math.max(n, m) <= EXACT_MAX ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC)
                .test(reference, current);
        return new Result(r.getStatistic(), r.getPValue());
    }

    /**
     * Tests counts in cells given in ascending order, the same cells on both sides: the values of a cell are tied, so
     * the distance is measured between cells (SciPy's {@code ks_2samp} on the values rounded to their cells gives the
     * same distance and p-value).
     *
     * @param reference the reference side's count in each cell
     * @param current the current side's count in each cell
     * @return the distance and p-value
     */
    static Result ofCells(long[] reference, long[] current) {
        long n = 0;
        long m = 0;
        for (int i = 0; i < reference.length; i++) {
            n += reference[i];
            m += current[i];
        }
        long a = 0;
        long b = 0;
        long widest = 0;
        for (int i = 0; i < reference.length; i++) {
            a += reference[i];
            b += current[i];
            widest = Math.max(widest, Math.abs(a * m - b * n));
        }
        double d = (double) widest / ((double) n * m);
        if (n == 1 || m == 1) {
            return new Result(d, oneValueP(n == 1 ? m : n, widest)); // the single value moves the distance by 1/others
        }
        if (Math.max(n, m) <= EXACT_MAX) {
            // small enough to hand the tied values themselves (cell numbers) to the exact test
            return ofValues(expand(reference, n), expand(current, m));
        }
        return new Result(d, asymptoticP(d, n, m));
    }

    private static double[] expand(long[] counts, long total) {
        double[] values = new double[(int) total];
        int k = 0;
        for (int i = 0; i < counts.length; i++) {
            for (long j = 0; j < counts[i]; j++) {
                values[k++] = i;
            }
        }
        return values;
    }

    /**
     * Returns P(D ≥ steps/m) when one side holds a single value: its rank among the other side's m values is uniform
     * on 0…m, and rank r gives the distance max(r, m − r)/m.
     */
    static double oneValueP(long m, long steps) {
        long count = 0;
        for (long r = 0; r <= m; r++) {
            if (Math.max(r, m - r) >= steps) {
                count++;
            }
        }
        return (double) count / (m + 1);
    }

    /** Returns {@code kstwo.sf(d, round(nm/(n+m)))}, SciPy's asymptotic two-sample p-value. */
    static double asymptoticP(double d, long n, long m) {
        double big = Math.max(n, m);
        double small = Math.min(n, m);
        long effective = Math.round(big * small / (big + small));
        if (effective < 1 || d * 2 * effective < 1) {
            return 1.0; // below the smallest one-sample distance 1/(2N): certainly not significant
        }
        if (effective > DIRECT_MAX) {
            double root = Math.sqrt(effective);
            return kolmogorovLimit(root * d + 1 / (6 * root));
        }
        // the one-sample test of x_j = j/N against F(t) = t − d has distance exactly d; its exact p-value is kstwo.sf
        int size = (int) effective;
        double[] x = new double[size];
        for (int j = 0; j < size; j++) {
            x[j] = (j + 1.0) / size;
        }
        return KolmogorovSmirnovTest.withDefaults()
                .with(PValueMethod.EXACT)
                .test(x, t -> Math.min(1, Math.max(0, t - d)))
                .getPValue();
    }

    /** Returns {@code P(K > λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²)}, Kolmogorov's limiting distribution. */
    static double kolmogorovLimit(double lambda) {
        if (lambda < 0.2) {
            return 1.0;
        }
        double sum = 0;
        for (int k = 1; k <= 100; k++) {
            double term = Math.exp(-2.0 * k * k * lambda * lambda);
            sum += (k % 2 == 1 ? term : -term);
            if (term < 1e-17) {
                break;
            }
        }
        return Math.min(1, Math.max(0, 2 * sum));
    }
}
