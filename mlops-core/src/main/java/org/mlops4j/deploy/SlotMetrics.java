package org.mlops4j.deploy;

import java.time.Duration;
import java.util.Objects;

/**
 * What one slot served since its counters were last reset: what a {@link HealthGate} judges.
 *
 * @param slot the slot's name ({@code blue}, {@code green}, …)
 * @param requests requests answered by the slot
 * @param errors requests that failed (5xx, or the predictor threw)
 * @param p95Latency the 95th percentile of the slot's latency
 * @param maxLatency the highest latency seen
 */
public record SlotMetrics(String slot, long requests, long errors, Duration p95Latency, Duration maxLatency) {
    /**
     * Checks the counters.
     *
     * @throws IllegalArgumentException if a count is negative or errors exceed requests
     */
    public SlotMetrics {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(p95Latency, "p95Latency");
        Objects.requireNonNull(maxLatency, "maxLatency");
        if (requests < 0 || errors < 0 || errors > requests) {
            throw new IllegalArgumentException(
                    "need 0 <= errors <= requests, got errors=" + errors + ", requests=" + requests);
        }
    }

    /** Returns errors / requests, 0 when nothing was served. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
