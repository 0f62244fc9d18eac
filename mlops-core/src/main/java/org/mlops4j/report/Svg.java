package org.mlops4j.report;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.List;

/**
 * Writes the SVG elements the report's drawings use, escaping every text and attribute value. Coordinates have two
 * decimals. Not thread-safe; one per page being written.
 */
final class Svg {
    private final StringBuilder out;

    Svg(StringBuilder out) {
        this.out = out;
    }

    /**
     * Opens an {@code svg} element of the given size, with {@code label} as its accessible name and tooltip;
     * {@code attributes} are more name–value pairs (values escaped).
     */
    @CanIgnoreReturnValue
    Svg open(String cssClass, double width, double height, String label, String... attributes) {
        String w = Markup.coordinate(width);
        String h = Markup.coordinate(height);
        begin("svg", cssClass, attributes)
                .append(" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(h)
                .append("\" viewBox=\"0 0 ")
                .append(w)
                .append(' ')
                .append(h)
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
        begin("line", cssClass);
        coordinates("x1 y1 x2 y2", x1, y1, x2, y2);
        out.append("/>");
        return this;
    }

    /** A text; {@code anchor} is {@code start}, {@code middle} or {@code end}. */
    @CanIgnoreReturnValue
    Svg text(String cssClass, double x, double y, String anchor, String text) {
        begin("text", cssClass, "text-anchor", anchor);
        coordinates("x y", x, y);
        out.append('>').append(Markup.xml(text)).append("</text>");
        return this;
    }

    /** A text turned a quarter left around its anchor point, for a vertical axis' title. */
    @CanIgnoreReturnValue
    Svg verticalText(String cssClass, double x, double y, String text) {
        String turn = "rotate(-90 " + Markup.coordinate(x) + " " + Markup.coordinate(y) + ")";
        begin("text", cssClass, "text-anchor", "middle", "transform", turn);
        coordinates("x y", x, y);
        out.append('>').append(Markup.xml(text)).append("</text>");
        return this;
    }

    /** A rectangle; {@code attributes} are name–value pairs (values escaped). */
    @CanIgnoreReturnValue
    Svg rect(String cssClass, double x, double y, double width, double height, String... attributes) {
        begin("rect", cssClass, attributes);
        coordinates("x y width height", x, y, width, height);
        out.append("/>");
        return this;
    }

    @CanIgnoreReturnValue
    Svg circle(String cssClass, double x, double y, double r, String tooltip) {
        begin("circle", cssClass);
        coordinates("cx cy r", x, y, r);
        out.append("><title>").append(Markup.xml(tooltip)).append("</title></circle>");
        return this;
    }

    /** A polyline through points given as {@code {x, y}} pairs. */
    @CanIgnoreReturnValue
    Svg polyline(String cssClass, List<double[]> points) {
        begin("polyline", cssClass).append(" points=\"");
        for (int i = 0; i < points.size(); i++) {
            out.append(i == 0 ? "" : " ")
                    .append(Markup.coordinate(points.get(i)[0]))
                    .append(',')
                    .append(Markup.coordinate(points.get(i)[1]));
        }
        out.append("\"/>");
        return this;
    }

    /** Starts an element with its class and name–value attribute pairs, leaving the tag open. */
    @CanIgnoreReturnValue
    private StringBuilder begin(String tag, String cssClass, String... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name-value pairs, got " + attributes.length);
        }
        out.append('<')
                .append(tag)
                .append(" class=\"")
                .append(Markup.xml(cssClass))
                .append('"');
        for (int i = 0; i < attributes.length; i += 2) {
            out.append(' ')
                    .append(attributes[i])
                    .append("=\"")
                    .append(Markup.xml(attributes[i + 1]))
                    .append('"');
        }
        return out;
    }

    /** Appends coordinate attributes: their names, separated by spaces, and their values in the same order. */
    private void coordinates(String names, double... values) {
        String[] name = names.split(" ");
        for (int i = 0; i < values.length; i++) {
            out.append(' ')
                    .append(name[i])
                    .append("=\"")
                    .append(Markup.coordinate(values[i]))
                    .append('"');
        }
    }
}
