package org.mlops4j.deploy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.ModelRef;

/**
 * A dry run's answer: what applying a rollout would change on an endpoint. Made by {@link Deployer#plan} and applied by
 * {@link Deployer#beginApply}; a plan remembers the endpoint event it was made against, so applying it after someone
 * else changed the endpoint fails with a conflict instead of undoing their change. Immutable.
 */
public final class DeploymentPlan {
    private final String endpoint;
    private final OperationId operationId;
    private final ModelRef model;
    private final Rollout rollout;
    private final @Nullable EndpointStatus before;
    private final List<String> changes;

    /**
     * Creates a plan (by the deployer).
     *
     * @param endpoint the endpoint's name
     * @param operationId the operation's id
     * @param model the model version to make live
     * @param rollout how
     * @param before the endpoint as it was when planned, if it existed
     * @param changes what would change, one line each, in order; empty when the model is already live as asked
     */
    DeploymentPlan(
            String endpoint,
            OperationId operationId,
            ModelRef model,
            Rollout rollout,
            @Nullable EndpointStatus before,
            List<String> changes) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.operationId = Objects.requireNonNull(operationId, "operationId");
        this.model = Objects.requireNonNull(model, "model");
        this.rollout = Objects.requireNonNull(rollout, "rollout");
        this.before = before;
        this.changes = List.copyOf(changes);
    }

    /** Returns the endpoint's name. */
    public String getEndpoint() {
        return endpoint;
    }

    /** Returns the operation's id. */
    public OperationId getOperationId() {
        return operationId;
    }

    /** Returns the model version to make live. */
    public ModelRef getModel() {
        return model;
    }

    /** Returns the rollout. */
    public Rollout getRollout() {
        return rollout;
    }

    /** Returns the endpoint as it was when planned; empty for a new endpoint. */
    public Optional<EndpointStatus> findBefore() {
        return Optional.ofNullable(before);
    }

    /** Returns what would change, in order. */
    public List<String> getChanges() {
        return changes;
    }

    /** Returns whether applying the plan would change nothing. */
    public boolean isNoChange() {
        return changes.isEmpty();
    }

    @Override
    public String toString() {
        return "DeploymentPlan{" + endpoint + " " + operationId + ": " + model + " by " + rollout + ", "
                + (changes.isEmpty() ? "no change" : String.join("; ", changes)) + "}";
    }
}
