package org.mlops4j.pipeline.spi;

import java.util.Map;
import java.util.Objects;
import org.mlops4j.data.DatasetVersion;

/**
 * What a {@link RemoteTrainer} is asked to train: a pipeline run's key and its pinned datasets.
 *
 * @param idempotencyKey the pipeline run's id: one job per key, whatever the number of submissions
 * @param pipeline the pipeline's name
 * @param model the name the trained model is registered under
 * @param datasets the dataset versions pinned for the run, by name (the trigger's, the inputs, the holdout and the
 *     prepared ones)
 * @param codeRevision the code revision the pipeline was built with
 */
public record TrainingRequest(
        String idempotencyKey,
        String pipeline,
        String model,
        Map<String, DatasetVersion> datasets,
        String codeRevision) {
    /**
     * Checks and copies the value.
     *
     * @throws IllegalArgumentException if the key is blank
     */
    public TrainingRequest {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(codeRevision, "codeRevision");
        datasets = Map.copyOf(datasets);
        if (idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("a training request needs an idempotency key (the run id), got blank");
        }
    }

    @Override
    public String toString() {
        return "TrainingRequest{" + idempotencyKey + ", pipeline=" + pipeline + ", model=" + model + ", datasets="
                + datasets.keySet() + "}";
    }
}
