package org.mlops4j.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How one step of a run ended, as journaled.
 *
 * @param step the step's name
 * @param status {@link #DONE}, {@link #SKIPPED} or {@link #PLANNED} (dry run)
 * @param outputs what it produced: ids of dataset versions, the model version, the operation, …
 * @param resumed whether this process found it in the journal instead of running it
 * @param finished when it was journaled
 */
public record StepOutcome(String step, String status, Map<String, String> outputs, boolean resumed, Instant finished) {
    /** The step ran and its outputs are journaled. */
    public static final String DONE = "done";
    /** The step had nothing to do (no promotion, nothing to deploy). */
    public static final String SKIPPED = "skipped";
    /** Dry run: what the step would do, in {@code outputs.get("plan")}. */
    public static final String PLANNED = "planned";

    /** Validates and copies the value. */
    public StepOutcome {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finished, "finished");
        outputs = Map.copyOf(outputs);
    }

    @Override
    public String toString() {
        return step + " " + status + (resumed ? " (journaled before)" : "") + (outputs.isEmpty() ? "" : " " + outputs);
    }
}
