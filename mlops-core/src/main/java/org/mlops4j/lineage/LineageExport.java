package org.mlops4j.lineage;

import java.util.HashMap;
import java.util.Map;

/**
 * Writes a {@link LineageGraph} as text that renders as a picture: Mermaid (Markdown reports, GitHub) and Graphviz
 * DOT. Node ids are {@code n0, n1, …} in the graph's order; labels are escaped, so any dataset or model name is safe.
 */
public final class LineageExport {
    private LineageExport() {}

    /**
     * Renders a Mermaid flowchart, left to right; edges are labelled with their role.
     *
     * @param graph the graph
     * @return the Mermaid text, starting with {@code flowchart LR}
     */
    public static String toMermaid(LineageGraph graph) {
        Map<LineageNode, String> ids = ids(graph);
        StringBuilder out = new StringBuilder("flowchart LR\n");
        for (LineageNode node : graph.nodes()) {
            String label = mermaidText(node.kind() + " " + node.name() + "@" + node.version());
            boolean model = LineageNode.MODEL.equals(node.kind());
            out.append("    ")
                    .append(ids.get(node))
                    .append(model ? "([\"" : "[\"")
                    .append(label)
                    .append(model ? "\"])" : "\"]")
                    .append('\n');
        }
        for (LineageEdge edge : graph.edges()) {
            out.append("    ")
                    .append(ids.get(edge.from()))
                    .append(" -->|")
                    .append(mermaidText(edge.role()))
                    .append("| ")
                    .append(ids.get(edge.to()))
                    .append('\n');
        }
        return out.toString();
    }

    /**
     * Renders a Graphviz DOT digraph, left to right; edges are labelled with their role.
     *
     * @param graph the graph
     * @return the DOT text, starting with {@code digraph lineage}
     */
    public static String toDot(LineageGraph graph) {
        Map<LineageNode, String> ids = ids(graph);
        StringBuilder out = new StringBuilder("digraph lineage {\n    rankdir=LR;\n");
        for (LineageNode node : graph.nodes()) {
            boolean model = LineageNode.MODEL.equals(node.kind());
            out.append("    ")
                    .append(ids.get(node))
                    .append(" [label=\"")
                    .append(dotText(node.kind() + " " + node.name() + "@" + node.version()))
                    .append("\", shape=")
                    .append(model ? "ellipse" : "box")
                    .append("];\n");
        }
        for (LineageEdge edge : graph.edges()) {
            out.append("    ")
                    .append(ids.get(edge.from()))
                    .append(" -> ")
                    .append(ids.get(edge.to()))
                    .append(" [label=\"")
                    .append(dotText(edge.role()))
                    .append("\"];\n");
        }
        return out.append("}\n").toString();
    }

    private static Map<LineageNode, String> ids(LineageGraph graph) {
        Map<LineageNode, String> ids = new HashMap<>();
        for (LineageNode node : graph.nodes()) {
            ids.put(node, "n" + ids.size());
        }
        for (LineageEdge edge : graph.edges()) {
            ids.computeIfAbsent(edge.from(), n -> "n" + ids.size());
            ids.computeIfAbsent(edge.to(), n -> "n" + ids.size());
        }
        return ids;
    }

    /** Mermaid labels in quotes take HTML entities; quotes, angle brackets, pipes and ampersands are escaped. */
    private static String mermaidText(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("#quot;");
                case '<' -> out.append("#lt;");
                case '>' -> out.append("#gt;");
                case '&' -> out.append("#amp;");
                case '|' -> out.append("#124;");
                case '#' -> out.append("#35;");
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

    private static String dotText(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp < 0x20) {
                out.append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
