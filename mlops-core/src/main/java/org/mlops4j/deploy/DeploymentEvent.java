package org.mlops4j.deploy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Names;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelRef;

/**
 * One applied change of an endpoint, as recorded in the lake under {@code deployments/<endpoint>/events/<n>.json}:
 * immutable, numbered 1, 2, 3, … per endpoint. Written by every deployer (local or remote) through
 * {@link DeploymentHistory}, so that "why is this model live?" has the same answer whatever the backend.
 *
 * @param endpoint the endpoint's name
 * @param number the event's number, from 1
 * @param target the backend that applied it, e.g. {@code local} or {@code azureml}
 * @param operationId the operation that wrote it
 * @param model the model version the operation deployed (for a rollback: the version put back)
 * @param previous the model version that answered before, if any
 * @param live the model version that answers (has the largest share of traffic) after the event, if any
 * @param rollout the rollout, as text ({@code blueGreen}, {@code canary[10, 50, 100]}, {@code rollback}, …)
 * @param status how the operation ended: {@link OperationStatus#SUCCEEDED} or {@link OperationStatus#ROLLED_BACK}
 * @param reason why: the caller's reason, or the health gate's reason for a rollback
 * @param at when it was applied
 */
public record DeploymentEvent(
        String endpoint,
        long number,
        String target,
        OperationId operationId,
        ModelRef model,
        @Nullable ModelRef previous,
        @Nullable ModelRef live,
        String rollout,
        OperationStatus status,
        String reason,
        Instant at) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the endpoint name is invalid, the number below 1 or the target empty
     */
    public DeploymentEvent {
        Names.requireValid("endpoint", endpoint);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        if (number < 1) {
            throw new IllegalArgumentException("deployment events are numbered from 1, got " + number);
        }
        if (!target.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException(
                    "a deployment target is lower-case letters, digits and '-', got '" + target + "'");
        }
    }

    /** Returns the model version that answered before, if any. */
    public Optional<ModelRef> findPrevious() {
        return Optional.ofNullable(previous);
    }

    /** Returns the model version that answers after the event, if any. */
    public Optional<ModelRef> findLive() {
        return Optional.ofNullable(live);
    }

    /** Returns this event's node in the lineage graph: {@code deployment:<endpoint>@<number>}. */
    public LineageNode node() {
        return LineageNode.deployment(endpoint, number);
    }

    @Override
    public String toString() {
        return "DeploymentEvent{" + endpoint + "#" + number + " " + operationId + " " + status + ": " + model
                + (previous == null ? "" : " (was " + previous + ")") + " by " + rollout + ", live " + live + ", "
                + reason + " at " + at + "}";
    }
}
