package org.mlops4j.lineage;

import java.util.List;

/**
 * A part of the lineage graph: the nodes reached and the edges between them, each list in a stable order.
 *
 * @param start the node the query started from
 * @param nodes every node reached, the start included
 * @param edges every edge followed
 */
public record LineageGraph(LineageNode start, List<LineageNode> nodes, List<LineageEdge> edges) {
    /** Copies the lists. */
    public LineageGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }
}
