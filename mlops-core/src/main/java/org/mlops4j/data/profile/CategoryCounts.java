package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How often each value of a non-numeric column occurs, over all rows and whatever their order: the exact count of
 * every value while the column has at most {@link ProfileOptions#getMaxCategories()} distinct values, and beyond that
 * the counts of a fixed partition of the values into {@value #HASH_BUCKETS} buckets by a hash of the value
 * ({@link #bucketOf(String)}). Either form is exact and gives a valid chi-square test of homogeneity: the partition
 * tests whether the bucket shares changed, which any change of the value shares that does not cancel out within
 * buckets shows. Values are the field text cut to {@link ProfileOptions#getMaxValueLength()} code points
 * ({@code "true"} and {@code "false"} in a boolean column).
 *
 * <p>Immutable and thread-safe.
 */
public final class CategoryCounts {
    /** The number of buckets of the hash partition. */
    public static final int HASH_BUCKETS = 128;

    private final @Nullable Map<String, Long> values;
    private final long[] buckets;
    private final long total;

    private CategoryCounts(@Nullable Map<String, Long> values, long[] buckets) {
        this.values = values == null ? null : Collections.unmodifiableMap(new TreeMap<>(values));
        this.buckets = buckets;
        long sum = 0;
        for (long b : buckets) {
            if (b < 0) {
                throw new IllegalArgumentException("bucket counts must not be negative, got " + b);
            }
            sum += b;
        }
        this.total = sum;
    }

    /**
     * Returns exact counts by value.
     *
     * @param counts every value with its count, each at least 1
     * @return the counts
     * @throws IllegalArgumentException if a count is below 1
     */
    static CategoryCounts exact(Map<String, Long> counts) {
        long[] buckets = new long[HASH_BUCKETS];
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() < 1) {
                throw new IllegalArgumentException("category counts are at least 1, got " + e.getValue() + " for '"
                        + Decimals.abbreviate(e.getKey()) + "'");
            }
            buckets[bucketOf(e.getKey())] += e.getValue();
        }
        return new CategoryCounts(counts, buckets);
    }

    /**
     * Returns counts of the hash partition.
     *
     * @param buckets {@value #HASH_BUCKETS} counts (copied), none negative
     * @return the counts
     * @throws IllegalArgumentException if there are not {@value #HASH_BUCKETS} counts or one is negative
     */
    static CategoryCounts hashed(long[] buckets) {
        if (buckets.length != HASH_BUCKETS) {
            throw new IllegalArgumentException(
                    "a hash partition has " + HASH_BUCKETS + " buckets, got " + buckets.length);
        }
        return new CategoryCounts(null, buckets.clone());
    }

    /**
     * Returns the bucket of a value: the low 7 bits of FNV-1a (64-bit) over the value's UTF-16 code units followed by
     * MurmurHash3's 64-bit finalizer (the hash the profile's HyperLogLog uses).
     *
     * @param value the value
     * @return the bucket, from 0 to {@value #HASH_BUCKETS} − 1
     */
    public static int bucketOf(String value) {
        return (int) (HyperLogLog.hash(value) & (HASH_BUCKETS - 1));
    }

    /** Returns whether the counts are by value; otherwise only the hash partition is known. */
    public boolean isExact() {
        return values != null;
    }

    /**
     * Returns the exact count of each value, by value.
     *
     * @return the counts, empty when the column has no values
     * @throws IllegalStateException if the column had more distinct values than the cap ({@link #isExact()} false)
     */
    public Map<String, Long> getValueCounts() {
        Map<String, Long> v = values;
        if (v == null) {
            throw new IllegalStateException("the column had more distinct values than the profile's cap: only the "
                    + "hash partition is known (getBucketCounts)");
        }
        return v;
    }

    /** Returns the count of each bucket of the hash partition (folded from the exact counts when exact). */
    public List<Long> getBucketCounts() {
        List<Long> out = new ArrayList<>(buckets.length);
        for (long b : buckets) {
            out.add(b);
        }
        return Collections.unmodifiableList(out);
    }

    /** Returns the number of values counted: the column's non-null count. */
    public long getTotal() {
        return total;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        Map<String, Long> v = values;
        if (v != null) {
            List<Object> list = new ArrayList<>(v.size());
            List<String> sorted = new ArrayList<>(v.keySet());
            sorted.sort(ColumnAccumulator::compareCodePoints);
            for (String value : sorted) {
                Map<String, Object> e = new TreeMap<>();
                e.put("value", value);
                e.put("count", v.get(value));
                list.add(Collections.unmodifiableMap(e));
            }
            m.put("values", Collections.unmodifiableList(list));
        } else {
            List<Object> list = new ArrayList<>(buckets.length);
            for (long b : buckets) {
                list.add(b);
            }
            m.put("buckets", Collections.unmodifiableList(list));
        }
        return Collections.unmodifiableMap(m);
    }

    static CategoryCounts fromMap(@Nullable Object value, String path) {
        boolean exact = value instanceof Map && ((Map<?, ?>) value).containsKey("values");
        MapReader r = MapReader.of(value, path, Set.of(exact ? "values" : "buckets"));
        try {
            if (exact) {
                List<?> raw = r.list("values");
                Map<String, Long> counts = new TreeMap<>();
                String previous = null;
                for (int i = 0; i < raw.size(); i++) {
                    MapReader e = MapReader.of(raw.get(i), r.path("values") + "[" + i + "]", Set.of("value", "count"));
                    String v = e.string("value");
                    if (previous != null && ColumnAccumulator.compareCodePoints(previous, v) >= 0) {
                        throw MapReader.fail(r.path("values"), "values must be distinct and in code point order");
                    }
                    previous = v;
                    counts.put(v, e.longValue("count", 1));
                }
                return exact(counts);
            }
            List<?> raw = r.list("buckets");
            long[] buckets = new long[raw.size()];
            for (int i = 0; i < buckets.length; i++) {
                Object b = raw.get(i);
                if (!(b instanceof Long) || (Long) b < 0) {
                    throw MapReader.fail(r.path("buckets") + "[" + i + "]", "expected a count (Long ≥ 0), got " + b);
                }
                buckets[i] = (Long) b;
            }
            return hashed(buckets);
        } catch (IllegalArgumentException e) {
            throw MapReader.fail(path, e.getMessage());
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof CategoryCounts
                && java.util.Objects.equals(((CategoryCounts) o).values, values)
                && java.util.Arrays.equals(((CategoryCounts) o).buckets, buckets);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(buckets);
    }

    @Override
    public String toString() {
        Map<String, Long> v = values;
        return "CategoryCounts{" + total + " values, "
                + (v != null ? v.size() + " distinct, exact" : "hash partition of " + HASH_BUCKETS + " buckets") + "}";
    }
}
