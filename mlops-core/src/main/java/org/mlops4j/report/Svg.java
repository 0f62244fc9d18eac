package org.mlops4j.report;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.List;

/**
 * Writes the SVG elements the report's charts use, escaping every text and attribute value. Coordinates have two
 * decimals. Not thread-safe; one per page being written.
 */
final class Svg {
    private final StringBuilder out;

    Svg(StringBuilder out) {
        this.out = out;
    }

    /** Opens an {@code svg} element of the given size; {@code label} is its accessible name and tooltip. */
    @CanIgnoreReturnValue
    Svg open(String cssClass, double width, double height, String label, String... attributes) {
        out.append("<svg class=\"")
                .append(Markup.xml(cssClass))
                .append('"')
                .append(attributes(attributes))
                .append(" width=\"")
                .append(Markup.coordinate(width))
                .append("\" height=\"")
                .append(Markup.coordinate(height))
                .append("\" viewBox=\"0 0 ")
                .append(Markup.coordinate(width))
                .append(' ')
                .append(Markup.coordinate(height))
                .append("\" role=\"img\" aria-label=\"")
                .append(Markup.xml(label))
                .append("\"><title>")
                .append(Markup.xml(label))
                .append("</title>");
        return this;
    }

    void close() {
        out.append("</svg>\n");
    }

    @CanIgnoreReturnValue
    Svg line(String cssClass, double x1, double y1, double x2, double y2) {
        out.append("<line class=\"")
                .append(Markup.xml(cssClass))
                .append("\" x1=\"")
                .append(Markup.coordinate(x1))
                .append("\" y1=\"")
                .append(Markup.coordinate(y1))
                .append("\" x2=\"")
                .append(Markup.coordinate(x2))
                .append("\" y2=\"")
                .append(Markup.coordinate(y2))
                .append("\"/>");
        return this;
    }

    /** A text; {@code anchor} is {@code start}, {@code middle} or {@code end}. */
    @CanIgnoreReturnValue
    Svg text(String cssClass, double x, double y, String anchor, String text) {
        out.append("<text class=\"")
                .append(Markup.xml(cssClass))
                .append("\" x=\"")
                .append(Markup.coordinate(x))
                .append("\" y=\"")
                .append(Markup.coordinate(y))
                .append("\" text-anchor=\"")
                .append(anchor)
                .append("\">")
                .append(Markup.xml(text))
                .append("</text>");
        return this;
    }

    /** A text turned a quarter left around its anchor point, for a vertical axis' title. */
    @CanIgnoreReturnValue
    Svg verticalText(String cssClass, double x, double y, String text) {
        out.append("<text class=\"")
                .append(Markup.xml(cssClass))
                .append("\" x=\"")
                .append(Markup.coordinate(x))
                .append("\" y=\"")
                .append(Markup.coordinate(y))
                .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ")
                .append(Markup.coordinate(x))
                .append(' ')
                .append(Markup.coordinate(y))
                .append(")\">")
                .append(Markup.xml(text))
                .append("</text>");
        return this;
    }

    /** A rectangle; {@code attributes} are name–value pairs (values escaped). */
    @CanIgnoreReturnValue
    Svg rect(String cssClass, double x, double y, double width, double height, String... attributes) {
        out.append("<rect class=\"")
                .append(Markup.xml(cssClass))
                .append('"')
                .append(attributes(attributes))
                .append(" x=\"")
                .append(Markup.coordinate(x))
                .append("\" y=\"")
                .append(Markup.coordinate(y))
                .append("\" width=\"")
                .append(Markup.coordinate(width))
                .append("\" height=\"")
                .append(Markup.coordinate(height))
                .append("\"/>");
        return this;
    }

    @CanIgnoreReturnValue
    Svg circle(String cssClass, double x, double y, double r, String tooltip) {
        out.append("<circle class=\"")
                .append(Markup.xml(cssClass))
                .append("\" cx=\"")
                .append(Markup.coordinate(x))
                .append("\" cy=\"")
                .append(Markup.coordinate(y))
                .append("\" r=\"")
                .append(Markup.coordinate(r))
                .append("\"><title>")
                .append(Markup.xml(tooltip))
                .append("</title></circle>");
        return this;
    }

    /** A polyline through points given as {@code {x, y}} pairs. */
    @CanIgnoreReturnValue
    Svg polyline(String cssClass, List<double[]> points) {
        out.append("<polyline class=\"").append(Markup.xml(cssClass)).append("\" points=\"");
        for (int i = 0; i < points.size(); i++) {
            out.append(i == 0 ? "" : " ")
                    .append(Markup.coordinate(points.get(i)[0]))
                    .append(',')
                    .append(Markup.coordinate(points.get(i)[1]));
        }
        out.append("\"/>");
        return this;
    }

    private static String attributes(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name-value pairs, got " + pairs.length);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            s.append(' ')
                    .append(pairs[i])
                    .append("=\"")
                    .append(Markup.xml(pairs[i + 1]))
                    .append('"');
        }
        return s.toString();
    }
}
