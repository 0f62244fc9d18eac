package org.mlops4j.report;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of the story a report tells: a new dataset version, a trigger, a training run, a verdict, a rollout.
 *
 * @param time when it happened
 * @param kind a short word for what happened ({@code snapshot}, {@code train}, {@code promote}, …)
 * @param text what happened, in a sentence; any text (it is escaped in reports)
 */
public record ReportEvent(Instant time, String kind, String text) {
    /**
     * Validates the event.
     *
     * @throws NullPointerException if a component is null
     */
    public ReportEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }
}
