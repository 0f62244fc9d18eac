package org.mlops4j.deploy.local;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.StorageException;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.DeploymentHistory;
import org.mlops4j.deploy.DeploymentServices;
import org.mlops4j.deploy.ModelLoader;
import org.mlops4j.deploy.spi.DeploymentTarget;

/**
 * Builds a {@link Deployer} over the local target: model versions served in this JVM. The deployer runs the
 * rollouts; the target serves.
 *
 * <p>The HTTP front is given with {@link Builder#front(ScoringFront.Factory)}: module {@code mlops-serving}'s
 * {@code ScoringServer.builder()} (host, port, size limit, threads and timeouts are set there). Without a front the
 * target serves in this process only: {@code status(…).findScoringUri()} is empty. One front carries every
 * endpoint:
 *
 * <ul>
 *   <li>{@code POST /endpoints/<name>/score} with {@code {"rows":[{"x":1.0,"city":"Oslo"}, …]}} answers
 *       {@code {"predictions":[…]}}, with the headers {@code X-Mlops-Slot} (the slot that answered) and
 *       {@code X-Mlops-Model} ({@code name@version}); a body above the size limit gets 413, bad JSON or bad rows 400,
 *       a failing model (or one that returns a NaN or an infinity) 500, each with a JSON {@code {"error": "…"}} body;
 *   <li>{@code GET /endpoints/<name>/health}: the endpoint's slots, shares and counters;
 *   <li>{@code GET /health}: the server and its endpoints.
 * </ul>
 *
 * <p>An endpoint has up to two slots, {@code blue} and {@code green}. Traffic is split between them by weight; a
 * shadow slot gets a copy of a share of requests, answered by nobody (its answers are counted and discarded, off the
 * caller's path). A switch swaps an immutable routing table, so no request fails or is dropped during it, and a
 * predictor that leaves the table is closed only after its in-flight requests end. Each slot counts requests, errors
 * (5xx) and latency in a bounded histogram; these feed the status and the canary's health gate. Bad requests (4xx)
 * are not errors of the slot.
 *
 * <p>The deployer's books and events live in the lake of the {@code Mlops} given; the target keeps each endpoint's
 * layout there too and serves it again when a new one starts on the same lake: it checks the models' artifacts out
 * of the registry into its artifact cache and loads them through its {@link ModelLoader}s.
 *
 * <pre>{@code
 * try (Deployer deployer = LocalDeployer.builder()
 *         .mlops(mlops)
 *         .loader(new LinearModelLoader())
 *         .front(ScoringServer.builder().port(8080))
 *         .build()) {
 *     DeploymentPlan plan = deployer.plan("churn", model, Rollout.blueGreen(), OperationId.of("run-42"));
 *     Deployment done = deployer.beginApply(plan).getFinalResult();
 *     String uri = deployer.status("churn").findScoringUri().orElseThrow();
 * }
 * }</pre>
 *
 */
public final class LocalDeployer {
    /** The target name written into deployment events. */
    public static final String TARGET = "local";

    private LocalDeployer() {}

    /** Returns the first step of the builder: the {@code Mlops} whose lake, registry and clock the deployer uses. */
    public static MlopsStep builder() {
        return new Builder();
    }

    // --- builder -----------------------------------------------------------------------------------------------

    /** The builder's first step. A step type for chaining: not to be implemented or stored by users. */
    public interface MlopsStep {
        /**
         * Sets the {@code Mlops} whose lake (desired state, events), registry (artifacts) and clock are used.
         *
         * @param mlops the instance; it must outlive the deployer
         * @return the next step
         */
        LoaderStep mlops(DeploymentServices mlops);
    }

    /** The builder's second step. A step type for chaining: not to be implemented or stored by users. */
    public interface LoaderStep {
        /**
         * Adds a loader; a model is loaded by the first loader that supports it.
         *
         * @param loader the loader
         * @return the builder, to add more loaders or settings
         */
        Builder loader(ModelLoader loader);
    }

