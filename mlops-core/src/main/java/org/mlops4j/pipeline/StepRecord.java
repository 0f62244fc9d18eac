package org.mlops4j.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;

/**
 * What a step that ran hands to the {@link StepRunner} to journal: done with its inputs and outputs (and, for
 * {@code compare}, the verdict), or skipped with a reason.
 */
record StepRecord(
        String status,
        Map<String, String> inputs,
        Map<String, String> outputs,
        @Nullable Decision decision,
        List<Finding> findings) {
    StepRecord {
        Objects.requireNonNull(status, "status");
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
        findings = List.copyOf(findings);
    }

    /** The step did its work; {@code inputs} are the dataset versions it read, with their digests. */
    static StepRecord done(Map<String, String> inputs, Map<String, String> outputs) {
        return new StepRecord(StepOutcome.DONE, inputs, outputs, null, List.of());
    }

    /** The step did its work, reading no dataset. */
    static StepRecord done(Map<String, String> outputs) {
        return done(Map.of(), outputs);
    }

    /** The {@code compare} step: the verdict's decision and findings besides its outputs. */
    static StepRecord compared(Map<String, String> outputs, Verdict verdict) {
        return new StepRecord(StepOutcome.DONE, Map.of(), outputs, verdict.getDecision(), verdict.getFindings());
    }

    /** The step had nothing to do, and says why. */
    static StepRecord skipped(String reason) {
        return new StepRecord(StepOutcome.SKIPPED, Map.of(), Map.of("reason", reason), null, List.of());
    }
}
