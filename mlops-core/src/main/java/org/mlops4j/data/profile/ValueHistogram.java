package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Exact counts of every value of a numeric column in cells of a fixed grid over the doubles: the column's values
 * over <em>all</em> rows, summarised so that the same values give the same histogram whatever their order. Drift
 * tests read it instead of a sample: the Kolmogorov–Smirnov distance at every cell boundary and PSI over bins made of
 * cells are exact counts.
 *
 * <p>The grid: map a double {@code x} (with {@code -0.0} taken as {@code 0.0}) to the signed 64-bit integer
 * {@code b = bits(x)} if {@code b >= 0}, else {@code b ^ 0x7fffffffffffffff}, which orders like the doubles; a cell
 * at shift {@code s} holds the {@code 2^s} adjacent doubles whose integer shares the key {@code b >> s} (arithmetic
 * shift). At shift 0 each distinct value has its own cell, so a column with few distinct values is counted exactly
 * by value; at shift {@code s ≤ 52} each cell spans a relative width of at most {@code 2^(s-52)} of its values. The
 * profiler starts at shift 0 and raises the shift by one whenever more than
 * {@link ProfileOptions#getMaxBins()} cells are occupied; since occupied cells only ever grow in number, the final
 * shift is the smallest at which all values fit, whatever the row order.
 *
 * <p>Immutable and thread-safe.
 */
public final class ValueHistogram {
    private static final Set<String> KEYS = Set.of("shift", "keys", "counts");

    private final int shift;
    private final long[] keys;
    private final long[] counts;
    private final long total;

    ValueHistogram(int shift, long[] keys, long[] counts) {
        if (shift < 0 || shift > 63) {
            throw new IllegalArgumentException("a histogram's shift is between 0 and 63, got " + shift);
        }
        if (keys.length != counts.length) {
            throw new IllegalArgumentException(
                    "a histogram has one count per key, got " + keys.length + " keys and " + counts.length + " counts");
        }
        long sum = 0;
        for (int i = 0; i < keys.length; i++) {
            if (i > 0 && keys[i] <= keys[i - 1]) {
                throw new IllegalArgumentException(
                        "histogram keys must be strictly ascending, got " + keys[i - 1] + " before " + keys[i]);
            }
            if (counts[i] < 1) {
                throw new IllegalArgumentException("histogram counts are at least 1, got " + counts[i]);
            }
            sum += counts[i];
        }
        this.shift = shift;
        this.keys = keys.clone();
        this.counts = counts.clone();
        this.total = sum;
    }

    /**
     * Returns a histogram of given cells.
     *
     * @param shift from 0 to 63
     * @param keys the occupied cells' keys, strictly ascending (copied)
     * @param counts each cell's count, at least 1 (copied)
     * @return the histogram
     * @throws IllegalArgumentException if the shift is out of range, the keys are not ascending, the arrays differ in
     *     length, or a count is below 1
     */
    public static ValueHistogram of(int shift, long[] keys, long[] counts) {
        return new ValueHistogram(shift, keys, counts);
    }

    /**
     * Returns the key of the cell of a value at a shift.
     *
     * @param x a finite value
     * @param shift from 0 to 63
     * @return the cell's key
     */
    public static long cellKey(double x, int shift) {
        return ordered(x) >> shift;
    }

    /** Maps a double to a long in the same order; {@code -0.0} and {@code 0.0} both map to 0. */
    static long ordered(double x) {
        long bits = Double.doubleToRawLongBits(x + 0.0);
        return bits >= 0 ? bits : bits ^ Long.MAX_VALUE;
    }

    private static double fromOrdered(long b) {
        return Double.longBitsToDouble(b >= 0 ? b : b ^ Long.MAX_VALUE);
    }

    /** Returns the shift: each cell holds {@code 2^shift} adjacent doubles. */
    public int getShift() {
        return shift;
    }

    /** Returns the number of occupied cells. */
    public int size() {
        return keys.length;
    }

    /** Returns the key of the i-th occupied cell, ascending. */
    public long getKey(int i) {
        return keys[i];
    }

    /** Returns the number of values in the i-th occupied cell. */
    public long getCount(int i) {
        return counts[i];
    }

    /** Returns the number of values counted: the column's non-null count. */
    public long getTotal() {
        return total;
    }

    /** Returns the smallest value of the i-th occupied cell (−{@code Double.MAX_VALUE} at the far end). */
    public double getLowerBound(int i) {
        double v = fromOrdered(keys[i] << shift);
        return Double.isNaN(v) || v < -Double.MAX_VALUE ? -Double.MAX_VALUE : v;
    }

    /** Returns the largest value of the i-th occupied cell ({@code Double.MAX_VALUE} at the far end). */
    public double getUpperBound(int i) {
        long last = shift == 63 ? (keys[i] < 0 ? -1 : Long.MAX_VALUE) : ((keys[i] + 1) << shift) - 1;
        double v = fromOrdered(last);
        return Double.isNaN(v) || v > Double.MAX_VALUE ? Double.MAX_VALUE : v;
    }

    /**
     * Returns this histogram at a coarser shift (cells merged), or itself when the shift is the same.
     *
     * @param coarser at least {@link #getShift()}, at most 63
     * @return the histogram at that shift
     * @throws IllegalArgumentException if the shift is finer than this histogram's
     */
    public ValueHistogram atShift(int coarser) {
        if (coarser < shift || coarser > 63) {
            throw new IllegalArgumentException(
                    "a histogram at shift " + shift + " can be coarsened to a shift up to 63, not " + coarser);
        }
        if (coarser == shift) {
            return this;
        }
        int by = coarser - shift;
        long[] k = new long[keys.length];
        long[] c = new long[keys.length];
        int n = -1;
        for (int i = 0; i < keys.length; i++) {
            long key = keys[i] >> by;
            if (n >= 0 && k[n] == key) {
                c[n] += counts[i];
            } else {
                n++;
                k[n] = key;
                c[n] = counts[i];
            }
        }
        return new ValueHistogram(coarser, Arrays.copyOf(k, n + 1), Arrays.copyOf(c, n + 1));
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("shift", (long) shift);
        List<Object> k = new ArrayList<>(keys.length);
        List<Object> c = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            k.add(keys[i]);
            c.add(counts[i]);
        }
        m.put("keys", Collections.unmodifiableList(k));
        m.put("counts", Collections.unmodifiableList(c));
        return Collections.unmodifiableMap(m);
    }

    static ValueHistogram fromMap(@Nullable Object value, String path) {
        MapReader r = MapReader.of(value, path, KEYS);
        int shift = r.intValue("shift", 0, 63);
        long[] keys = longs(r, "keys", Long.MIN_VALUE);
        long[] counts = longs(r, "counts", 1);
        try {
            return new ValueHistogram(shift, keys, counts);
        } catch (IllegalArgumentException e) {
            throw MapReader.fail(path, e.getMessage());
        }
    }

    private static long[] longs(MapReader r, String key, long min) {
        List<?> raw = r.list(key);
        long[] out = new long[raw.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = raw.get(i);
            if (!(v instanceof Long) || (Long) v < min) {
                throw MapReader.fail(
                        r.path(key) + "[" + i + "]", "expected an integer (Long) of at least " + min + ", got " + v);
            }
            out[i] = (Long) v;
        }
        return out;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ValueHistogram
                && ((ValueHistogram) o).shift == shift
                && Arrays.equals(((ValueHistogram) o).keys, keys)
                && Arrays.equals(((ValueHistogram) o).counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * shift + Arrays.hashCode(keys)) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ValueHistogram{" + total + " values in " + keys.length + " cells of 2^" + shift + " doubles}";
    }
}
