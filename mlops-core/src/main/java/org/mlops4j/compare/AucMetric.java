package org.mlops4j.compare;

import java.util.Arrays;

/**
 * ROC AUC from weighted ranks: the scores are sorted once per bind; each evaluation is then one O(n) pass over that
 * order, summing for each group of tied scores {@code P_g * (negativesBelow + N_g / 2)}, in exact integer arithmetic.
 */
final class AucMetric implements ExampleMetric {
    static final AucMetric INSTANCE = new AucMetric();

    private AucMetric() {}

    @Override
    public String name() {
        return "auc";
    }

    @Override
    public boolean isHigherBetter() {
        return true;
    }

    @Override
    public boolean isClassConditional() {
        return true;
    }

    @Override
    public Bound bind(Outcomes outcomes) {
        Sorted sorted = sort(outcomes);
        return bound(sorted.order, sorted.ends);
    }

    /**
     * Binds both models of a paired comparison with the examples renumbered in the champion's score order: a uniform
     * resample of positions is a uniform resample of examples, and the champion's pass then reads the counts
     * sequentially instead of gathering them.
     *
     * @return the champion's and the challenger's bound metric, both indexed by champion-order position
     */
    static SmallCountsBound[] bindPair(Outcomes champion, Outcomes challenger) {
        Sorted a = sort(champion);
        Sorted b = sort(challenger);
        int n = a.order.length;
        int[] position = new int[n];
        int[] orderA = new int[n];
        for (int k = 0; k < n; k++) {
            position[a.order[k] >>> 1] = k;
            orderA[k] = k << 1 | (a.order[k] & 1);
        }
        int[] orderB = new int[n];
        for (int k = 0; k < n; k++) {
            orderB[k] = position[b.order[k] >>> 1] << 1 | (b.order[k] & 1);
        }
        return new SmallCountsBound[] {bound(orderA, a.ends), bound(orderB, b.ends)};
    }

    /** The examples in ascending score order (example index << 1 | label) and the ends of the tied groups. */
    private record Sorted(int[] order, int[] ends) {}

    private static Sorted sort(Outcomes outcomes) {
        double[] scores = outcomes.requireScores("auc");
        double[] labels = outcomes.labels();
        int n = labels.length;
        if (n >= 1 << 30) {
            throw new IllegalArgumentException("auc supports fewer than 2^30 examples, got " + n);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException(
                        "auc needs binary labels 0 or 1, got " + labels[i] + " at example " + i);
            }
        }
        // distinct scores (with -0.0 folded into 0.0), then each example's group, then a counting sort by group
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = scores[i] + 0.0;
        }
        Arrays.sort(sorted);
        int groups = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || sorted[i] != sorted[groups - 1]) {
                sorted[groups++] = sorted[i];
            }
        }
        int[] groupStart = new int[groups + 1];
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            int g = Arrays.binarySearch(sorted, 0, groups, scores[i] + 0.0);
            group[i] = g;
            groupStart[g + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            groupStart[g + 1] += groupStart[g];
        }
        int[] ends = Arrays.copyOfRange(groupStart, 1, groups + 1);
        int[] next = Arrays.copyOf(groupStart, groups);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[next[group[i]]++] = i << 1 | (int) labels[i];
        }
        return new Sorted(order, ends);
    }

    private static SmallCountsBound bound(int[] order, int[] ends) {
        boolean ties = ends.length != order.length;
        return new SmallCountsBound() {
            @Override
            public double value(int[] counts) {
                return ties ? withTies(order, ends, counts) : noTies(order, counts);
            }

            @Override
            public double value(byte[] counts) {
                return ties ? withTies(order, ends, counts) : noTies(order, counts);
            }
        };
    }

    private static double noTies(int[] order, int[] counts) {
        long negBelow = 0;
        long pos = 0;
        long sum = 0;
        for (int e : order) {
            long c = counts[e >>> 1];
            long positive = -(long) (e & 1); // all ones for a positive example
            long cp = c & positive;
            sum += cp * negBelow;
            pos += cp;
            negBelow += c & ~positive;
        }
        return pos == 0 || negBelow == 0 ? Double.NaN : (double) sum / ((double) pos * negBelow);
    }

    private static double withTies(int[] order, int[] ends, int[] counts) {
        long negBelow = 0;
        long pos = 0;
        long twiceSum = 0;
        int k = 0;
        for (int end : ends) {
            long p = 0;
            long q = 0;
            for (; k < end; k++) {
                int e = order[k];
                long c = counts[e >>> 1];
                long positive = -(long) (e & 1);
                p += c & positive;
                q += c & ~positive;
            }
            twiceSum += p * (2 * negBelow + q);
            pos += p;
            negBelow += q;
        }
        return pos == 0 || negBelow == 0 ? Double.NaN : (double) twiceSum / (2.0 * pos * negBelow);
    }

    // The byte[] twins below repeat the int[] loops on purpose: the bootstrap's hot path keeps multiplicities in
    // bytes (4x less memory traffic), and a shared generic kernel would box or add a per-element dispatch.
    private static double noTies(int[] order, byte[] counts) {
        long negBelow = 0;
        long pos = 0;
        long sum = 0;
        for (int e : order) {
            long c = counts[e >>> 1];
            long positive = -(long) (e & 1); // all ones for a positive example
            long cp = c & positive;
            sum += cp * negBelow;
            pos += cp;
            negBelow += c & ~positive;
        }
        return pos == 0 || negBelow == 0 ? Double.NaN : (double) sum / ((double) pos * negBelow);
    }

    private static double withTies(int[] order, int[] ends, byte[] counts) {
        long negBelow = 0;
        long pos = 0;
        long twiceSum = 0;
        int k = 0;
        for (int end : ends) {
            long p = 0;
            long q = 0;
            for (; k < end; k++) {
                int e = order[k];
                long c = counts[e >>> 1];
                long positive = -(long) (e & 1);
                p += c & positive;
                q += c & ~positive;
            }
            twiceSum += p * (2 * negBelow + q);
            pos += p;
            negBelow += q;
        }
        return pos == 0 || negBelow == 0 ? Double.NaN : (double) twiceSum / (2.0 * pos * negBelow);
    }

    @Override
    public String toString() {
        return "auc (higher is better)";
    }
}
