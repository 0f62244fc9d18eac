package org.mlops4j.deploy;

import java.util.Objects;

/**
 * Where a rollout is, as a {@link Poller} reports it.
 *
 * @param step the current step, 0 before the first
 * @param steps how many steps the rollout has
 * @param newSlotPercent the new slot's share of traffic now
 * @param message what is happening, e.g. the health gate's latest reason
 */
public record DeploymentProgress(int step, int steps, int newSlotPercent, String message) {
    /** Checks the components. */
    public DeploymentProgress {
        Objects.requireNonNull(message, "message");
        if (step < 0 || steps < 0 || step > steps || newSlotPercent < 0 || newSlotPercent > 100) {
            throw new IllegalArgumentException(
                    "bad progress: step " + step + " of " + steps + ", " + newSlotPercent + "% on the new slot");
        }
    }
}
