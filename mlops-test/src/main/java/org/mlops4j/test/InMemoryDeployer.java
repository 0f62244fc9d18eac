package org.mlops4j.test;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.DeploymentHistory;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.store.ObjectStore;

/**
 * Builds a {@link Deployer} over an {@link InMemoryDeploymentTarget}: the library's one rollout state machine
 * (idempotent operation ids, stale plans, canary gates and rollback, deployment events) over a fake backend that
 * serves nothing but keeps its books exactly. Books, the fake's state and the events live in one store (its own
 * {@link InMemoryObjectStore} by default, or the lake, so that they survive a process restart in crash tests).
 *
 * <pre>{@code
 * Deployer deployer = InMemoryDeployer.builder().store(lake).history(mlops.deployments()).build();
 * pipeline = mlops.pipeline("churn")…deployTo(deployer, "churn", Rollout.canary(10, 100))…build();
 * }</pre>
 */
public final class InMemoryDeployer {
    /** The target name under which events are recorded. */
    public static final String TARGET = InMemoryDeploymentTarget.NAME;

    private InMemoryDeployer() {}

    /** Returns a deployer on its own in-memory store with the system clock and healthy slots. */
    public static Deployer create() {
        return builder().build();
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One deployment event as tests read it: an apply that ended, a rollback, or a canary the gate rolled back.
     *
     * @param endpoint the endpoint
     * @param event its number on the endpoint, from 1
     * @param operation the operation that wrote it
     * @param kind {@code apply}, {@code gate-rollback} or {@code rollback}
     * @param model the model live (or shadowed) after it
     * @param previous the model live before (for a gate rollback: the one rolled back), or null
     * @param at when
     */
    public record DeploymentEvent(
            String endpoint,
            long event,
            OperationId operation,
            String kind,
            ModelRef model,
            @Nullable ModelRef previous,
            Instant at) {}

    /**
     * Reads an endpoint's deployment events as a deployer recorded them, oldest first.
     *
     * @param deployer the deployer
     * @param endpoint the endpoint
     * @return the events
     */
    public static List<DeploymentEvent> events(Deployer deployer, String endpoint) {
        return deployer.events(endpoint).stream().map(InMemoryDeployer::kindOf).toList();
    }

    private static DeploymentEvent kindOf(org.mlops4j.deploy.DeploymentEvent e) {
        if (e.rollout().equals("rollback")) {
            return new DeploymentEvent(
                    e.endpoint(), e.number(), e.operationId(), "rollback", e.model(), e.previous(), e.at());
        }
        if (e.status().equals(OperationStatus.ROLLED_BACK)) {
            return new DeploymentEvent(
                    e.endpoint(),
                    e.number(),
                    e.operationId(),
                    "gate-rollback",
                    Objects.requireNonNullElse(e.live(), e.model()),
                    e.model(),
                    e.at());
        }
        return new DeploymentEvent(e.endpoint(), e.number(), e.operationId(), "apply", e.model(), e.previous(), e.at());
    }

    /** Configures the deployer and its fake target; each setting once. */
    public static final class Builder {
        private @Nullable ObjectStore store;
        private @Nullable Clock clock;
        private @Nullable BiFunction<String, ModelRef, SlotMetrics> slotMetrics;
        private @Nullable DeploymentHistory history;

        private Builder() {}

        /**
         * Records every deployment event in the lake's shared history ({@code mlops.deployments()}), so that
         * {@code explain(endpoint)} sees this deployer's changes; by default they are recorded in the store.
         *
         * @param history the history
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder history(DeploymentHistory history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /**
         * Keeps the books in this store (e.g. the lake), so they survive a restart.
         *
         * @param store the store
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder store(ObjectStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the clock of timestamps and gate waits.
         *
         * @param clock the clock
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the counters a canary slot reports to the health gate (default: healthy).
         *
         * @param metrics (slot, model) to counters
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder slotMetrics(BiFunction<String, ModelRef, SlotMetrics> metrics) {
            this.slotMetrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Builds the deployer; it polls its fake every millisecond, since the fake takes no real time. */
        public Deployer build() {
            ObjectStore books = store != null ? store : new InMemoryObjectStore();
            InMemoryDeploymentTarget.Builder target =
                    InMemoryDeploymentTarget.builder().store(books);
            if (slotMetrics != null) {
                target.slotMetrics(slotMetrics);
            }
            Deployer.Builder deployer =
                    Deployer.builder().target(target.build()).store(books).pollInterval(Duration.ofMillis(1));
            if (history != null) {
                deployer.history(history);
            }
            if (clock != null) {
                deployer.clock(clock);
            }
            return deployer.build();
        }
    }
}
