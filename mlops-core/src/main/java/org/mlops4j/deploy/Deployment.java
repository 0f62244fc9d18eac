package org.mlops4j.deploy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.ModelRef;

/**
 * How a deployment operation ended (or where it is): which model it made live, which it replaced, and why it ended
 * as it did. Immutable.
 */
public final class Deployment {
    private final String endpoint;
    private final OperationId operationId;
    private final OperationStatus status;
    private final ModelRef model;
    private final @Nullable ModelRef previous;
    private final String rollout;
    private final String reason;
    private final long event;
    private final Instant started;
    private final @Nullable Instant ended;

    /**
     * Creates a deployment (by the deployer).
     *
     * @param endpoint the endpoint's name
     * @param operationId the operation
     * @param status where it is
     * @param model the model version it deploys
     * @param previous the model version live before, if any
     * @param rollout the rollout, as text
     * @param reason why it ended as it did (the gate's reason for a rollback), or what it is doing
     * @param event the deployment event number it wrote, 0 if none yet
     * @param started when it started
     * @param ended when it ended, if it has
     */
    Deployment(
            String endpoint,
            OperationId operationId,
            OperationStatus status,
            ModelRef model,
            @Nullable ModelRef previous,
            String rollout,
            String reason,
            long event,
            Instant started,
            @Nullable Instant ended) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.operationId = Objects.requireNonNull(operationId, "operationId");
        this.status = Objects.requireNonNull(status, "status");
        this.model = Objects.requireNonNull(model, "model");
        this.previous = previous;
        this.rollout = Objects.requireNonNull(rollout, "rollout");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.event = event;
        this.started = Objects.requireNonNull(started, "started");
        this.ended = ended;
    }

    /** Returns the endpoint's name. */
    public String getEndpoint() {
        return endpoint;
    }

    /** Returns the operation's id. */
    public OperationId getOperationId() {
        return operationId;
    }

    /** Returns where the operation is. */
    public OperationStatus getStatus() {
        return status;
    }

    /** Returns whether the new model version is live as planned. */
    public boolean isSucceeded() {
        return status.equals(OperationStatus.SUCCEEDED);
    }

    /** Returns the model version this operation deploys. */
    public ModelRef getModel() {
        return model;
    }

    /** Returns the model version that was live before. */
    public Optional<ModelRef> findPrevious() {
        return Optional.ofNullable(previous);
    }

    /** Returns the rollout, as text. */
    public String getRollout() {
        return rollout;
    }

    /** Returns why the operation ended as it did. */
    public String getReason() {
        return reason;
    }

    /** Returns the deployment event number it wrote (0 if none yet). */
    public long getEvent() {
        return event;
    }

    /** Returns when it started. */
    public Instant getStarted() {
        return started;
    }

    /** Returns when it ended. */
    public Optional<Instant> findEnded() {
        return Optional.ofNullable(ended);
    }

    @Override
    public String toString() {
        return "Deployment{" + endpoint + " " + operationId + " " + status + ": " + model
                + (previous == null ? "" : " (was " + previous + ")") + " by " + rollout + ", " + reason + "}";
    }
}
