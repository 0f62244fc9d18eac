package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The profile of one CSV column: its name, inferred {@link ColumnType}, null and non-null counts, a distinct-count
 * estimate, the most frequent values with the mass of all others, a seeded reservoir sample and, for numeric
 * columns, a {@link NumericSummary}. Immutable and thread-safe; a final class so that later versions can add
 * accessors.
 *
 * <p>An empty field (including a quoted empty field {@code ""}) is null; every other field is a value, even one of
 * spaces.
 */
public final class ColumnProfile {
    private static final Set<String> KEYS = Set.of(
            "name",
            "type",
            "count",
            "nullCount",
            "distinct",
            "distinctExact",
            "topValues",
            "otherCount",
            "topValuesExact",
            "sample");
    private static final Set<String> KEYS_NUMERIC;

    static {
        Set<String> s = new HashSet<>(KEYS);
        s.add("numeric");
        KEYS_NUMERIC = Set.copyOf(s);
    }

    private final String name;
    private final ColumnType type;
    private final long count;
    private final long nullCount;
    private final long distinct;
    private final boolean distinctExact;
    private final List<ValueCount> topValues;
    private final long otherCount;
    private final boolean topValuesExact;
    private final List<String> sample;
    private final @Nullable NumericSummary numeric;
    private final @Nullable ValueHistogram histogram;
    private final @Nullable CategoryCounts categories;

