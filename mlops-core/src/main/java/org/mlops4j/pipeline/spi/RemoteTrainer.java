package org.mlops4j.pipeline.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A training backend that runs jobs outside this process (an Azure ML command job, a cluster's batch queue): the
 * driver behind {@code mlops.pipeline(…).trainRemotely(remoteTrainer)}, beside the in-process {@code Trainer}.
 *
 * <p>The pipeline's train step, once per run:
 *
 * <ol>
 *   <li>takes the job's handle from the run's journal (a {@code train}/{@code submitted} record), or else asks
 *       {@link #find} for a job submitted with the run's idempotency key before a crash lost its record, or else
 *       {@link #submit submits} one, and journals the handle before it waits;
 *   <li>{@link #poll polls} every {@link #pollInterval()} until the job has ended, checking its lease each time;
 *   <li>{@link #fetch fetches} a succeeded job's artifacts into an empty directory and stores them in the lake.
 * </ol>
 *
 * <p>A process killed at any point is replaced by one that re-attaches through the journaled handle; one logical run
 * makes one job. A job that failed stops the run; {@code rerun()} starts the next attempt, with a new key.
 *
 * <p>Implementations do I/O only, are thread-safe, and translate their backend's errors into the
 * {@code org.mlops4j.common} exceptions. Example (the test kit's fake, whose jobs live in an object store):
 *
 * <pre>{@code
 * RemoteTrainer trainer = FakeRemoteTrainer.builder()
 *         .store(jobs)
 *         .job((request, out) -> fit(request.datasets().get("churn-raw"), out))
 *         .build();
 * RetrainingPipeline pipeline = mlops.pipeline("churn")
 *         .trigger(Triggers.newVersionOf("churn-raw"))
 *         .trainRemotely(trainer)
 *         .evaluateOn("churn-holdout", evaluator)
 *         .promoteWhen(policy)
 *         .build();
 * }</pre>
 */
public interface RemoteTrainer {
    /**
     * Submits a training job. Must be idempotent by {@link TrainingRequest#idempotencyKey()}: a second submission with
     * the same key starts no second job and returns the first one's handle (a backend that cannot promise this must
     * implement {@link #find}).
     *
     * @param request the run's key, pinned datasets and code revision
     * @return the job's handle, which the pipeline journals
     * @throws org.mlops4j.common.MlopsException if the backend refuses or cannot be reached
     */
    TrainingHandle submit(TrainingRequest request);

    /**
     * Finds the job submitted with an idempotency key, where the backend can look jobs up by it. The pipeline asks
     * before it submits when its journal holds no handle, so that a submission whose record a crash lost is found
     * again. The default finds nothing and leaves it to {@link #submit}'s idempotency.
     *
     * @param idempotencyKey the key a job was submitted with (a pipeline run id)
     * @return the job's handle, or empty if none was submitted with it
     * @throws org.mlops4j.common.MlopsException if the backend cannot be reached
     */
    default Optional<TrainingHandle> find(String idempotencyKey) {
        return Optional.empty();
    }

    /**
     * Reads where a job is. Never blocks for long.
     *
     * @param handle a handle {@link #submit} or {@link #find} returned, possibly in another process
     * @return the job's status and detail
     * @throws org.mlops4j.common.NotFoundException if the backend knows no such job
     * @throws org.mlops4j.common.MlopsException if the backend cannot be reached
     */
    TrainingJob poll(TrainingHandle handle);

    /**
     * Fetches what a succeeded job produced: writes its artifacts into {@code directory} and returns the metrics,
     * parameters and tags to register with them. May be called again for the same job (after a crash).
     *
     * @param handle the job's handle
     * @param directory an empty directory
     * @return what to register with the artifacts
     * @throws IllegalStateException if the job has not succeeded
     * @throws org.mlops4j.common.MlopsException if the backend cannot be reached or the artifacts cannot be written
     */
    TrainingResult fetch(TrainingHandle handle, Path directory);

    /**
     * Returns how long the pipeline waits between two polls of a job; the default is 10 seconds.
     *
     * @return a positive duration
     */
    default Duration pollInterval() {
        return Duration.ofSeconds(10);
    }
}
