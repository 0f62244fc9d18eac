package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The schema and profile of a table: its row count, the {@link ProfileOptions} it was computed with, and one
 * {@link ColumnProfile} per column in header order. Immutable and thread-safe; a final class so that later versions
 * can add accessors.
 *
 * <pre>{@code
 * TableProfile profile = CsvProfiler.ofDefaults().profile(Path.of("churn.csv"));
 * double p90 = profile.findColumn("tenure").flatMap(ColumnProfile::getNumeric).orElseThrow().getPercentile(90);
 * Map<String, Object> plain = profile.toMap();   // for the canonical JSON writer
 * }</pre>
 *
 * <p>{@link #toMap()} gives a plain form for canonical JSON with no floating point: its values are only
 * {@code String}, {@code Long}, {@code Boolean}, {@code List} and {@code Map} (with {@code String} keys), numbers are
 * strings in the canonical decimal form described in {@link #toMap()}, and {@link #fromMap(Map)} reads it back
 * strictly.
 */
public final class TableProfile {
    /**
     * The value of the {@code "format"} field of the plain form written by this version: {@code csv-profile/2} adds
     * each column's exact summaries for drift tests ({@link ColumnProfile#getHistogram()},
     * {@link ColumnProfile#getCategoryCounts()}) and the options that bound them.
     */
    public static final String FORMAT = "csv-profile/2";

    /** The first format, still read: its drift summaries are a reservoir sample and Misra–Gries top values. */
    public static final String FORMAT_1 = "csv-profile/1";

    private static final Set<String> KEYS = Set.of("format", "rowCount", "options", "columns");
    private static final Set<String> OPTION_KEYS_1 = Set.of("topK", "sampleSize", "sketchK", "maxValueLength", "seed");
    private static final Set<String> OPTION_KEYS_2 =
            Set.of("topK", "sampleSize", "sketchK", "maxValueLength", "seed", "maxCategories", "maxBins");

    private final int version;
    private final long rowCount;
    private final ProfileOptions options;
    private final List<ColumnProfile> columns;

    TableProfile(long rowCount, ProfileOptions options, List<ColumnProfile> columns) {
        this(2, rowCount, options, columns);
    }

    private TableProfile(int version, long rowCount, ProfileOptions options, List<ColumnProfile> columns) {
        this.version = version;
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must not be negative, got " + rowCount);
        }
        this.rowCount = rowCount;
        this.options = Objects.requireNonNull(options, "options");
        this.columns = List.copyOf(columns);
        for (ColumnProfile c : this.columns) {
            if (c.getCount() + c.getNullCount() != rowCount) {
                throw new IllegalArgumentException("column '" + c.getName() + "' has " + c.getCount() + " values and "
                        + c.getNullCount() + " nulls, but the table has " + rowCount + " rows");
            }
        }
    }

    /**
     * Returns the format the profile was written in: {@link #FORMAT} for profiles computed by this version,
     * {@link #FORMAT_1} for older ones read back, whose drift summaries are approximate (a sample and top values).
     */
    public String getFormat() {
        return version == 1 ? FORMAT_1 : FORMAT;
    }

    /** Returns the number of data rows (the header row and blank lines are not counted). */
    public long getRowCount() {
        return rowCount;
    }

    /** Returns the options the profile was computed with. */
    public ProfileOptions getOptions() {
        return options;
    }

    /** Returns the columns, in header order. */
    public List<ColumnProfile> getColumns() {
        return columns;
    }

    /** Returns the column names, in header order: the schema's names. */
    public List<String> getColumnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (ColumnProfile c : columns) {
            names.add(c.getName());
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Finds a column by name.
     *
     * @param name the column name from the header
     * @return the column, or empty if there is none of that name
     */
    public Optional<ColumnProfile> findColumn(String name) {
        Objects.requireNonNull(name, "name");
        for (ColumnProfile c : columns) {
            if (c.getName().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the plain form for canonical JSON. Only {@code String}, {@code Long}, {@code Boolean}, {@code List} and
     * {@code Map<String, Object>} values occur; the maps and lists are unmodifiable. Numbers that are not counts are
     * strings: the shortest decimal digits that read back as the same {@code double} (the nearest one if several),
     * written as ECMAScript's {@code Number.prototype.toString} does — plain notation for 10<sup>-7</sup> &le;
     * |x| &lt; 10<sup>21</sup> ({@code "42"}, {@code "-0.5"}), else {@code "1.5e-7"} and {@code "1e+21"} — except
     * that negative zero is {@code "-0"}. The form does not depend on the JVM version.
     *
     * <pre>{@code
     * {"columns": [{"count": 3, "distinct": 3, "distinctExact": true,
     *               "histogram": {"counts": [1, 1, 1], "keys": [4626041242239631360, …], "shift": 0},
     *               "name": "age", "nullCount": 1,
     *               "numeric": {"max": "71", "mean": "45.5", "min": "23", "percentiles": ["23", …, "71"],
     *                           "percentilesExact": true},
     *               "otherCount": 0, "sample": ["23", "42", "71"], "topValues": [{"count": 1, "value": "23"}, …],
     *               "topValuesExact": true, "type": "integer"},
     *              {"categories": {"values": [{"count": 2, "value": "pro"}, …]}, "count": 4, "name": "plan", …}],
     *  "format": "csv-profile/2",
     *  "options": {"maxBins": 2048, "maxCategories": 1000, "maxValueLength": 256, "sampleSize": 1000, "seed": 0,
     *              "sketchK": 200, "topK": 20},
     *  "rowCount": 4}
     * }</pre>
     *
     * @return the plain form
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("format", getFormat());
        m.put("rowCount", rowCount);
        Map<String, Object> o = new TreeMap<>();
        o.put("topK", (long) options.getTopK());
        o.put("sampleSize", (long) options.getSampleSize());
        o.put("sketchK", (long) options.getSketchK());
        o.put("maxValueLength", (long) options.getMaxValueLength());
        o.put("seed", options.getSeed());
        if (version >= 2) {
            o.put("maxCategories", (long) options.getMaxCategories());
            o.put("maxBins", (long) options.getMaxBins());
        }
        m.put("options", Collections.unmodifiableMap(o));
        List<Object> cs = new ArrayList<>(columns.size());
        for (ColumnProfile c : columns) {
            cs.add(c.toMap());
        }
        m.put("columns", Collections.unmodifiableList(cs));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Reads the plain form written by {@link #toMap()}, strictly: every field present with its exact type, no
     * unknown field, numbers in canonical form, counts that add up.
     *
     * @param map the plain form
     * @return the profile, equal to the one that wrote the map
     * @throws org.mlops4j.common.IntegrityException if the map breaks the format; the message names the field
     */
    public static TableProfile fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        MapReader r = MapReader.of(map, "profile", KEYS);
        String format = r.string("format");
        int version;
        if (FORMAT.equals(format)) {
            version = 2;
        } else if (FORMAT_1.equals(format)) {
            version = 1;
        } else {
            throw MapReader.fail(
                    r.path("format"),
                    "this version reads '" + FORMAT_1 + "' and '" + FORMAT + "', got '" + Decimals.abbreviate(format)
                            + "'; a newer MLOps4J may have written it");
        }
        MapReader o = MapReader.of(r.raw("options"), r.path("options"), version == 1 ? OPTION_KEYS_1 : OPTION_KEYS_2);
        ProfileOptions options;
        try {
            ProfileOptions.Builder b = ProfileOptions.custom()
                    .topK(o.intValue("topK", 1, Integer.MAX_VALUE))
                    .sampleSize(o.intValue("sampleSize", 0, Integer.MAX_VALUE))
                    .sketchK(o.intValue("sketchK", 1, Integer.MAX_VALUE))
                    .maxValueLength(o.intValue("maxValueLength", 1, Integer.MAX_VALUE))
                    .seed(o.longValue("seed", Long.MIN_VALUE));
            if (version >= 2) {
                b.maxCategories(o.intValue("maxCategories", 1, Integer.MAX_VALUE))
                        .maxBins(o.intValue("maxBins", 1, Integer.MAX_VALUE));
            }
            options = b.build();
        } catch (IllegalArgumentException e) {
            throw MapReader.fail(r.path("options"), e.getMessage());
        }
        List<?> rawColumns = r.list("columns");
        List<ColumnProfile> columns = new ArrayList<>(rawColumns.size());
        for (int i = 0; i < rawColumns.size(); i++) {
            columns.add(ColumnProfile.fromMap(
                    rawColumns.get(i), r.path("columns") + "[" + i + "]", options.getSketchK(), version));
        }
        try {
            return new TableProfile(version, r.longValue("rowCount", 0), options, columns);
        } catch (IllegalArgumentException e) {
            throw MapReader.fail("profile", e.getMessage());
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TableProfile
                && ((TableProfile) o).version == version
                && ((TableProfile) o).rowCount == rowCount
                && ((TableProfile) o).options.equals(options)
                && ((TableProfile) o).columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rowCount, options, columns);
    }

    /** Returns a readable multi-line summary: the row count and one line per column. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TableProfile{").append(rowCount).append(" rows, ");
        sb.append(columns.size()).append(" columns");
        for (ColumnProfile c : columns) {
            sb.append("\n  ").append(c);
        }
        return sb.append('}').toString();
    }
}
