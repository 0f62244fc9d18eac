package org.mlops4j.lineage;

import java.util.List;
import java.util.Optional;

/**
 * Reads the inputs of a node from its own record (a dataset version's parents, a model version's training data).
 * Implemented by each kind's store of records.
 */
@FunctionalInterface
public interface UpstreamResolver {
    /**
     * Returns the edges into a node, or empty if this resolver does not know the node's kind.
     *
     * @param node the node
     * @return the edges whose {@code to} is {@code node}, or empty for another kind
     */
    Optional<List<LineageEdge>> inputsOf(LineageNode node);
}
