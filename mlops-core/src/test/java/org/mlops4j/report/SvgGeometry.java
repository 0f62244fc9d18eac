package org.mlops4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The geometry of a lineage SVG as a browser draws it, read back from the page: node boxes (their {@code rect}), edge
 * labels (their {@code text}, measured with DejaVu Sans' advance widths, which Chromium uses here) and edges (every
 * {@code line} and {@code path} of an edge group, curves sampled finely). {@link #overlaps()} lists every label that
 * overlaps another label or a box, and every edge that enters a box or a label.
 *
 * <p>Independent of the layout's own bookkeeping: it knows only the SVG and the style sheet's font sizes.
 */
final class SvgGeometry {
    /** The edge labels' font size in the report's style sheet. */
    static final double LABEL_FONT = 11;

    record Rect(String what, double x1, double y1, double x2, double y2) {
        boolean overlaps(Rect o) {
            return x1 < o.x2 && o.x1 < x2 && y1 < o.y2 && o.y1 < y2;
        }

        /** Strictly inside, half a pixel in from the border: an edge may touch a box's side where it attaches. */
        boolean holds(double x, double y) {
            return x > x1 + 0.5 && x < x2 - 0.5 && y > y1 + 0.5 && y < y2 - 0.5;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s [%.1f,%.1f – %.1f,%.1f]", what, x1, y1, x2, y2);
        }
    }

    record Edge(String what, List<double[]> points, List<Rect> labels) {}

    final List<Rect> boxes = new ArrayList<>();
    final List<Rect> labels = new ArrayList<>();
    final List<Edge> edges = new ArrayList<>();

    static SvgGeometry of(Document doc) {
        SvgGeometry g = new SvgGeometry();
        Element svg = StoryReportTest.withClass(doc, "svg", "lineage").get(0);
        for (Element node : StoryReportTest.withClass(doc, "g", "node")) {
            Element rect = (Element) node.getElementsByTagName("rect").item(0);
            double x = number(rect, "x");
            double y = number(rect, "y");
            g.boxes.add(new Rect(
                    node.getAttribute("data-node"), x, y, x + number(rect, "width"), y + number(rect, "height")));
        }
        NodeList groups = svg.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            if (!List.of(group.getAttribute("class").split(" ")).contains("edge")) {
                continue;
            }
            String what = group.getAttribute("data-from") + " -" + group.getAttribute("data-role") + "-> "
                    + group.getAttribute("data-to");
            List<double[]> points = new ArrayList<>();
            NodeList lines = group.getElementsByTagName("line");
            for (int k = 0; k < lines.getLength(); k++) {
                Element line = (Element) lines.item(k);
                sample(points, new double[] {number(line, "x1"), number(line, "y1")}, new double[] {
                    number(line, "x2"), number(line, "y2")
                });
            }
            NodeList paths = group.getElementsByTagName("path");
            for (int k = 0; k < paths.getLength(); k++) {
                path(points, ((Element) paths.item(k)).getAttribute("d"));
            }
            List<Rect> own = new ArrayList<>();
            NodeList texts = group.getElementsByTagName("text");
            for (int k = 0; k < texts.getLength(); k++) {
                Element text = (Element) texts.item(k);
                String content = text.getTextContent();
                // text-anchor: middle; DejaVu Sans: ascenders reach 0.76 em above the baseline, descenders 0.24 below
                double w = Markup.textWidth(content, LABEL_FONT) / 1.05;
                double x = number(text, "x");
                double y = number(text, "y");
                Rect label = new Rect(
                        "label '" + content + "' of " + what,
                        x - w / 2,
                        y - 0.76 * LABEL_FONT,
                        x + w / 2,
                        y + 0.24 * LABEL_FONT);
                own.add(label);
                g.labels.add(label);
            }
            g.edges.add(new Edge(what, points, own));
        }
        return g;
    }

    /** Every overlap: label–label, label–box, edge–box and edge–label. Empty when the drawing is clean. */
    List<String> overlaps() {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            for (int j = i + 1; j < labels.size(); j++) {
                if (labels.get(i).overlaps(labels.get(j))) {
                    found.add(labels.get(i) + " overlaps " + labels.get(j));
                }
            }
            for (Rect box : boxes) {
                if (labels.get(i).overlaps(box)) {
                    found.add(labels.get(i) + " overlaps box " + box);
                }
            }
        }
        for (Edge edge : edges) {
            for (Rect box : boxes) {
                for (double[] p : edge.points()) {
                    if (box.holds(p[0], p[1])) {
                        found.add(String.format(
                                Locale.ROOT, "edge %s enters box %s at %.1f,%.1f", edge.what(), box, p[0], p[1]));
                        break;
                    }
                }
            }
            for (Rect label : labels) {
                for (double[] p : edge.points()) {
                    if (label.holds(p[0], p[1])) {
                        found.add(String.format(
                                Locale.ROOT, "edge %s crosses %s at %.1f,%.1f", edge.what(), label, p[0], p[1]));
                        break;
                    }
                }
            }
        }
        return found;
    }

    private static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    /** Points along a segment, at most half a pixel apart. */
    private static void sample(List<double[]> points, double[] a, double[] b) {
        int steps = Math.max(1, (int) Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 0.5));
        for (int i = 0; i <= steps; i++) {
            double t = (double) i / steps;
            points.add(new double[] {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])});
        }
    }

    /** Samples an SVG path of absolute M, L and C commands (all the report writes). */
    private static void path(List<double[]> points, String d) {
        String[] tokens = d.trim().replaceAll("([MLC])", " $1 ").trim().split("[\\s,]+");
        double[] at = null;
        int i = 0;
        while (i < tokens.length) {
            String command = tokens[i++];
            switch (command) {
                case "M" -> at = new double[] {Double.parseDouble(tokens[i++]), Double.parseDouble(tokens[i++])};
                case "L" -> {
                    double[] to = {Double.parseDouble(tokens[i++]), Double.parseDouble(tokens[i++])};
                    sample(points, require(at, d), to);
                    at = to;
                }
                case "C" -> {
                    double[][] c = new double[4][];
                    c[0] = require(at, d);
                    for (int k = 1; k <= 3; k++) {
                        c[k] = new double[] {Double.parseDouble(tokens[i++]), Double.parseDouble(tokens[i++])};
                    }
                    double[] previous = c[0];
                    for (int s = 1; s <= 64; s++) {
                        double t = s / 64.0;
                        double u = 1 - t;
                        double[] p = {
                            u * u * u * c[0][0]
                                    + 3 * u * u * t * c[1][0]
                                    + 3 * u * t * t * c[2][0]
                                    + t * t * t * c[3][0],
                            u * u * u * c[0][1]
                                    + 3 * u * u * t * c[1][1]
                                    + 3 * u * t * t * c[2][1]
                                    + t * t * t * c[3][1]
                        };
                        sample(points, previous, p);
                        previous = p;
                    }
                    at = c[3];
                }
                default -> throw new AssertionError("unexpected path command '" + command + "' in " + d);
            }
        }
    }

    private static double[] require(double[] at, String d) {
        if (at == null) {
            throw new AssertionError("a path must start with M: " + d);
        }
        return at;
    }
}
