package org.mlops4j.data;

import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Names;

/**
 * Names one dataset version: {@code churn-raw@3}.
 *
 * @param name the dataset's name: letters, digits, {@code .}, {@code _} and {@code -}, at most 128 characters, not
 *     starting with {@code .}
 * @param version the version number, at least 1
 */
public record DatasetRef(String name, long version) {
    /**
     * Validates the reference.
     *
     * @throws IllegalArgumentException if the name or version is invalid
     */
    public DatasetRef {
        requireValidName(name);
        if (version < 1) {
            throw new IllegalArgumentException("dataset versions start at 1, got " + version + " for '"
                    + org.mlops4j.internal.Redaction.abbreviate(name) + "'");
        }
    }

    /**
     * Parses {@code name@version}.
     *
     * @param text the written form
     * @return the reference
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static DatasetRef parse(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("a dataset reference is written name@version, got '"
                    + org.mlops4j.internal.Redaction.abbreviate(text) + "'");
        }
        try {
            return new DatasetRef(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "a dataset reference is written name@version, got '"
                            + org.mlops4j.internal.Redaction.abbreviate(text) + "'",
                    e);
        }
    }

    /**
     * Checks a dataset name.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException naming the rule the name breaks
     */
    @com.google.errorprone.annotations.CanIgnoreReturnValue
    public static String requireValidName(String name) {
        return Names.requireValid("dataset", name);
    }

    // Written out, not generated: see StoreKey#equals.
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof DatasetRef other && version == other.version && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