    /** Builds a {@link Deployer} over the local target; each setting may be set once, loaders added many times. */
    public static final class Builder implements MlopsStep, LoaderStep {
        private @Nullable DeploymentServices mlops;
        private final List<ModelLoader> loaders = new ArrayList<>();
        private ScoringFront.@Nullable Factory front;
        private @Nullable Clock clock;
        private Duration pollInterval = Duration.ofMillis(200);
        private @Nullable Path artifactCache;
        private final Set<String> set = new HashSet<>();

        private Builder() {}

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set on this LocalDeployer builder");
            }
        }

        @Override
        public Builder mlops(DeploymentServices mlops) {
            once("mlops");
            this.mlops = Objects.requireNonNull(mlops, "mlops");
            return this;
        }

        @Override
        @CanIgnoreReturnValue
        public Builder loader(ModelLoader loader) {
            loaders.add(Objects.requireNonNull(loader, "loader"));
            return this;
        }

        /**
         * Sets the HTTP front to serve the endpoints on, e.g. {@code ScoringServer.builder().port(8080)} from module
         * {@code mlops-serving} (its host, port, size limit and threads are set on that builder). Without one the
         * target serves in this process only and has no scoring URI.
         *
         * @param factory starts the front once, when the target starts
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder front(ScoringFront.Factory factory) {
            once("front");
            this.front = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets the deployer's clock for timestamps and the canary gate's maxWait; the {@code Mlops} clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the directory models' artifacts are checked out into (kept across runs); by default a temp directory
         * deleted when the target closes.
         *
         * @param directory the directory
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder artifactCache(Path directory) {
            once("artifactCache");
            this.artifactCache = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets how long a poller's {@code waitForCompletion} and {@code getFinalResult} pause between polls; 200 ms by
         * default.
         *
         * @param interval a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        @CanIgnoreReturnValue
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, got " + interval);
            }
            once("pollInterval");
            this.pollInterval = interval;
            return this;
        }

        /**
         * Starts the local target and its front, then builds the deployer over it, which serves again what its books in
         * the lake say.
         *
         * @return the deployer; close it when done (that stops the front)
         * @throws IllegalStateException if no loader was added
         * @throws StorageException if the artifact cache cannot be created
         * @throws org.mlops4j.common.MlopsException if the front cannot start (say, its port is in use)
         */
        public Deployer build() {
            return deployerOver(buildLocalTarget());
        }

        /**
         * Starts the local target alone, without a deployer: to run it under a {@link Deployer} built otherwise, or
         * through the {@code DeploymentTargetContract} suite.
         *
         * @return the target; close it when done
         * @throws IllegalStateException if no loader was added
         * @throws StorageException if the artifact cache cannot be created
         * @throws org.mlops4j.common.MlopsException if the front cannot start (say, its port is in use)
         */
        public DeploymentTarget buildTarget() {
            return buildLocalTarget();
        }

        /** The target with what only this package sees (its front, its engine). */
        LocalTarget buildLocalTarget() {
            DeploymentServices instance = Objects.requireNonNull(mlops, "mlops");
            if (loaders.isEmpty()) {
                throw new IllegalStateException("add at least one ModelLoader with loader(…)");
            }
            ModelArtifacts models = ModelArtifacts.open(instance.registry(), loaders, artifactCache);
            try {
                return new LocalTarget(instance.objectStore(), models, front);
            } catch (RuntimeException e) {
                models.close();
                throw e;
            }
        }

        /** A deployer over a target built by this builder, on the {@code Mlops}'s lake and clock. */
        Deployer deployerOver(DeploymentTarget target) {
            DeploymentServices instance = Objects.requireNonNull(mlops, "mlops");
            DeploymentHistory history = instance.deployments();
            try {
                return Deployer.builder()
                        .target(target)
                        .history(history)
                        .clock(clock != null ? clock : instance.clock())
                        .pollInterval(pollInterval)
                        .build();
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
        }

        @Override
        public String toString() {
            return "LocalDeployer.Builder{front=" + front + ", loaders=" + loaders + "}";
        }
    }
}
