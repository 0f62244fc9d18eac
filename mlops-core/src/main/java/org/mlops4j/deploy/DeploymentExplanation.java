package org.mlops4j.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelVersion;

/**
 * Why a model version is live on an endpoint: the latest deployment event (operation, rollout, reason, time), the
 * model version that answers after it with its metrics, and its upstream lineage down to the datasets. Made by
 * {@link DeploymentHistory#explain}. Immutable and thread-safe.
 */
public final class DeploymentExplanation {
    private final DeploymentEvent event;
    private final ModelVersion model;
    private final LineageGraph upstream;

    /**
     * Creates the explanation.
     *
     * @param event the endpoint's latest event
     * @param model the model version live after it
     * @param upstream the model version's upstream lineage
     */
    public DeploymentExplanation(DeploymentEvent event, ModelVersion model, LineageGraph upstream) {
        this.event = Objects.requireNonNull(event, "event");
        this.model = Objects.requireNonNull(model, "model");
        this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    /** Returns the latest deployment event of the endpoint. */
    public DeploymentEvent getEvent() {
        return event;
    }

    /** Returns the live model version (artifacts, metrics, inputs, code revision, run). */
    public ModelVersion getModel() {
        return model;
    }

    /** Returns the live model version's metrics. */
    public Map<String, Double> getMetrics() {
        return model.getMetrics();
    }

    /** Returns everything upstream of the live model version. */
    public LineageGraph getUpstream() {
        return upstream;
    }

    /** Returns the dataset versions upstream of the live model version, transitively, in a stable order. */
    public List<LineageNode> getDatasets() {
        return upstream.nodes().stream()
                .filter(n -> LineageNode.DATASET.equals(n.kind()))
                .toList();
    }

    @Override
    public String toString() {
        return "DeploymentExplanation{" + model.getRef() + " live on " + event.endpoint() + " since event "
                + event.number() + " (" + event.rollout() + ", " + event.status() + ": " + event.reason()
                + "), metrics " + model.getMetrics() + ", datasets " + getDatasets() + "}";
    }
}
