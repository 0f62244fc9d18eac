package org.mlops4j.pipeline.spi;

import java.util.Objects;

/**
 * One poll's answer about a training job.
 *
 * @param handle the job
 * @param status where it is
 * @param detail the backend's words about it (why it failed, its queue position); empty if none
 */
public record TrainingJob(TrainingHandle handle, TrainingStatus status, String detail) {
    /** Checks the components. */
    public TrainingJob {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return "training job " + handle + " " + status + (detail.isEmpty() ? "" : ": " + detail);
    }
}
