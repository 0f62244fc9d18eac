package org.mlops4j.data.profile;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link CsvProfiler} summarises a table: the size of each column's bounded summaries and the seed of its
 * randomised ones. An immutable policy value, thread-safe; the same options and the same bytes always give the same
 * profile.
 *
 * <pre>{@code
 * ProfileOptions options = ProfileOptions.custom().topK(50).sampleSize(2_000).seed(42).build();
 * TableProfile profile = CsvProfiler.of(options).profile(Path.of("churn.csv"));
 * }</pre>
 *
 * <p>Per column, memory is bounded by about {@code 8 (3 sketchK + 400) + 4096 + topK (maxValueLength + 100) +
 * sampleSize (maxValueLength + 60) + maxCategories (2 maxValueLength + 100) + 64 maxBins} bytes (UTF-16 text counts
 * twice per character), whatever the row count. A single
 * field or record is held whole while it is parsed, up to FastCSV's limits (16 Mi characters per field by default,
 * raised with the system property {@code fastcsv.max.field.size}).
 */
public final class ProfileOptions {
    /** The default number of Misra–Gries counters per column. */
    public static final int DEFAULT_TOP_K = 20;
    /** The default size of each column's reservoir sample. */
    public static final int DEFAULT_SAMPLE_SIZE = 1_000;
    /** The default KLL sketch size k; the normalized rank error is then about 1.33% (99% confidence). */
    public static final int DEFAULT_SKETCH_K = 200;
    /** The default cap, in code points, of values kept as top-value keys and sample entries. */
    public static final int DEFAULT_MAX_VALUE_LENGTH = 256;
    /** The default seed of the sample and the sketch. */
    public static final long DEFAULT_SEED = 0L;
    /** The default cap on distinct values counted exactly per non-numeric column (beyond it, a hash partition). */
    public static final int DEFAULT_MAX_CATEGORIES = 1_000;
    /** The default cap on occupied cells of a numeric column's histogram. */
    public static final int DEFAULT_MAX_BINS = 2_048;

    private static final ProfileOptions DEFAULTS = custom().build();

    private final int topK;
    private final int sampleSize;
    private final int sketchK;
    private final int maxValueLength;
    private final long seed;
    private final int maxCategories;
    private final int maxBins;

    private ProfileOptions(Builder b) {
        this.topK = b.topK;
        this.sampleSize = b.sampleSize;
        this.sketchK = b.sketchK;
        this.maxValueLength = b.maxValueLength;
        this.seed = b.seed;
        this.maxCategories = b.maxCategories;
        this.maxBins = b.maxBins;
    }

    /** Returns the default options. */
    public static ProfileOptions ofDefaults() {
        return DEFAULTS;
    }

    /** Returns a builder that starts from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Returns a builder that starts from {@code base}.
     *
     * @param base the options to copy
     * @return a new builder
     */
    public static Builder from(ProfileOptions base) {
        Objects.requireNonNull(base, "base");
        Builder b = new Builder();
        b.topK = base.topK;
        b.sampleSize = base.sampleSize;
        b.sketchK = base.sketchK;
        b.maxValueLength = base.maxValueLength;
        b.seed = base.seed;
        b.maxCategories = base.maxCategories;
        b.maxBins = base.maxBins;
        return b;
    }

    /** Returns the number of Misra–Gries counters per column (the most top values a column reports). */
    public int getTopK() {
        return topK;
    }

    /** Returns the size of each column's reservoir sample. */
    public int getSampleSize() {
        return sampleSize;
    }

    /** Returns the KLL sketch size k. */
    public int getSketchK() {
        return sketchK;
    }

    /** Returns the cap, in code points, on values kept as top-value keys and sample entries. */
    public int getMaxValueLength() {
        return maxValueLength;
    }

    /** Returns the seed of the reservoir samples and the sketches' coin flips. */
    public long getSeed() {
        return seed;
    }

    /**
     * Returns the cap on distinct values whose counts a non-numeric column keeps exactly
     * ({@link CategoryCounts}); beyond it the column keeps the counts of a hash partition.
     */
    public int getMaxCategories() {
        return maxCategories;
    }

