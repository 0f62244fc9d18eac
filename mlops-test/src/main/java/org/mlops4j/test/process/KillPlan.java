package org.mlops4j.test.process;

import java.time.Duration;
import java.util.Objects;

/** How one iteration of a {@link CrashLoop} ends its child: a halt at a named step, or a SIGKILL after a delay. */
public sealed interface KillPlan permits KillPlan.Halt, KillPlan.Sigkill {
    /**
     * Halts the child with {@code Runtime.halt} when it reaches a step.
     *
     * @param step the step's name
     * @param occurrence which time the step is reached, from 1
     * @return the plan
     */
    static KillPlan halt(String step, long occurrence) {
        return new Halt(new HaltPoint(step, occurrence));
    }

    /**
     * Kills the child with SIGKILL a while after it reports ready.
     *
     * @param delay how long after the ready line
     * @return the plan
     */
    static KillPlan sigkillAfter(Duration delay) {
        return new Sigkill(delay);
    }

    /**
     * The child halts itself at a point.
     *
     * @param point where
     */
    record Halt(HaltPoint point) implements KillPlan {
        /** Validates the plan. */
        public Halt {
            Objects.requireNonNull(point, "point");
        }

        @Override
        public String toString() {
            return "halt at " + point;
        }
    }

    /**
     * The parent kills the child with SIGKILL ({@link Process#destroyForcibly()}).
     *
     * @param delay how long after the child's ready line
     */
    record Sigkill(Duration delay) implements KillPlan {
        /**
         * Validates the plan.
         *
         * @throws IllegalArgumentException if the delay is negative
         */
        public Sigkill {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a kill delay must not be negative, got " + delay);
            }
        }

        @Override
        public String toString() {
            return "SIGKILL after " + delay.toMillis() + " ms";
        }
    }
}
