package org.mlops4j.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.ModelAlias;

/**
 * What a {@link Trigger} may look at: the lake, the time, the champion and what the pipeline's last finished run
 * consumed. Read-only; immutable.
 */
public final class TriggerContext {
    private final PipelineServices services;
    private final Instant now;
    private final String model;
    private final String championAlias;
    private final Map<String, Long> consumed;
    private final @Nullable Instant lastRunAt;

    TriggerContext(
            PipelineServices services,
            Instant now,
            String model,
            String championAlias,
            Map<String, Long> consumed,
            @Nullable Instant lastRunAt) {
        this.services = services;
        this.now = now;
        this.model = model;
        this.championAlias = championAlias;
        this.consumed = Map.copyOf(consumed);
        this.lastRunAt = lastRunAt;
    }

    /** Returns the services the pipeline runs on: its datasets and registry. */
    public PipelineServices getServices() {
        return services;
    }

    /** Returns the time on the pipeline's clock. */
    public Instant getNow() {
        return now;
    }

    /** Returns the registered model's name. */
    public String getModel() {
        return model;
    }

    /** Returns the champion alias, if set. */
    public Optional<ModelAlias> findChampion() {
        return services.registry().findAlias(model, championAlias);
    }

    /**
     * Returns the version of a dataset that the last finished run consumed.
     *
     * @param dataset the dataset's name
     * @return its version, or empty if no finished run consumed it
     */
    public OptionalLong findConsumed(String dataset) {
        Long version = consumed.get(dataset);
        return version == null ? OptionalLong.empty() : OptionalLong.of(version);
    }

    /** Returns when the last finished run was triggered, if any. */
    public Optional<Instant> findLastRunAt() {
        return Optional.ofNullable(lastRunAt);
    }

    @Override
    public String toString() {
        return "TriggerContext{now=" + now + ", consumed=" + consumed + ", lastRunAt=" + lastRunAt + "}";
    }
}
