package org.mlops4j.pipeline.spi;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a succeeded training job reports besides its artifacts: the metrics, parameters and tags to register with the
 * model. The pipeline checks them as it does an in-process trainer's (finite metrics; no {@code mlops4j.*} tags).
 *
 * @param metrics training metrics by name
 * @param params training parameters by name
 * @param tags tags to register with the model, e.g. {@code flavor=linear}
 */
public record TrainingResult(Map<String, Double> metrics, Map<String, String> params, Map<String, String> tags) {
    /** Copies the maps. */
    public TrainingResult {
        metrics = Map.copyOf(metrics);
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
    }

    /** Returns a result with no metrics, parameters or tags. */
    public static TrainingResult empty() {
        return new TrainingResult(Map.of(), Map.of(), Map.of());
    }

    @Override
    public String toString() {
        return "TrainingResult{metrics=" + new TreeMap<>(metrics) + ", params=" + new TreeMap<>(params) + ", tags="
                + new TreeMap<>(tags) + "}";
    }
}
