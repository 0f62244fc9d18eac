package org.mlops4j.deploy;

import java.util.Objects;
import org.mlops4j.registry.ModelRef;

/**
 * One slot of an endpoint: the model version it serves, its share of live traffic, its shadow share and counters.
 *
 * @param slot the slot's name ({@code blue}, {@code green})
 * @param model the model version the slot serves
 * @param trafficPercent share of callers answered by this slot, 0..100
 * @param shadowPercent share of requests copied to this slot with the answer discarded, 0..100
 * @param metrics the slot's counters
 */
public record SlotStatus(String slot, ModelRef model, int trafficPercent, int shadowPercent, SlotMetrics metrics) {
    /**
     * Checks the shares.
     *
     * @throws IllegalArgumentException if a share is outside 0..100
     */
    public SlotStatus {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metrics, "metrics");
        if (trafficPercent < 0 || trafficPercent > 100 || shadowPercent < 0 || shadowPercent > 100) {
            throw new IllegalArgumentException(
                    "shares are within 0..100, got traffic " + trafficPercent + ", shadow " + shadowPercent);
        }
    }
}
