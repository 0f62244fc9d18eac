package org.mlops4j.lineage;

import java.util.Objects;

/**
 * A directed edge from an input to what was made from it.
 *
 * @param from the input (a parent dataset, the training data)
 * @param to what was made from it
 * @param role how it was used: {@code parent}, {@code train}, {@code eval}, …
 */
public record LineageEdge(LineageNode from, LineageNode to, String role) {
    /** The role of a parent dataset of a derived one. */
    public static final String PARENT = "parent";

    /**
     * Validates the edge.
     *
     * @throws IllegalArgumentException if the role is not lower-case letters, digits and dashes
     */
    public LineageEdge {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(role, "role");
        if (!role.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException(
                    "an edge's role is lower-case letters, digits and '-', got '" + role + "'");
        }
    }
}
