package org.mlops4j.drift;

/**
 * A column of a dataset as drift tests see it: numbers ({@link NumericColumn}) or categories
 * ({@link CategoricalColumn}).
 *
 * <p>Implementations must be immutable (or at least not change while a test runs).
 */
public interface Column {
    /** Returns the column's name; reference and current columns are paired by name. */
    String name();
}
