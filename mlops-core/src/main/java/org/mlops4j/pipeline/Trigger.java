package org.mlops4j.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether a pipeline should run now, and says why. Built with {@link Triggers}; combine with {@link #or} and
 * {@link #and}. Implementations are immutable, thread-safe and read-only: evaluating a trigger writes nothing.
 */
public interface Trigger {
    /**
     * Evaluates the trigger.
     *
     * @param context the lake, the clock and what the pipeline's last finished run consumed
     * @return the event if the trigger fires, or empty
     */
    Optional<TriggerEvent> evaluate(TriggerContext context);

    /**
     * Returns the datasets this trigger watches; a run pins their newest versions.
     *
     * @return dataset names, without repeats
     */
    List<String> datasets();

    /**
     * Returns a trigger that fires when this one or {@code other} fires; when both fire, the event names both.
     *
     * @param other the other trigger
     * @return the combined trigger
     */
    default Trigger or(Trigger other) {
        return new Triggers.Combined(this, other, false);
    }

    /**
     * Returns a trigger that fires when this one and {@code other} both fire.
     *
     * @param other the other trigger
     * @return the combined trigger
     */
    default Trigger and(Trigger other) {
        return new Triggers.Combined(this, other, true);
    }
}
