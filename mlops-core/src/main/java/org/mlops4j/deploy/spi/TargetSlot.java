package org.mlops4j.deploy.spi;

import java.util.Objects;
import org.mlops4j.registry.ModelRef;

/**
 * One slot of an endpoint as a target serves it (or is asked to): the model version in it and its shares.
 *
 * @param name the slot's name: lower-case letters, digits and {@code -}, 1..32 characters (core uses {@code blue} and
 *     {@code green})
 * @param model the model version the slot serves
 * @param trafficPercent share of callers the slot answers, 0..100
 * @param mirrorPercent share of requests copied to the slot, answered by nobody (a shadow), 0..100
 */
public record TargetSlot(String name, ModelRef model, int trafficPercent, int mirrorPercent) {
    /**
     * Checks the slot.
     *
     * @throws IllegalArgumentException if the name is not a slot name or a share is outside 0..100
     */
    public TargetSlot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        if (!name.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException(
                    "a slot name is 1..32 lower-case letters, digits or '-', got '" + name + "'");
        }
        if (trafficPercent < 0 || trafficPercent > 100 || mirrorPercent < 0 || mirrorPercent > 100) {
            throw new IllegalArgumentException("slot " + name + ": shares are within 0..100, got traffic "
                    + trafficPercent + ", mirror " + mirrorPercent);
        }
    }

    @Override
    public String toString() {
        return name + "=" + model + ":" + trafficPercent + "/" + mirrorPercent;
    }
}
