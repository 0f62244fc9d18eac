package org.mlops4j.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Finding;

/**
 * One append-only record of a run's journal ({@code docs/pipeline-journal.md}): a step that finished, with its input
 * digests, its outputs, the verdict where it has one, the time and the lease's fencing token.
 *
 * @param sequence the record's number in the run's journal, from 1
 * @param step the step ({@code run} for the run's start and end records)
 * @param status {@code started} or {@code finished} for {@code run}; {@link StepOutcome#DONE} or
 *     {@link StepOutcome#SKIPPED} for the others, or {@link #SUBMITTED} for a remote training job's handle
 * @param at when it was written, on the pipeline's clock
 * @param fencingToken the lease's fencing token of the writer
 * @param inputs input dataset versions and their digests ({@code name@v sha256:…}), by name
 * @param outputs what the step produced (ids, refs, metric values as decimal text)
 * @param decision the verdict's decision ({@code compare} only)
 * @param findings the verdict's findings ({@code compare} only)
 */
public record JournalEntry(
        long sequence,
        String step,
        String status,
        Instant at,
        long fencingToken,
        Map<String, String> inputs,
        Map<String, String> outputs,
        @Nullable Decision decision,
        List<Finding> findings) {
    /** The step name of the run's own start and end records. */
    public static final String RUN = "run";
    /** The status of the run's start record. */
    public static final String STARTED = "started";
    /** The status of the run's end record. */
    public static final String FINISHED = "finished";
    /**
     * The status of a {@code train} record written when a remote training job was submitted, before the pipeline waits
     * for it: its {@code handle} output is what a resumed run re-attaches through. Not a step outcome.
     */
    public static final String SUBMITTED = "submitted";

    /**
     * Validates and copies the value.
     *
     * @throws IllegalArgumentException if the sequence is below 1
     */
    public JournalEntry {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
        findings = List.copyOf(findings);
        if (sequence < 1) {
            throw new IllegalArgumentException("journal sequence numbers start at 1, got " + sequence);
        }
    }

    /**
     * Finds an output.
     *
     * @param key the output's name
     * @return its value, or empty
     */
    public Optional<String> findOutput(String key) {
        return Optional.ofNullable(outputs.get(key));
    }

    /** Returns whether this is the run's end record. */
    public boolean isRunFinished() {
        return step.equals(RUN) && status.equals(FINISHED);
    }

    @Override
    public String toString() {
        return "#" + sequence + " " + step + " " + status + " at " + at + " token " + fencingToken
                + (inputs.isEmpty() ? "" : " inputs " + inputs) + (outputs.isEmpty() ? "" : " outputs " + outputs)
                + (decision == null ? "" : " " + decision);
    }
}
