package org.mlops4j.pipeline;

import java.time.Clock;
import java.util.Objects;
import org.mlops4j.data.Datasets;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.store.ObjectStore;

/**
 * The services a retraining pipeline runs on, and what its trainers, preparers and triggers may use: the lake, its
 * datasets, the model registry and the clock. {@code mlops.pipeline(name)} passes its own; a trainer reads its data
 * through {@code ctx.getServices().datasets()}. The datasets and the registry must live in the store given here: the
 * journal, the lease and the trained artifacts are written there, and registration refers to those artifacts.
 *
 * @param objectStore the lake: the pipeline's journal, lease and state records
 * @param datasets the lake's datasets: pinned inputs, prepared datasets, the trained artifacts' trees
 * @param registry where challengers are registered and the champion alias moves
 * @param clock timestamps the journal and times the lease (a pipeline may set its own with {@code clock(…)})
 */
public record PipelineServices(ObjectStore objectStore, Datasets datasets, ModelRegistry registry, Clock clock) {
    /** Checks the components. */
    public PipelineServices {
        Objects.requireNonNull(objectStore, "objectStore");
        Objects.requireNonNull(datasets, "datasets");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String toString() {
        return "PipelineServices{lake=" + objectStore + ", registry=" + registry + "}";
    }
}
