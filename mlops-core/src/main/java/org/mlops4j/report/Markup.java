package org.mlops4j.report;

import java.util.Locale;

/** Escaping and number formatting shared by the Markdown and HTML writers. */
final class Markup {
    private Markup() {}

    /**
     * Escapes text for XML content and attribute values (both quotes), and replaces characters that XML 1.0 cannot
     * carry (most control characters, lone surrogates, U+FFFE and U+FFFF) with U+FFFD, so any name gives a
     * well-formed page.
     */
    static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)
                            || c == 0xFFFE
                            || c == 0xFFFF
                            || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Escapes text for a Markdown table cell or list item: no HTML, no emphasis or links, no line breaks. */
    static String markdown(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '|', '\\', '*', '_', '[', ']', '`', '#', '~', '!' ->
                    out.append('\\').appendCodePoint(cp);
                case '\n', '\r', '\t' -> out.append(' ');
                default -> {
                    if (cp < 0x20) {
                        out.append(' ');
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.toString();
    }

    /** Formats a metric value with 4 significant digits, trailing zeros dropped. */
    static String number(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        String s = String.format(Locale.ROOT, "%.4g", value);
        if (s.contains("e")) {
            return s;
        }
        return s.contains(".") ? s.replaceFirst("0+$", "").replaceFirst("\\.$", "") : s;
    }

    /** Formats a coordinate with two decimals. */
    static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
