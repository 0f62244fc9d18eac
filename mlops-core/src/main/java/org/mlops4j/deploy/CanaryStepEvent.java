package org.mlops4j.deploy;

import java.time.Instant;
import java.util.Objects;

/**
 * A canary step passed its health gate and the new slot's share moved up, published by
 * {@link DeployerEventPublisher#onCanaryStep}.
 *
 * @param endpoint the endpoint's name
 * @param operationId the canary's operation
 * @param step the step now running, from 1
 * @param steps how many steps the canary has
 * @param newSlotPercent the new slot's share now
 * @param reason the gate's reason for passing the step before
 * @param at when the share moved
 */
public record CanaryStepEvent(
        String endpoint, OperationId operationId, int step, int steps, int newSlotPercent, String reason, Instant at) {
    /** Checks the components. */
    public CanaryStepEvent {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
