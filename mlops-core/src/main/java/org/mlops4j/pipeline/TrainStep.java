package org.mlops4j.pipeline;

import org.mlops4j.pipeline.spi.RemoteTrainer;

/**
 * The second required step of a pipeline definition: how a model is trained. A step type for chaining, not for users
 * to implement or store; methods may be added in minor releases.
 */
public interface TrainStep {
    /**
     * Sets the trainer; a lambda {@code ctx -> …} fits.
     *
     * @param trainer turns the run's pinned datasets into model artifacts
     * @return the next step
     * @throws NullPointerException if the trainer is null
     */
    EvaluateStep train(Trainer trainer);

    /**
     * Trains in jobs outside this process: each run submits one job, with the run id as its idempotency key, journals
     * the job's handle and waits for it; a run resumed after a crash re-attaches to the job instead of submitting
     * another ({@link RemoteTrainer}).
     *
     * @param trainer submits, polls and fetches the jobs
     * @return the next step
     * @throws NullPointerException if the trainer is null
     */
    EvaluateStep trainRemotely(RemoteTrainer trainer);
}
