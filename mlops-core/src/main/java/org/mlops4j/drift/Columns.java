package org.mlops4j.drift;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
}
