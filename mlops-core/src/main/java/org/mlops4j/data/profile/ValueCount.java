package org.mlops4j.data.profile;

import java.util.Objects;

/**
 * A value and how often it occurred (a lower bound when the column's top values are not exact: see
 * {@link ColumnProfile#getTopValues()}).
 *
 * @param value the field text, cut to {@link ProfileOptions#getMaxValueLength()} code points
 * @param count the count, at least 1
 */
public record ValueCount(String value, long count) {
    /**
     * Validates the count.
     *
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public ValueCount {
        Objects.requireNonNull(value, "value");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
    }
}