    /** Returns the cap on occupied cells of a numeric column's {@link ValueHistogram}. */
    public int getMaxBins() {
        return maxBins;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ProfileOptions
                && ((ProfileOptions) o).topK == topK
                && ((ProfileOptions) o).sampleSize == sampleSize
                && ((ProfileOptions) o).sketchK == sketchK
                && ((ProfileOptions) o).maxValueLength == maxValueLength
                && ((ProfileOptions) o).seed == seed
                && ((ProfileOptions) o).maxCategories == maxCategories
                && ((ProfileOptions) o).maxBins == maxBins;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topK, sampleSize, sketchK, maxValueLength, seed, maxCategories, maxBins);
    }

    @Override
    public String toString() {
        return "ProfileOptions{topK=" + topK + ", sampleSize=" + sampleSize + ", sketchK=" + sketchK
                + ", maxValueLength=" + maxValueLength + ", seed=" + seed + ", maxCategories=" + maxCategories
                + ", maxBins=" + maxBins + "}";
    }

    /** Builds {@link ProfileOptions}. Each setting may be set once; not thread-safe. */
    public static final class Builder {
        /** The largest accepted {@link #topK}. */
        static final int MAX_TOP_K = 100_000;
        /** The largest accepted {@link #sampleSize}. */
        static final int MAX_SAMPLE_SIZE = 10_000_000;
        /** The largest accepted {@link #sketchK}. */
        static final int MAX_SKETCH_K = 65_536;
        /** The largest accepted {@link #maxValueLength}. */
        static final int MAX_VALUE_LENGTH = 1 << 20;

        private int topK = DEFAULT_TOP_K;
        private int sampleSize = DEFAULT_SAMPLE_SIZE;
        private int sketchK = DEFAULT_SKETCH_K;
        private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;
        private long seed = DEFAULT_SEED;
        private int maxCategories = DEFAULT_MAX_CATEGORIES;
        private int maxBins = DEFAULT_MAX_BINS;
        private int setMask;

        private Builder() {}

        /**
         * Sets the number of Misra–Gries counters per column: every value more frequent than {@code n/(topK+1)} is
         * reported.
         *
         * @param topK between 1 and 100,000; default {@value ProfileOptions#DEFAULT_TOP_K}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder topK(int topK) {
            once(1, "topK");
            this.topK = inRange("topK", topK, 1, MAX_TOP_K);
            return this;
        }

        /**
         * Sets the size of each column's reservoir sample of non-null values.
         *
         * @param sampleSize between 0 (no sample) and 10,000,000; default {@value ProfileOptions#DEFAULT_SAMPLE_SIZE}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder sampleSize(int sampleSize) {
            once(2, "sampleSize");
            this.sampleSize = inRange("sampleSize", sampleSize, 0, MAX_SAMPLE_SIZE);
            return this;
        }

        /**
         * Sets the KLL sketch size k; the normalized rank error is about {@code 2.3 / k^0.97} (99% confidence).
         *
         * @param sketchK between 8 and 65,536; default {@value ProfileOptions#DEFAULT_SKETCH_K}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder sketchK(int sketchK) {
            once(4, "sketchK");
            this.sketchK = inRange("sketchK", sketchK, KllSketch.MIN_WIDTH, MAX_SKETCH_K);
            return this;
        }

        /**
         * Sets the cap, in code points, on values kept as top-value keys and sample entries; longer values are cut
         * (never inside a surrogate pair), so that values sharing a long prefix share a top-value counter.
         *
         * @param maxValueLength between 1 and 1,048,576; default {@value ProfileOptions#DEFAULT_MAX_VALUE_LENGTH}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder maxValueLength(int maxValueLength) {
            once(8, "maxValueLength");
            this.maxValueLength = inRange("maxValueLength", maxValueLength, 1, MAX_VALUE_LENGTH);
            return this;
        }

        /**
         * Sets the seed of the reservoir samples and the sketches' coin flips.
         *
         * @param seed any value; default {@value ProfileOptions#DEFAULT_SEED}
         * @return this builder
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder seed(long seed) {
            once(16, "seed");
            this.seed = seed;
            return this;
        }

        /**
         * Sets the cap on distinct values a non-numeric column counts exactly; a column with more keeps the counts of a
         * fixed hash partition of its values instead ({@link CategoryCounts}), which drift tests still test exactly.
         *
         * @param maxCategories between 1 and 100,000; default {@value ProfileOptions#DEFAULT_MAX_CATEGORIES}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder maxCategories(int maxCategories) {
            once(32, "maxCategories");
            this.maxCategories = inRange("maxCategories", maxCategories, 1, MAX_TOP_K);
            return this;
        }

        /**
         * Sets the cap on occupied cells of a numeric column's histogram: with more distinct values the cells widen
         * (see {@link ValueHistogram}), which bounds how far a drift test's Kolmogorov–Smirnov distance can be below
         * the distance on the raw values by the largest share of values in one cell.
         *
         * @param maxBins between 16 and 1,048,576; default {@value ProfileOptions#DEFAULT_MAX_BINS}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException if already set on this builder
         */
        @CanIgnoreReturnValue
        public Builder maxBins(int maxBins) {
            once(64, "maxBins");
            this.maxBins = inRange("maxBins", maxBins, 16, 1 << 20);
            return this;
        }

        /** Returns the options. */
        public ProfileOptions build() {
            return new ProfileOptions(this);
        }

        private void once(int bit, String name) {
            if ((setMask & bit) != 0) {
                throw new IllegalStateException(name + " was already set on this builder");
            }
            setMask |= bit;
        }

        private static int inRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }
    }
}
