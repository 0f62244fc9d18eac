package org.mlops4j.deploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Judges a slot during a canary step: the step passes once the slot has served {@code minRequests} with an error rate
 * and a p95 latency within bounds and every user check holding; it fails as soon as a bound is broken after
 * {@code minRequests}, and also when {@code maxWait} passes before enough requests arrived (an untested slot is not a
 * healthy one). Immutable and thread-safe.
 *
 * <pre>{@code
 * HealthGate gate = HealthGate.custom()
 *         .maxErrorRate(0.01)
 *         .maxP95Latency(Duration.ofMillis(200))
 *         .minRequests(200)
 *         .check("no empty answers", m -> m.requests() > 0)
 *         .build();
 * }</pre>
 */
public final class HealthGate {
    private final double maxErrorRate;
    private final Duration maxP95Latency;
    private final long minRequests;
    private final Duration maxWait;
    private final List<NamedCheck> checks;

    private HealthGate(Builder builder) {
        this.maxErrorRate = builder.maxErrorRate;
        this.maxP95Latency = builder.maxP95Latency;
        this.minRequests = builder.minRequests;
        this.maxWait = builder.maxWait;
        this.checks = List.copyOf(builder.checks);
    }

    /** Returns the defaults: error rate ≤ 1%, p95 ≤ 1 s, 100 requests, at most 10 minutes per step. */
    public static HealthGate ofDefaults() {
        return custom().build();
    }

    /** Returns a builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Judges a slot's counters.
     *
     * @param metrics what the slot served during the step
     * @param waited how long the step has been watched
     * @return the verdict with its reason
     */
    public GateResult evaluate(SlotMetrics metrics, Duration waited) {
        if (metrics.requests() >= minRequests) {
            if (metrics.errorRate() > maxErrorRate) {
                return GateResult.fail(String.format(
                        java.util.Locale.ROOT,
                        "slot %s: error rate %.4f (%d of %d) above %.4f",
                        metrics.slot(),
                        metrics.errorRate(),
                        metrics.errors(),
                        metrics.requests(),
                        maxErrorRate));
            }
            if (metrics.p95Latency().compareTo(maxP95Latency) > 0) {
                return GateResult.fail("slot " + metrics.slot() + ": p95 latency "
                        + metrics.p95Latency().toMillis() + " ms above " + maxP95Latency.toMillis() + " ms");
            }
            for (NamedCheck check : checks) {
                if (!check.predicate().test(metrics)) {
                    return GateResult.fail("slot " + metrics.slot() + ": check '" + check.name() + "' failed");
                }
            }
            return GateResult.pass("slot " + metrics.slot() + ": " + metrics.requests() + " requests, error rate "
                    + metrics.errorRate() + ", p95 " + metrics.p95Latency().toMillis() + " ms");
        }
        if (waited.compareTo(maxWait) >= 0) {
            return GateResult.fail("slot " + metrics.slot() + ": only " + metrics.requests() + " of " + minRequests
                    + " requests within " + maxWait);
        }
        return GateResult.waiting(
                "slot " + metrics.slot() + ": " + metrics.requests() + " of " + minRequests + " requests");
    }

    /** Returns the highest error rate that passes. */
    public double getMaxErrorRate() {
        return maxErrorRate;
    }

    /** Returns the highest p95 latency that passes. */
    public Duration getMaxP95Latency() {
        return maxP95Latency;
    }

    /** Returns how many requests a step must see before it can pass. */
    public long getMinRequests() {
        return minRequests;
    }

    /** Returns how long a step may wait for its requests. */
    public Duration getMaxWait() {
        return maxWait;
    }

    @Override
    public String toString() {
        List<String> names = checks.stream().map(NamedCheck::name).toList();
        return "HealthGate{maxErrorRate=" + maxErrorRate + ", maxP95Latency=" + maxP95Latency + ", minRequests="
                + minRequests + ", maxWait=" + maxWait + (names.isEmpty() ? "" : ", checks=" + names) + "}";
    }

    /**
     * The gate's verdict on one look.
     *
     * @param state pass, fail or keep waiting
     * @param reason why, naming the slot and the figures
     */
    public record GateResult(State state, String reason) {
        /** The three answers a gate gives. */
        public enum State {
            /** Enough requests, all bounds held. */
            PASS,
            /** A bound was broken, or the wait ran out: roll back. */
            FAIL,
            /** Not enough requests yet. */
            WAIT
        }

        /** Checks the components. */
        public GateResult {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
        }

        static GateResult pass(String reason) {
            return new GateResult(State.PASS, reason);
        }

        static GateResult fail(String reason) {
            return new GateResult(State.FAIL, reason);
        }

        static GateResult waiting(String reason) {
            return new GateResult(State.WAIT, reason);
        }
    }

    private record NamedCheck(String name, Predicate<SlotMetrics> predicate) {}

    /** Builds a {@link HealthGate}; each setting may be set once. */
    public static final class Builder {
        private double maxErrorRate = 0.01;
        private Duration maxP95Latency = Duration.ofSeconds(1);
        private long minRequests = 100;
        private Duration maxWait = Duration.ofMinutes(10);
        private final List<NamedCheck> checks = new ArrayList<>();
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {}

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set on this HealthGate builder");
            }
        }

        /**
         * Sets the highest error rate that passes.
         *
         * @param rate 0..1
         * @return this builder
         * @throws IllegalArgumentException if the rate is outside 0..1
         */
        @CanIgnoreReturnValue
        public Builder maxErrorRate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("maxErrorRate must be within 0..1, got " + rate);
            }
            once("maxErrorRate");
            this.maxErrorRate = rate;
            return this;
        }

        /**
         * Sets the highest p95 latency that passes.
         *
         * @param latency a positive duration
         * @return this builder
         * @throws IllegalArgumentException if the latency is not positive
         */
        @CanIgnoreReturnValue
        public Builder maxP95Latency(Duration latency) {
            requirePositive("maxP95Latency", latency);
            once("maxP95Latency");
            this.maxP95Latency = latency;
            return this;
        }

        /**
         * Sets how many requests a step must see before it can pass.
         *
         * @param requests at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        @CanIgnoreReturnValue
        public Builder minRequests(long requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("minRequests must be at least 1, got " + requests);
            }
            once("minRequests");
            this.minRequests = requests;
            return this;
        }

        /**
         * Sets how long a step may wait for {@code minRequests} before it fails.
         *
         * @param wait a positive duration (measured on the deployer's clock)
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        @CanIgnoreReturnValue
        public Builder maxWait(Duration wait) {
            requirePositive("maxWait", wait);
            once("maxWait");
            this.maxWait = wait;
            return this;
        }

        /**
         * Adds a user check that must hold for a step to pass.
         *
         * @param name what it checks, shown in the gate's reason
         * @param predicate true when healthy; must be fast and not throw
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder check(String name, Predicate<SlotMetrics> predicate) {
            checks.add(new NamedCheck(
                    Objects.requireNonNull(name, "name"), Objects.requireNonNull(predicate, "predicate")));
            return this;
        }

        /** Returns the gate. */
        public HealthGate build() {
            return new HealthGate(this);
        }

        private static void requirePositive(String name, @Nullable Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }
    }
}
