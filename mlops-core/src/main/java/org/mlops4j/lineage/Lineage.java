package org.mlops4j.lineage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.mlops4j.lineage.internal.LineageServices;

/**
 * Answers "where did this come from?" ({@link #upstream}) and "what was made from this?" ({@link #downstream}) over
 * dataset versions, and over model versions once they join. Upstream follows each record's own inputs; downstream
 * reads only the reverse-edge index.
 *
 * <p>Thread-safe. Obtain it from {@code Mlops.lineage()}.
 */
public final class Lineage {
    private static final Comparator<LineageNode> NODE_ORDER = Comparator.comparing(LineageNode::kind)
            .thenComparing(LineageNode::name)
            .thenComparingLong(LineageNode::version);
    private static final Comparator<LineageEdge> EDGE_ORDER = Comparator.comparing(LineageEdge::from, NODE_ORDER)
            .thenComparing(LineageEdge::to, NODE_ORDER)
            .thenComparing(LineageEdge::role);

    private final LineageIndex index;
    private final List<UpstreamResolver> resolvers;

    /**
     * Creates the query API.
     *
     * @param index the reverse-edge index
     * @param resolvers readers of each kind's inputs
     */
    static {
        LineageServices.LINEAGE.install(Lineage::new);
    }

    private Lineage(LineageIndex index, List<UpstreamResolver> resolvers) {
        this.index = Objects.requireNonNull(index, "index");
        this.resolvers = List.copyOf(resolvers);
    }

    /**
     * Everything a node was made from, transitively.
     *
     * @param node where to start
     * @return the graph of the node and its ancestors
     * @throws org.mlops4j.common.NotFoundException if the node or an ancestor has no record
     */
    public LineageGraph upstream(LineageNode node) {
        return traverse(node, this::inputsOf, LineageEdge::from);
    }

    /**
     * Everything made from a node, transitively; reads only the reverse-edge index.
     *
     * @param node where to start
     * @return the graph of the node and its descendants
     */
    public LineageGraph downstream(LineageNode node) {
        return traverse(node, index::edgesFrom, LineageEdge::to);
    }

    private List<LineageEdge> inputsOf(LineageNode node) {
        for (UpstreamResolver resolver : resolvers) {
            Optional<List<LineageEdge>> edges = resolver.inputsOf(node);
            if (edges.isPresent()) {
                return edges.get();
            }
        }
        throw new IllegalArgumentException("no lineage resolver knows nodes of kind '" + node.kind() + "'");
    }

    private static LineageGraph traverse(
            LineageNode start,
            java.util.function.Function<LineageNode, List<LineageEdge>> next,
            java.util.function.Function<LineageEdge, LineageNode> across) {
        Set<LineageNode> nodes = new LinkedHashSet<>();
        Set<LineageEdge> edges = new LinkedHashSet<>();
        Deque<LineageNode> queue = new ArrayDeque<>();
        nodes.add(start);
        queue.add(start);
        while (!queue.isEmpty()) {
            LineageNode node = queue.poll();
            for (LineageEdge edge : next.apply(node)) {
                edges.add(edge);
                LineageNode other = across.apply(edge);
                if (nodes.add(other)) {
                    queue.add(other);
                }
            }
        }
        List<LineageNode> sortedNodes = new ArrayList<>(nodes);
        sortedNodes.sort(NODE_ORDER);
        List<LineageEdge> sortedEdges = new ArrayList<>(edges);
        sortedEdges.sort(EDGE_ORDER);
        return new LineageGraph(start, sortedNodes, sortedEdges);
    }
}
