package org.mlops4j.cli;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Readable forms of sizes and maps for the text output. */
final class Text {
    private Text() {}

    /** {@code 1.2 MB}: decimal units, as file managers show them. */
    static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code a=1, b=2}, or {@code -} when empty. */
    static String pairs(Map<String, ?> values) {
        return values.isEmpty()
                ? "-"
                : values.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "));
    }
}