    ColumnProfile(
            String name,
            ColumnType type,
            long count,
            long nullCount,
            long distinct,
            boolean distinctExact,
            List<ValueCount> topValues,
            long otherCount,
            boolean topValuesExact,
            List<String> sample,
            @Nullable NumericSummary numeric,
            @Nullable ValueHistogram histogram,
            @Nullable CategoryCounts categories) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.count = count;
        this.nullCount = nullCount;
        this.distinct = distinct;
        this.distinctExact = distinctExact;
        this.topValues = List.copyOf(topValues);
        this.otherCount = otherCount;
        this.topValuesExact = topValuesExact;
        this.sample = List.copyOf(sample);
        this.numeric = numeric;
        this.histogram = histogram;
        this.categories = categories;
        long top = 0;
        for (ValueCount v : this.topValues) {
            top += v.count();
        }
        if (count < 0 || nullCount < 0 || otherCount < 0 || top + otherCount != count) {
            throw new IllegalArgumentException("column '" + name + "': counts do not add up: count " + count
                    + ", nulls " + nullCount + ", top values " + top + ", other " + otherCount);
        }
        if ((numeric != null) != (type.isNumeric() && count > 0)) {
            throw new IllegalArgumentException("column '" + name + "': a numeric summary is present exactly for "
                    + "numeric columns with values; type " + type + ", count " + count);
        }
        if (histogram != null && (numeric == null || histogram.getTotal() != count)) {
            throw new IllegalArgumentException("column '" + name + "': a histogram belongs to a numeric column and "
                    + "counts its " + count + " values, got " + histogram.getTotal() + " values");
        }
        if (categories != null && (type.isNumeric() && count > 0 || categories.getTotal() != count)) {
            throw new IllegalArgumentException("column '" + name + "': category counts belong to a non-numeric column"
                    + " and count its " + count + " values, got " + categories.getTotal() + " values");
        }
        if (sample.size() > count) {
            throw new IllegalArgumentException("column '" + name + "': sample of " + sample.size()
                    + " values is larger than the " + count + " values");
        }
    }

    /** Returns the column name, from the header row. */
    public String getName() {
        return name;
    }

    /** Returns the inferred type; see {@link ColumnType} for the rule. */
    public ColumnType getType() {
        return type;
    }

    /** Returns the number of non-null (non-empty) values. */
    public long getCount() {
        return count;
    }

    /** Returns the number of null (empty) fields. */
    public long getNullCount() {
        return nullCount;
    }

    /**
     * Returns the number of distinct non-null values: exact when {@link #isDistinctExact()}, else a HyperLogLog
     * estimate with a relative standard error of about 1.6%.
     */
    public long getDistinct() {
        return distinct;
    }

    /** Returns true when {@link #getDistinct()} is exact. */
    public boolean isDistinctExact() {
        return distinctExact;
    }

    /**
     * Returns the most frequent values from Misra–Gries with {@code k = topK} counters, by descending count, then
     * by value in code point order. Every value occurring more than {@code count/(topK+1)} times is listed. Each
     * count is a lower bound: the true count exceeds it by at most {@code getOtherCount()/(topK+1)}. When
     * {@link #isTopValuesExact()}, the list holds every distinct value with its exact count. Keys are the field text
     * cut to {@link ProfileOptions#getMaxValueLength()} code points; in a {@link ColumnType#BOOLEAN} column they are
     * {@code "true"} and {@code "false"}.
     */
    public List<ValueCount> getTopValues() {
        return topValues;
    }

    /**
     * Returns the number of values not counted in {@link #getTopValues()}: the "other" bucket, so that the top
     * counts plus this equal {@link #getCount()} (for chi-square tests over categories).
     */
    public long getOtherCount() {
        return otherCount;
    }

    /** Returns true when the top values are every distinct value, with exact counts. */
    public boolean isTopValuesExact() {
        return topValuesExact;
    }

    /**
     * Returns a uniform random sample of {@code min(count, sampleSize)} non-null values, drawn without replacement
     * by a reservoir seeded with {@link ProfileOptions#getSeed()}, sorted ascending. Numeric columns give the
     * canonical text of each number ({@code "1e3"} becomes {@code "1000"}; numbers are sorted by value), boolean
     * columns {@code "true"}/{@code "false"}, other columns the field text cut to
     * {@link ProfileOptions#getMaxValueLength()} code points, sorted by code point.
     */
    public List<String> getSample() {
        return sample;
    }

    /**
     * Returns the sample of a numeric column as numbers, ascending.
     *
     * @return a new array; empty for a non-numeric column
     */
    public double[] getNumericSample() {
        if (!type.isNumeric()) {
            return new double[0];
        }
        double[] out = new double[sample.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Decimals.parse(sample.get(i));
        }
        return out;
    }

    /** Returns the numeric summary: present for numeric columns with at least one value. */
    public Optional<NumericSummary> getNumeric() {
        return Optional.ofNullable(numeric);
    }

    /**
     * Returns the exact counts of a numeric column's values in the cells of a fixed grid, over all rows: present for
     * numeric columns with at least one value in profiles of format {@code csv-profile/2}.
     */
    public Optional<ValueHistogram> getHistogram() {
        return Optional.ofNullable(histogram);
    }

    /**
     * Returns the counts of a non-numeric column's values, exact by value up to {@link ProfileOptions#getMaxCategories()}
     * distinct values and by hash bucket beyond: present for every non-numeric column (empty for a column without
     * values) in profiles of format {@code csv-profile/2}.
     */
    public Optional<CategoryCounts> getCategoryCounts() {
        return Optional.ofNullable(categories);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("name", name);
        m.put("type", type.toString());
        m.put("count", count);
        m.put("nullCount", nullCount);
        m.put("distinct", distinct);
        m.put("distinctExact", distinctExact);
        List<Object> tops = new ArrayList<>(topValues.size());
        for (ValueCount v : topValues) {
            Map<String, Object> e = new TreeMap<>();
            e.put("value", v.value());
            e.put("count", v.count());
            tops.add(Collections.unmodifiableMap(e));
        }
        m.put("topValues", Collections.unmodifiableList(tops));
        m.put("otherCount", otherCount);
        m.put("topValuesExact", topValuesExact);
        m.put("sample", sample);
        if (numeric != null) {
            m.put("numeric", numeric.toMap());
        }
        if (histogram != null) {
            m.put("histogram", histogram.toMap());
        }
        if (categories != null) {
            m.put("categories", categories.toMap());
        }
        return Collections.unmodifiableMap(m);
    }

    static ColumnProfile fromMap(@Nullable Object value, String path, int sketchK, int version) {
        boolean hasNumeric = value instanceof Map && ((Map<?, ?>) value).containsKey("numeric");
        Set<String> keys = new HashSet<>(hasNumeric ? KEYS_NUMERIC : KEYS);
        if (version >= 2) {
            keys.add(hasNumeric ? "histogram" : "categories");
        }
        MapReader r = MapReader.of(value, path, keys);
        ColumnType type;
        try {
            type = ColumnType.fromString(r.string("type"));
        } catch (IllegalArgumentException e) {
            throw MapReader.fail(r.path("type"), e.getMessage());
        }
        List<?> rawTops = r.list("topValues");
        List<ValueCount> tops = new ArrayList<>(rawTops.size());
        for (int i = 0; i < rawTops.size(); i++) {
            MapReader t = MapReader.of(rawTops.get(i), r.path("topValues") + "[" + i + "]", Set.of("value", "count"));
            tops.add(new ValueCount(t.string("value"), t.longValue("count", 1)));
        }
        List<String> sample = r.strings("sample");
        if (type.isNumeric()) {
            double previous = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < sample.size(); i++) {
                double x = MapReader.decimal(sample.get(i), r.path("sample") + "[" + i + "]");
                if (Double.compare(x, previous) < 0) {
                    throw MapReader.fail(r.path("sample"), "a numeric sample must be sorted ascending");
                }
                previous = x;
            }
        }
        NumericSummary numeric =
                hasNumeric ? NumericSummary.fromMap(r.raw("numeric"), r.path("numeric"), sketchK) : null;
        ValueHistogram histogram =
                version >= 2 && hasNumeric ? ValueHistogram.fromMap(r.raw("histogram"), r.path("histogram")) : null;
        CategoryCounts categories =
                version >= 2 && !hasNumeric ? CategoryCounts.fromMap(r.raw("categories"), r.path("categories")) : null;
        try {
            return new ColumnProfile(
                    r.string("name"),
                    type,
                    r.longValue("count", 0),
                    r.longValue("nullCount", 0),
                    r.longValue("distinct", 0),
                    r.bool("distinctExact"),
                    tops,
                    r.longValue("otherCount", 0),
                    r.bool("topValuesExact"),
                    sample,
                    numeric,
                    histogram,
                    categories);
        } catch (IllegalArgumentException e) {
            throw MapReader.fail(path, e.getMessage());
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ColumnProfile)) {
            return false;
        }
        ColumnProfile c = (ColumnProfile) o;
        return name.equals(c.name)
                && type.equals(c.type)
                && count == c.count
                && nullCount == c.nullCount
                && distinct == c.distinct
                && distinctExact == c.distinctExact
                && topValues.equals(c.topValues)
                && otherCount == c.otherCount
                && topValuesExact == c.topValuesExact
                && sample.equals(c.sample)
                && Objects.equals(numeric, c.numeric)
                && Objects.equals(histogram, c.histogram)
                && Objects.equals(categories, c.categories);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, count, nullCount, distinct, topValues, sample, numeric);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(": ").append(type).append(", ").append(count).append(" values, ");
        sb.append(nullCount).append(" nulls, ").append(distinctExact ? "" : "~").append(distinct);
        sb.append(" distinct");
        if (numeric != null) {
            sb.append(", min ").append(Decimals.format(numeric.getMin()));
            sb.append(", max ").append(Decimals.format(numeric.getMax()));
            sb.append(", mean ").append(Decimals.format(numeric.getMean()));
            sb.append(", median ").append(Decimals.format(numeric.getPercentile(50)));
        }
        if (!topValues.isEmpty()) {
            sb.append(", top ");
            for (int i = 0; i < Math.min(3, topValues.size()); i++) {
                ValueCount v = topValues.get(i);
                sb.append(i == 0 ? "" : ", ").append('\'').append(Decimals.abbreviate(v.value()));
                sb.append("' x").append(v.count());
            }
        }
        return sb.toString();
    }
}
