package org.mlops4j.registry;

import org.mlops4j.internal.Names;

/**
 * Names one model version: {@code churn-classifier@7}.
 *
 * @param name the registered model's name: letters, digits, {@code .}, {@code _} and {@code -}, at most 128
 *     characters, not starting with {@code .}
 * @param version the version number, at least 1
 */
public record ModelRef(String name, long version) {
    /**
     * Validates the reference.
     *
     * @throws IllegalArgumentException if the name or version is invalid
     */
    public ModelRef {
        requireValidName(name);
        if (version < 1) {
            throw new IllegalArgumentException("model versions start at 1, got " + version + " for '"
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
    public static ModelRef parse(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("a model reference is written name@version, got '"
                    + org.mlops4j.internal.Redaction.abbreviate(text) + "'");
        }
        try {
            return new ModelRef(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "a model reference is written name@version, got '" + org.mlops4j.internal.Redaction.abbreviate(text)
                            + "'",
                    e);
        }
    }

    /**
     * Checks a registered model's name.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException naming the rule the name breaks
     */
    @com.google.errorprone.annotations.CanIgnoreReturnValue
    public static String requireValidName(String name) {
        return Names.requireValid("model", name);
    }

    @Override
    public String toString() {
        return name + "@" + version;
    }
}
