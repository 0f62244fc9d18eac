package org.mlops4j.deploy;

import java.time.Duration;

/**
 * A long-running operation in progress (the shape of Azure SDK's {@code SyncPoller}). Not thread-safe: one caller
 * polls.
 *
 * @param <T> what each poll reports
 * @param <R> the final result; never {@code Void}
 */
public interface Poller<T, R> {
    /** Returns the operation's id, to record (e.g. in a pipeline journal) and to re-attach with later. */
    OperationId getOperationId();

    /**
     * Advances the operation if it can and reports where it is. Never blocks for long.
     *
     * @return the latest status and progress
     */
    PollResponse<T> poll();

    /**
     * Polls until the operation has ended or the timeout has passed.
     *
     * @param timeout how long to wait at most
     * @return the last response: ended, or still in progress when the timeout passed
     * @throws IllegalArgumentException if the timeout is negative
     */
    PollResponse<T> waitForCompletion(Duration timeout);

    /**
     * Returns the result of an ended operation, waiting for it to end without a bound.
     *
     * @return the final result (for a deployment also when it was rolled back; see its status)
     * @throws DeploymentFailedException if a deployment operation failed (the target could not apply it)
     */
    R getFinalResult();
}
