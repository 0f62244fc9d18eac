package org.mlops4j.internal;

import java.util.Locale;

/** Values quoted for messages: short, printable, never the whole of a hostile input. */
public final class Quoting {
    private static final int MAX_CODE_POINTS = 60;

    private Quoting() {}

    /**
     * Shortens a value for a message: at most 60 code points, control characters and quotes escaped.
     *
     * @param value the value
     * @return the printable, abbreviated form in double quotes
     */
    public static String abbreviate(String value) {
        StringBuilder sb = new StringBuilder("\"");
        int[] count = {0};
        value.codePoints().forEach(cp -> {
            if (count[0]++ >= MAX_CODE_POINTS) {
                return;
            }
            if (cp < 0x20 || cp == 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", cp));
            } else if (cp == '"' || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else {
                sb.appendCodePoint(cp);
            }
        });
        if (count[0] > MAX_CODE_POINTS) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
