package org.mlops4j.deploy.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What one slot served since its model or its traffic share last changed on the target (or since the target started
 * serving it): the counters a canary's health gate judges.
 *
 * @param requests requests the slot answered, mirrored copies included
 * @param errors of those, the ones that failed on the slot's side (5xx, or the model threw)
 * @param p95Latency the 95th percentile of its latency, {@link Duration#ZERO} when nothing was served
 * @param maxLatency the highest latency seen, {@link Duration#ZERO} when nothing was served
 */
public record SlotHealth(long requests, long errors, Duration p95Latency, Duration maxLatency) {
    /** Nothing served yet. */
    public static final SlotHealth NONE = new SlotHealth(0, 0, Duration.ZERO, Duration.ZERO);

    /**
     * Checks the counters.
     *
     * @throws IllegalArgumentException if a count is negative or the errors exceed the requests
     */
    public SlotHealth {
        Objects.requireNonNull(p95Latency, "p95Latency");
        Objects.requireNonNull(maxLatency, "maxLatency");
        if (requests < 0 || errors < 0 || errors > requests) {
            throw new IllegalArgumentException(
                    "need 0 <= errors <= requests, got errors=" + errors + ", requests=" + requests);
        }
    }
}
