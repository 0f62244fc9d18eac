package org.mlops4j.deploy;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How traffic moves to a new model version. A closed set a deployer branches on:
 *
 * <ul>
 *   <li>{@link #replace()}: the new version takes all traffic at once, the old one is dropped;
 *   <li>{@link #blueGreen()}: the new version starts in the idle slot, gets all traffic in one switch, and the old slot
 *       stays warm for {@link Deployer#rollback};
 *   <li>{@link #canary(HealthGate, int...)}: the new slot's share rises through the steps, each step watched by the
 *       gate; a failed gate puts all traffic back on the old slot;
 *   <li>{@link #shadow(int)}: the new version gets a copy of a share of requests, its answers are counted and thrown
 *       away; callers are always answered by the live slot.
 * </ul>
 */
public sealed interface Rollout {
    /** Returns a rollout that swaps the model in place. */
    static Rollout replace() {
        return new Replace();
    }

    /** Returns a blue/green rollout: one switch, the old slot kept for rollback. */
    static Rollout blueGreen() {
        return new BlueGreen();
    }

    /**
     * Returns a canary rollout with the default gate.
     *
     * @param percentSteps rising shares of traffic for the new slot, ending at 100
     * @return the rollout
     * @throws IllegalArgumentException if the steps are empty, not rising, outside 1..100 or do not end at 100
     */
    static Rollout canary(int... percentSteps) {
        return new Canary(Arrays.stream(percentSteps).boxed().toList(), HealthGate.ofDefaults());
    }

    /**
     * Returns a canary rollout.
     *
     * @param gate judges each step
     * @param percentSteps rising shares of traffic for the new slot, ending at 100
     * @return the rollout
     * @throws IllegalArgumentException if the steps are empty, not rising, outside 1..100 or do not end at 100
     */
    static Rollout canary(HealthGate gate, int... percentSteps) {
        return new Canary(Arrays.stream(percentSteps).boxed().toList(), gate);
    }

    /**
     * Returns a shadow rollout.
     *
     * @param percent share of requests copied to the new version, 1..100
     * @return the rollout
     * @throws IllegalArgumentException if the share is outside 1..100
     */
    static Rollout shadow(int percent) {
        return new Shadow(percent);
    }

    /** Swap in place. */
    record Replace() implements Rollout {
        @Override
        public String toString() {
            return "replace";
        }
    }

    /** One switch between two warm slots. */
    record BlueGreen() implements Rollout {
        @Override
        public String toString() {
            return "blueGreen";
        }
    }

    /**
     * Rising shares for the new slot, each step gated.
     *
     * @param percentSteps rising shares ending at 100
     * @param gate judges each step
     */
    record Canary(List<Integer> percentSteps, HealthGate gate) implements Rollout {
        /**
         * Checks the steps.
         *
         * @throws IllegalArgumentException if the steps are empty, not rising, outside 1..100 or do not end at 100
         */
        public Canary {
            percentSteps = List.copyOf(percentSteps);
            Objects.requireNonNull(gate, "gate");
            int last = 0;
            for (int step : percentSteps) {
                if (step <= last || step > 100) {
                    throw new IllegalArgumentException(
                            "canary steps rise within 1..100, got " + percentSteps + "; e.g. canary(10, 50, 100)");
                }
                last = step;
            }
            if (last != 100) {
                throw new IllegalArgumentException(
                        "canary steps end at 100, got " + percentSteps + "; e.g. canary(10, 50, 100)");
            }
        }

        @Override
        public String toString() {
            return "canary" + percentSteps;
        }
    }

    /**
     * A copy of a share of requests, answers discarded.
     *
     * @param percent 1..100
     */
    record Shadow(int percent) implements Rollout {
        /**
         * Checks the share.
         *
         * @throws IllegalArgumentException if the share is outside 1..100
         */
        public Shadow {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("a shadow share is within 1..100 percent, got " + percent);
            }
        }

        @Override
        public String toString() {
            return "shadow(" + percent + "%)";
        }
    }
}
