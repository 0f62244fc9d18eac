package org.mlops4j.drift;

import java.util.Map;
import org.mlops4j.data.profile.CategoryCounts;
import org.mlops4j.data.profile.ValueHistogram;

/**
 * A column read from a dataset profile ({@link Columns#fromProfile}): its profile type, its non-null count, and
 * whatever the report must say about its summaries. Immutable.
 */
abstract class ProfiledColumn implements Column {
    private final String name;
    private final String type;
    private final long values;

    ProfiledColumn(String name, String type, long values) {
        this.name = name;
        this.type = type;
        this.values = values;
    }

    @Override
    public String name() {
        return name;
    }

    /** Returns the profile's type of the column ({@code integer}, {@code decimal}, {@code string}, …). */
    String type() {
        return type;
    }

    /** Returns the number of the column's non-null values in the profiled file. */
    long count() {
        return values;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " column " + name + " (" + type + ", "
                + values + " values)";
    }

    /** A numeric column of a {@code csv-profile/2} profile: every value counted in its histogram. */
    static final class Histogram extends ProfiledColumn {
        private final ValueHistogram histogram;

        Histogram(String name, String type, ValueHistogram histogram) {
            super(name, type, histogram.getTotal());
            this.histogram = histogram;
        }

        ValueHistogram histogram() {
            return histogram;
        }
    }

    /** A non-numeric column of a {@code csv-profile/2} profile: exact counts by value or by hash bucket. */
    static final class Categories extends ProfiledColumn {
        private final CategoryCounts counts;

        Categories(String name, String type, CategoryCounts counts) {
            super(name, type, counts.getTotal());
            this.counts = counts;
        }

        CategoryCounts counts() {
            return counts;
        }
    }

    /** A numeric column of a {@code csv-profile/1} profile: a reservoir sample, and deciles from a sketch. */
    static final class Sample extends ProfiledColumn implements NumericColumn {
        private final double[] sample;
        private final double[] deciles;

        Sample(String name, String type, long values, double[] sample, double[] deciles) {
            super(name, type, values);
            this.sample = sample;
            this.deciles = deciles;
        }

        @Override
        public double[] values() {
            return sample;
        }

        @Override
        public double[] deciles() {
            return deciles.clone();
        }

        String note() {
            return "a reservoir sample of " + sample.length + " of " + count() + " values";
        }
    }

    /** A non-numeric column of a {@code csv-profile/1} profile: Misra–Gries top values and the rest as "(other)". */
    static final class TopValues extends ProfiledColumn implements CategoricalColumn {
        /** The key that holds every value not among the top values. */
        static final String OTHER = "(other)";

        private final Map<String, Long> counts;
        private final boolean exact;

        TopValues(String name, String type, long values, Map<String, Long> counts, boolean exact) {
            super(name, type, values);
            this.counts = Map.copyOf(counts);
            this.exact = exact;
        }

        @Override
        public Map<String, Long> counts() {
            return counts;
        }

        /** Returns whether the top values were every value with its exact count. */
        boolean exact() {
            return exact;
        }
    }

    /** A column without values (every field null) in the profiled file. */
    static final class Empty extends ProfiledColumn {
        Empty(String name, String type) {
            super(name, type, 0);
        }
    }
}
