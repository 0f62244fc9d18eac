package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The numeric part of the profile of an {@link ColumnType#INTEGER} or {@link ColumnType#DECIMAL} column with at
 * least one value: exact min and max, the mean, and the 101 percentiles 0, 1, …, 100 from a KLL sketch. Values are
 * IEEE doubles, so integers beyond ±2<sup>53</sup> are rounded. Immutable and thread-safe.
 *
 * <p>Percentile p is the smallest value whose rank (the number of values at or below it) reaches {@code p/100 * n},
 * so percentile 0 is the minimum and 100 the maximum (both exact). The other percentiles are within
 * {@link #getRankError()} of their nominal rank: the true rank interval of the value returned for p intersects
 * {@code [(p/100 - e) n, (p/100 + e) n]}. PSI bins come from the deciles ({@code getPercentile(10)}, …).
 */
public final class NumericSummary {
    /** The number of percentiles a summary carries: 0 to 100. */
    public static final int PERCENTILE_COUNT = 101;

    private static final Set<String> KEYS = Set.of("min", "max", "mean", "percentiles", "percentilesExact");

    private final double min;
    private final double max;
    private final double mean;
    private final List<Double> percentiles;
    private final boolean percentilesExact;
    private final double rankError;

    NumericSummary(double min, double max, double mean, List<Double> percentiles, boolean exact, int sketchK) {
        if (percentiles.size() != PERCENTILE_COUNT) {
            throw new IllegalArgumentException(
                    "a summary has " + PERCENTILE_COUNT + " percentiles, got " + percentiles.size());
        }
        this.min = min;
        this.max = max;
        this.mean = mean;
        this.percentiles = List.copyOf(percentiles);
        this.percentilesExact = exact;
        this.rankError = exact ? 0.0 : KllSketch.rankErrorBound(sketchK);
    }

    /** Returns the smallest value. */
    public double getMin() {
        return min;
    }

    /** Returns the largest value. */
    public double getMax() {
        return max;
    }

    /** Returns the arithmetic mean, from a compensated (Neumaier) sum. */
    public double getMean() {
        return mean;
    }

    /** Returns the 101 percentiles 0, 1, …, 100, ascending. */
    public List<Double> getPercentiles() {
        return percentiles;
    }

    /**
     * Returns one percentile.
     *
     * @param percent from 0 (the minimum) to 100 (the maximum)
     * @return the value at that percentile
     * @throws IllegalArgumentException if {@code percent} is outside [0, 100]
     */
    public double getPercentile(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be between 0 and 100, got " + percent);
        }
        return percentiles.get(percent);
    }

    /** Returns true when the percentiles are exact (the sketch never had to compact: few values). */
    public boolean isPercentilesExact() {
        return percentilesExact;
    }

    /**
     * Returns the normalized rank error bound of the percentiles: 0 when exact, else {@code 2.296 / k^0.9723} for
     * sketch size k, which holds for each percentile with 99% confidence.
     */
    public double getRankError() {
        return rankError;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("min", Decimals.format(min));
        m.put("max", Decimals.format(max));
        m.put("mean", Decimals.format(mean));
        List<String> ps = new ArrayList<>(percentiles.size());
        for (double p : percentiles) {
            ps.add(Decimals.format(p));
        }
        m.put("percentiles", Collections.unmodifiableList(ps));
        m.put("percentilesExact", percentilesExact);
        return Collections.unmodifiableMap(m);
    }

    static NumericSummary fromMap(Object value, String path, int sketchK) {
        MapReader r = MapReader.of(value, path, KEYS);
        List<?> raw = r.list("percentiles");
        if (raw.size() != PERCENTILE_COUNT) {
            throw MapReader.fail(r.path("percentiles"), "expected " + PERCENTILE_COUNT + " entries, got " + raw.size());
        }
        List<Double> ps = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            ps.add(MapReader.decimal(raw.get(i), r.path("percentiles") + "[" + i + "]"));
        }
        return new NumericSummary(
                r.decimal("min"), r.decimal("max"), r.decimal("mean"), ps, r.bool("percentilesExact"), sketchK);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof NumericSummary)) {
            return false;
        }
        NumericSummary s = (NumericSummary) o;
        return Double.compare(min, s.min) == 0
                && Double.compare(max, s.max) == 0
                && Double.compare(mean, s.mean) == 0
                && percentiles.equals(s.percentiles)
                && percentilesExact == s.percentilesExact
                && Double.compare(rankError, s.rankError) == 0;
    }

    @Override
    public int hashCode() {
        return percentiles.hashCode() * 31 + Double.hashCode(mean);
    }

    @Override
    public String toString() {
        return "NumericSummary{min=" + Decimals.format(min) + ", max=" + Decimals.format(max) + ", mean="
                + Decimals.format(mean) + ", median=" + Decimals.format(percentiles.get(50)) + ", rankError="
                + rankError + "}";
    }
}
