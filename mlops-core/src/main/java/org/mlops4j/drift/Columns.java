package org.mlops4j.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.mlops4j.data.profile.ColumnProfile;
import org.mlops4j.data.profile.NumericSummary;
import org.mlops4j.data.profile.TableProfile;
import org.mlops4j.data.profile.ValueCount;
import org.mlops4j.data.profile.ValueHistogram;

/**
 * Makes drift columns from plain data.
 *
 * <p>Stateless and thread-safe; the columns it returns are immutable. Example:
 *
 * <pre>{@code
 * List<Column> reference = List.of(Columns.numeric("age", ages), Columns.categorical("plan", plans));
 * }</pre>
 */
public final class Columns {
    private Columns() {}

    /**
     * Returns a numeric column of values (or a uniform sample of them).
     *
     * @param name the column's name
     * @param values the values (copied), at least one, none NaN
     * @return the column
     * @throws IllegalArgumentException if there are no values or one is NaN
     */
    public static NumericColumn numeric(String name, double[] values) {
        Objects.requireNonNull(name, "name");
        double[] copy = values.clone();
        if (copy.length == 0) {
            throw new IllegalArgumentException("numeric column '" + name + "' needs at least one value, got none");
        }
        for (int i = 0; i < copy.length; i++) {
            if (Double.isNaN(copy[i])) {
                throw new IllegalArgumentException("numeric column '" + name + "' has NaN at row " + i
                        + ": drop or impute missing values before testing drift");
            }
        }
        return new NumericColumn() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double[] values() {
                return copy;
            }

            @Override
            public String toString() {
                return "numeric column " + name + " (" + copy.length + " values)";
            }
        };
    }

    /**
     * Returns a categorical column from one category per row.
     *
     * @param name the column's name
     * @param values the rows' categories, none null
     * @return the column
     * @throws IllegalArgumentException if there are no values
     * @throws NullPointerException if a value is null
     */
    public static CategoricalColumn categorical(String name, String[] values) {
        Map<String, Long> counts = new TreeMap<>();
        Arrays.stream(values).forEach(v -> counts.merge(Objects.requireNonNull(v, "category"), 1L, Long::sum));
        return categorical(name, counts);
    }

    /**
     * Returns a categorical column from category counts.
     *
     * @param name the column's name
     * @param counts the count of each category (copied), none negative, at least one positive
     * @return the column
     * @throws IllegalArgumentException if a count is negative or all are zero
     */
    public static CategoricalColumn categorical(String name, Map<String, Long> counts) {
        Objects.requireNonNull(name, "name");
        Map<String, Long> copy = new TreeMap<>(counts);
        long total = 0;
        for (Map.Entry<String, Long> e : copy.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("categorical column '" + name + "' has a negative count "
                        + e.getValue() + " for '" + e.getKey() + "'");
            }
            total += e.getValue();
        }
        if (total == 0) {
            throw new IllegalArgumentException("categorical column '" + name + "' needs at least one row, got none");
        }
        Map<String, Long> view = java.util.Collections.unmodifiableMap(copy);
        long rows = total;
        return new CategoricalColumn() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Long> counts() {
                return view;
            }

            @Override
            public String toString() {
                return "categorical column " + name + " (" + view.size() + " categories, " + rows + " rows)";
            }
        };
    }

    /**
     * Returns the columns of a dataset profile, one per profiled column in header order, as drift tests read them:
     * numbers by their histogram and categories by their exact or hash-bucket counts, over all rows, for profiles of
     * format {@code csv-profile/2}; for the older {@code csv-profile/1}, the reservoir sample and the top values (the
     * reports then say the summaries are approximate). A column without values stays a column, so that a report can
     * say it became all-null.
     *
     * @param profile the profile
     * @return the columns
     */
    public static List<Column> fromProfile(TableProfile profile) {
        return fromProfile(profile, "");
    }

    /**
     * Returns the columns of a dataset profile with each name prefixed, for datasets of several files
     * ({@code "orders.csv:"} + column).
     *
     * @param profile the profile
     * @param prefix the prefix of every column name, possibly empty
     * @return the columns
     */
    public static List<Column> fromProfile(TableProfile profile, String prefix) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(prefix, "prefix");
        List<Column> columns = new ArrayList<>();
        for (ColumnProfile c : profile.getColumns()) {
            String name = prefix + c.getName();
            String type = c.getType().toString();
            if (c.getCount() == 0) {
                columns.add(new ProfiledColumn.Empty(name, type));
            } else if (c.getHistogram().isPresent()) {
                columns.add(new ProfiledColumn.Histogram(
                        name, type, c.getHistogram().get()));
            } else if (c.getCategoryCounts().isPresent()) {
                columns.add(new ProfiledColumn.Categories(
                        name, type, c.getCategoryCounts().get()));
            } else if (c.getType().isNumeric()) {
                NumericSummary s = c.getNumeric().orElseThrow();
                double[] deciles = new double[9];
                for (int d = 1; d <= 9; d++) {
                    deciles[d - 1] = s.getPercentile(10 * d);
                }
                columns.add(new ProfiledColumn.Sample(name, type, c.getCount(), c.getNumericSample(), deciles));
            } else {
                Map<String, Long> counts = new HashMap<>();
                for (ValueCount v : c.getTopValues()) {
                    counts.put(v.value(), v.count());
                }
                if (c.getOtherCount() > 0) {
                    counts.merge(ProfiledColumn.TopValues.OTHER, c.getOtherCount(), Long::sum);
                }
                columns.add(new ProfiledColumn.TopValues(name, type, c.getCount(), counts, c.isTopValuesExact()));
            }
        }
        return columns;
    }

    /** Counts values into the cells of a histogram at a shift, as a profile would with that shift. */
    static ValueHistogram histogram(double[] values, int shift) {
        long[] keys = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            keys[i] = ValueHistogram.cellKey(values[i], shift);
        }
        Arrays.sort(keys);
        int distinct = 0;
        long[] counts = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            if (distinct > 0 && keys[distinct - 1] == keys[i]) {
                counts[distinct - 1]++;
            } else {
                keys[distinct] = keys[i];
                counts[distinct++] = 1;
            }
        }
        return ValueHistogram.of(shift, Arrays.copyOf(keys, distinct), Arrays.copyOf(counts, distinct));
    }
}
