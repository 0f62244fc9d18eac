package org.mlops4j.lineage;

import java.util.Locale;
import java.util.Objects;
import org.mlops4j.lake.LakeLayout;

/**
 * One versioned thing in the lineage graph: a dataset version, a model version, a deployment.
 *
 * @param kind what it is: {@link #DATASET}, {@link #MODEL}, …
 * @param name its name
 * @param version its version number
 */
public record LineageNode(String kind, String name, long version) {
    /** Kind of a dataset version. */
    public static final String DATASET = "dataset";
    /** Kind of a model version. */
    public static final String MODEL = "model";
    /** Kind of a deployment event: the name is the endpoint, the version the event's number. */
    public static final String DEPLOYMENT = "deployment";

    /**
     * Validates the node.
     *
     * @throws IllegalArgumentException if the kind is not lower-case letters, or the version is below 1
     */
    public LineageNode {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (!kind.matches("[a-z]+")) {
            throw new IllegalArgumentException("a lineage node's kind is lower-case letters, got '" + kind + "'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("versions start at 1, got " + version);
        }
    }

    /**
     * Returns a dataset version's node.
     *
     * @param name the dataset's name
     * @param version the version
     * @return the node
     */
    public static LineageNode dataset(String name, long version) {
        return new LineageNode(DATASET, name, version);
    }

    /**
     * Returns a model version's node.
     *
     * @param name the model's name
     * @param version the version
     * @return the node
     */
    public static LineageNode model(String name, long version) {
        return new LineageNode(MODEL, name, version);
    }

    /**
     * Returns a deployment event's node.
     *
     * @param endpoint the endpoint's name
     * @param event the event's number, from 1
     * @return the node
     */
    public static LineageNode deployment(String endpoint, long event) {
        return new LineageNode(DEPLOYMENT, endpoint, event);
    }

    /** Returns {@code kind:name@version}, e.g. {@code dataset:churn-raw@3}. */
    @Override
    public String toString() {
        return kind + ":" + name + "@" + version;
    }

    LakeLayout.NodePath keyPath() {
        return new LakeLayout.NodePath(kind.toLowerCase(Locale.ROOT), name, version);
    }
}
