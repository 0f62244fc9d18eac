package org.mlops4j.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;

/**
 * A layered layout of a lineage graph, drawn as SVG: a node's column is the length of the longest path of edges
 * leading to it (sources on the left), and nodes stack top-down in the graph's order within a column.
 */
final class LineageLayout {
    static final double BOX_WIDTH = 230;
    static final double BOX_HEIGHT = 46;
    static final double COLUMN_GAP = 90;
    static final double ROW_GAP = 26;
    static final double PAD = 16;
    private static final int LABEL_CHARS = 30;

    private final LineageGraph graph;
    private final Map<LineageNode, double[]> positions = new LinkedHashMap<>();
    private final double width;
    private final double height;

    LineageLayout(LineageGraph graph) {
        this.graph = graph;
        List<LineageNode> nodes = new ArrayList<>(new LinkedHashSet<>(graph.nodes()));
        for (LineageEdge edge : graph.edges()) {
            if (!nodes.contains(edge.from())) {
                nodes.add(edge.from());
            }
            if (!nodes.contains(edge.to())) {
                nodes.add(edge.to());
            }
        }
        Map<LineageNode, Integer> depth = new LinkedHashMap<>();
        nodes.forEach(n -> depth.put(n, 0));
        // Longest-path layering by relaxation; at most |nodes| rounds, so a (malformed) cycle cannot loop forever.
        for (int round = 0; round < nodes.size(); round++) {
            boolean changed = false;
            for (LineageEdge edge : graph.edges()) {
                int candidate = depth.get(edge.from()) + 1;
                if (candidate > depth.get(edge.to()) && candidate < nodes.size()) {
                    depth.put(edge.to(), candidate);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        Map<Integer, List<LineageNode>> columns = new TreeMap<>();
        for (LineageNode node : nodes) {
            columns.computeIfAbsent(depth.get(node), c -> new ArrayList<>()).add(node);
        }
        int maxColumn = columns.isEmpty() ? 0 : columns.size() - 1;
        int maxRow = columns.values().stream().mapToInt(List::size).max().orElse(1) - 1;
        int columnIndex = 0;
        for (List<LineageNode> column : columns.values()) {
            // Fewer crossings: order a column by the mean height of the node's inputs (stable: ties keep graph order).
            Map<LineageNode, Double> key = new HashMap<>();
            for (LineageNode node : column) {
                key.put(
                        node,
                        graph.edges().stream()
                                .filter(e -> e.to().equals(node) && positions.containsKey(e.from()))
                                .mapToDouble(e -> positions.get(e.from())[1])
                                .average()
                                .orElse(0));
            }
            column.sort(Comparator.comparingDouble(key::get));
            // centre shorter columns against the tallest one
            double top = PAD + (maxRow + 1 - column.size()) * (BOX_HEIGHT + ROW_GAP) / 2;
            for (int row = 0; row < column.size(); row++) {
                positions.put(column.get(row), new double[] {
                    PAD + columnIndex * (BOX_WIDTH + COLUMN_GAP), top + row * (BOX_HEIGHT + ROW_GAP)
                });
            }
            columnIndex++;
        }
        this.width = nodes.isEmpty() ? 2 * PAD : 2 * PAD + (maxColumn + 1) * BOX_WIDTH + maxColumn * COLUMN_GAP;
        this.height = nodes.isEmpty() ? 2 * PAD : 2 * PAD + (maxRow + 1) * BOX_HEIGHT + maxRow * ROW_GAP;
    }

    /** Appends the SVG element. */
    void appendSvg(StringBuilder out) {
        out.append("<svg id=\"lineage-graph\" class=\"lineage\" width=\"")
                .append(Markup.coordinate(width))
                .append("\" height=\"")
                .append(Markup.coordinate(height))
                .append("\" viewBox=\"0 0 ")
                .append(Markup.coordinate(width))
                .append(' ')
                .append(Markup.coordinate(height))
                .append("\" role=\"img\" aria-label=\"lineage graph\">\n");
        for (LineageEdge edge : graph.edges()) {
            appendEdge(out, edge);
        }
        positions.forEach((node, at) -> appendNode(out, node, at));
        out.append("</svg>\n");
    }

    private static void appendNode(StringBuilder out, LineageNode node, double[] at) {
        String label = node.name() + "@" + node.version();
        String shown = label.codePointCount(0, label.length()) > LABEL_CHARS
                ? label.substring(0, label.offsetByCodePoints(0, LABEL_CHARS - 1)) + "…"
                : label;
        boolean model = LineageNode.MODEL.equals(node.kind());
        out.append("<g class=\"node ")
                .append(Markup.xml(node.kind()))
                .append("\" data-node=\"")
                .append(Markup.xml(node.toString()))
                .append("\"><title>")
                .append(Markup.xml(node.toString()))
                .append("</title><rect x=\"")
                .append(Markup.coordinate(at[0]))
                .append("\" y=\"")
                .append(Markup.coordinate(at[1]))
                .append("\" width=\"")
                .append(Markup.coordinate(BOX_WIDTH))
                .append("\" height=\"")
                .append(Markup.coordinate(BOX_HEIGHT))
                .append("\" rx=\"")
                .append(model ? "20" : "4")
                .append("\"/><text class=\"kind\" x=\"")
                .append(Markup.coordinate(at[0] + 12))
                .append("\" y=\"")
                .append(Markup.coordinate(at[1] + 17))
                .append("\">")
                .append(Markup.xml(node.kind()))
                .append("</text><text class=\"name\" x=\"")
                .append(Markup.coordinate(at[0] + 12))
                .append("\" y=\"")
                .append(Markup.coordinate(at[1] + 35))
                .append("\">")
                .append(Markup.xml(shown))
                .append("</text></g>\n");
    }

    private void appendEdge(StringBuilder out, LineageEdge edge) {
        double[] from = positions.get(edge.from());
        double[] to = positions.get(edge.to());
        double x1 = from[0] + BOX_WIDTH;
        double y1 = from[1] + BOX_HEIGHT / 2;
        double x2 = to[0] - 2;
        double y2 = to[1] + BOX_HEIGHT / 2;
        if (x2 <= x1) { // same column (a cycle): loop under the boxes instead of crossing them
            x1 = from[0] + BOX_WIDTH / 2;
            x2 = to[0] + BOX_WIDTH / 2;
        }
        double angle = Math.atan2(y2 - y1, x2 - x1);
        double headLength = 9;
        double headHalf = 0.45;
        out.append("<g class=\"edge\" data-from=\"")
                .append(Markup.xml(edge.from().toString()))
                .append("\" data-to=\"")
                .append(Markup.xml(edge.to().toString()))
                .append("\" data-role=\"")
                .append(Markup.xml(edge.role()))
                .append("\"><line x1=\"")
                .append(Markup.coordinate(x1))
                .append("\" y1=\"")
                .append(Markup.coordinate(y1))
                .append("\" x2=\"")
                .append(Markup.coordinate(x2))
                .append("\" y2=\"")
                .append(Markup.coordinate(y2))
                .append("\"/><polygon points=\"")
                .append(Markup.coordinate(x2))
                .append(',')
                .append(Markup.coordinate(y2))
                .append(' ')
                .append(Markup.coordinate(x2 - headLength * Math.cos(angle - headHalf)))
                .append(',')
                .append(Markup.coordinate(y2 - headLength * Math.sin(angle - headHalf)))
                .append(' ')
                .append(Markup.coordinate(x2 - headLength * Math.cos(angle + headHalf)))
                .append(',')
                .append(Markup.coordinate(y2 - headLength * Math.sin(angle + headHalf)))
                .append("\"/><text x=\"")
                .append(Markup.coordinate((x1 + x2) / 2))
                .append("\" y=\"")
                .append(Markup.coordinate((y1 + y2) / 2 - 5))
                .append("\">")
                .append(Markup.xml(edge.role()))
                .append("</text></g>\n");
    }
}
