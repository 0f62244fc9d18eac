package org.mlops4j.test.process;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How one child of a {@link CrashLoop} ended.
 *
 * @param iteration the iteration, from 0
 * @param plan what was planned
 * @param landedAt the step the child had last reached when it died ({@link CrashLoop#NO_STEP} if none)
 * @param exitCode the child's exit code: {@link HaltPoint#EXIT_CODE} after a halt, 137 after a SIGKILL
 * @param stdout the file holding the child's standard output
 * @param stderr the file holding the child's standard error
 */
public record KillOutcome(int iteration, KillPlan plan, String landedAt, int exitCode, Path stdout, Path stderr) {
    /** Validates the outcome. */
    public KillOutcome {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(landedAt, "landedAt");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** Returns true if the child halted itself at a named point. */
    public boolean isHalt() {
        return plan instanceof KillPlan.Halt;
    }
}
