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

    /**
     * Advance widths in em of DejaVu Sans Book, the widest of the usual UI sans fonts (measured in Chromium's SVG text,
     * which falls back to it for {@code system-ui} on Linux): {@code a–z}, {@code 0–9}, {@code A–Z}, then
     * {@code - @ . : _ space}. Every other character counts as 1 em, which no Latin glyph of these fonts exceeds.
     */
    private static final String MEASURED = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-@.:_ ";

    private static final double[] ADVANCE = {
        .613, .635, .550, .635, .615, .345, .635, .634, .278, .278, .579, .278, .974, .634, .612, .635, .635, .394,
        .521, .392, .634, .592, .818, .592, .592, .525, .636, .636, .636, .636, .636, .636, .636, .636, .636, .636,
        .711, .686, .698, .770, .632, .575, .775, .752, .295, .295, .656, .557, .863, .748, .787, .603, .787, .695,
        .635, .594, .732, .684, .989, .685, .611, .685, .361, 1.0, .318, .337, .500, .318
    };

    /**
     * Returns an upper bound of the width of a text in a sans font, from {@link #ADVANCE} plus 5% for hinting and
     * other fonts' differences; used to reserve space so that labels cannot overlap.
     */
    static double textWidth(String text, double fontSize) {
        double em = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int at = cp < 0x80 ? MEASURED.indexOf(cp) : -1;
            em += at >= 0 ? ADVANCE[at] : 1.0;
            i += Character.charCount(cp);
        }
        return em * fontSize * 1.05;
    }

    /** Shortens a text with an ellipsis so that its {@link #textWidth} fits, keeping whole code points. */
    static String fit(String text, double fontSize, double width) {
        if (textWidth(text, fontSize) <= width) {
            return text;
        }
        int end = text.length();
        while (end > 0 && textWidth(text.substring(0, end) + "…", fontSize) > width) {
            end = text.offsetByCodePoints(end, -1);
        }
        return text.substring(0, end) + "…";
    }

    /** Formats a coordinate with two decimals. */
    static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
