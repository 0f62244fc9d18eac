package org.mlops4j.data.profile;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The inferred type of a CSV column. A string-backed value rather than an {@code enum}, because later formats may
 * add types (dates, timestamps): a profile read from a newer lake keeps the unknown name. Immutable, thread-safe.
 *
 * <p>The inference rule, applied to a column's non-null values (an empty field is null):
 *
 * <ul>
 *   <li>{@link #INTEGER} if every value is an optional sign and ASCII digits ({@code [+-]?[0-9]+}) within the range
 *       of a {@code long};
 *   <li>otherwise {@link #DECIMAL} if every value is a plain decimal number {@code [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)
 *       ([eE][+-]?[0-9]+)?} whose {@code double} value is finite (no {@code NaN}, {@code Infinity}, hex or
 *       surrounding spaces);
 *   <li>otherwise {@link #BOOLEAN} if every value is {@code true} or {@code false}, ignoring ASCII case;
 *   <li>otherwise {@link #STRING}, which is also the type of a column with no non-null value.
 * </ul>
 */
public final class ColumnType {
    /** Whole numbers within the range of a {@code long}. */
    public static final ColumnType INTEGER = new ColumnType("integer");
    /** Finite decimal numbers (integers mixed with decimals included). */
    public static final ColumnType DECIMAL = new ColumnType("decimal");
    /** {@code true} and {@code false}, in any ASCII case. */
    public static final ColumnType BOOLEAN = new ColumnType("boolean");
    /** Anything else. */
    public static final ColumnType STRING = new ColumnType("string");

    private final String name;

    private ColumnType(String name) {
        this.name = name;
    }

    /**
     * Returns the type with this name: one of the constants, or a new value for a name this version does not know.
     *
     * @param name a lower-case name such as {@code "integer"}
     * @return the type
     * @throws IllegalArgumentException if the name is empty or not lower-case ASCII letters
     */
    public static ColumnType fromString(String name) {
        Objects.requireNonNull(name, "name");
        switch (name) {
            case "integer":
                return INTEGER;
            case "decimal":
                return DECIMAL;
            case "boolean":
                return BOOLEAN;
            case "string":
                return STRING;
            default:
                if (name.isEmpty() || !name.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
                    throw new IllegalArgumentException(
                            "a column type is lower-case ASCII letters, got '" + Decimals.abbreviate(name) + "'");
                }
                return new ColumnType(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Returns true for {@link #INTEGER} and {@link #DECIMAL}, the types with a {@link NumericSummary}. */
    public boolean isNumeric() {
        return this.equals(INTEGER) || this.equals(DECIMAL);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ColumnType && ((ColumnType) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /** Returns the name, e.g. {@code "integer"}. */
    @Override
    public String toString() {
        return name;
    }
}
