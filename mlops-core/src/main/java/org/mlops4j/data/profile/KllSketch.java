package org.mlops4j.data.profile;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A KLL quantile sketch of doubles (Karnin, Lang and Liberty, "Optimal Quantile Approximation in Streams", FOCS 2016),
 * laid out as Liberty's reference implementation: a hierarchy of compactors where an item at level h stands for
 * 2<sup>h</sup> input items; level h holds about {@code k (2/3)^(H-h-1)} items (at least {@value #MIN_WIDTH}), and a
 * full level is sorted and every other item, from a random offset, moves up one level.
 *
 * <p>Memory is at most about {@code 3k + 8 log2(n/k)} doubles. The normalized rank error of a query is at most about
 * {@code 2.3 / k^0.97} with 99% confidence (1.33% at the default k = 200), the figure Apache DataSketches measured for
 * the same algorithm; {@code KllSketchTest} checks it. Until the first compaction the sketch is exact. The coin flips
 * come from a seeded generator, so a sketch is a deterministic function of its seed and its input order. Not
 * thread-safe.
 */
final class KllSketch {
    static final int MIN_WIDTH = 8;
    private static final double C = 2.0 / 3.0;

    private final int k;
    private final SplittableRandom random;
    private double[][] levels = new double[1][];
    private int[] sizes = new int[1];
    private int capacityTotal;
    private int itemsTotal;
    private long n;
    private boolean compacted;

    KllSketch(int k, long seed) {
        if (k < MIN_WIDTH) {
            throw new IllegalArgumentException("k must be at least " + MIN_WIDTH + ", got " + k);
        }
        this.k = k;
        this.random = new SplittableRandom(seed);
        levels[0] = new double[k];
        capacityTotal = capacity(0, 1);
    }

    /** Returns the normalized rank error bound (99% confidence per query) for a sketch of size {@code k}. */
    static double rankErrorBound(int k) {
        return 2.296 / Math.pow(k, 0.9723);
    }

    void add(double x) {
        double[] level0 = levels[0];
        if (sizes[0] == level0.length) {
            levels[0] = level0 = Arrays.copyOf(level0, level0.length * 2);
        }
        level0[sizes[0]++] = x;
        itemsTotal++;
        n++;
        if (itemsTotal >= capacityTotal) {
            compress();
        }
    }

    long count() {
        return n;
    }

    /** Returns true when no item was ever dropped, so that quantiles are exact. */
    boolean isExact() {
        return !compacted;
    }

    /** Returns the number of doubles retained. */
    int retained() {
        return itemsTotal;
    }

    private int capacity(int level, int numLevels) {
        int depth = numLevels - level - 1;
        return Math.max(MIN_WIDTH, (int) Math.ceil(k * Math.pow(C, depth)));
    }

    private void compress() {
        int numLevels = levels.length;
        for (int h = 0; h < numLevels; h++) {
            if (sizes[h] >= capacity(h, numLevels)) {
                if (h + 1 >= numLevels) {
                    grow();
                    numLevels = levels.length;
                }
                compact(h);
                compacted = true;
                if (itemsTotal < capacityTotal) {
                    break;
                }
            }
        }
    }

    private void grow() {
        int numLevels = levels.length + 1;
        levels = Arrays.copyOf(levels, numLevels);
        sizes = Arrays.copyOf(sizes, numLevels);
        levels[numLevels - 1] = new double[MIN_WIDTH];
        int total = 0;
        for (int h = 0; h < numLevels; h++) {
            total += capacity(h, numLevels);
        }
        capacityTotal = total;
    }

    private void compact(int h) {
        double[] items = levels[h];
        int size = sizes[h];
        Arrays.sort(items, 0, size);
        // with an odd count the smallest item stays behind
        int start = size % 2;
        int offset = random.nextBoolean() ? 1 : 0;
        int moved = (size - start) / 2;
        double[] up = levels[h + 1];
        int upSize = sizes[h + 1];
        if (upSize + moved > up.length) {
            levels[h + 1] = up = Arrays.copyOf(up, Math.max(up.length * 2, upSize + moved));
        }
        for (int i = start + offset; i < size; i += 2) {
            up[upSize++] = items[i];
        }
        sizes[h + 1] = upSize;
        sizes[h] = start;
        itemsTotal -= size - start - moved;
    }

    /**
     * Returns approximate percentiles: for each p, the smallest retained item whose weighted rank (the weight of the
     * items at or below it) reaches {@code p/100 * n}, computed in integers; p = 0 gives the smallest retained item.
     *
     * @param percents percents in [0, 100], ascending
     * @return one value per percent
     * @throws IllegalStateException if the sketch is empty
     */
    double[] percentiles(int[] percents) {
        if (n == 0) {
            throw new IllegalStateException("an empty sketch has no quantiles");
        }
        int m = itemsTotal;
        double[] values = new double[m];
        long[] weights = new long[m];
        int at = 0;
        for (int h = 0; h < levels.length; h++) {
            for (int i = 0; i < sizes[h]; i++) {
                values[at] = levels[h][i];
                weights[at] = 1L << h;
                at++;
            }
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] out = new double[percents.length];
        long cumulative = 0;
        int j = 0;
        for (int pi = 0; pi < percents.length; pi++) {
            // rank * 100 < p * n, exactly: both sides stay below 2^63 for n below 9e16
            long target = (long) percents[pi] * n;
            while (j < m - 1 && (cumulative + weights[order[j]]) * 100 < target) {
                cumulative += weights[order[j]];
                j++;
            }
            out[pi] = values[order[j]];
        }
        return out;
    }
}
