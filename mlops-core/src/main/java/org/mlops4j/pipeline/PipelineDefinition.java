package org.mlops4j.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.spi.RemoteTrainer;

/**
 * A built pipeline's settings with their defaults filled in, shared by the pipeline, its runs and its dry runs.
 * Immutable apart from the event publisher's listeners.
 */
final class PipelineDefinition {
    final PipelineServices services;
    final String name;
    final Trigger trigger;
    /** Exactly one of {@link #trainer} and {@link #remoteTrainer} is set. */
    final @Nullable Trainer trainer;

    final @Nullable RemoteTrainer remoteTrainer;
    final String holdout;
    final Evaluator evaluator;
    final ComparisonPolicy policy;
    final Map<String, Preparer> preparations;
    final List<String> inputs;
    final @Nullable Deployer deployer;
    final String endpoint;
    final @Nullable Rollout rollout;
    final String championAlias;
    final String model;
    final String codeRevision;
    final boolean dryRun;
    final Clock clock;
    /**
     * What the lease expires by: the store's time ({@link org.mlops4j.store.ObjectStore#clock()}), which every host
     * sharing the lake agrees on, unless a clock was set on this pipeline (tests inject one).
     */
    final Clock leaseClock;

    final Duration leaseDuration;
    final Duration leaseWait;
    final Path workRoot;
    final PipelineEventPublisher publisher = new PipelineEventPublisher();
    /** Who this process is in the lease record: {@code pid <pid> (<random>)}. */
    final String holder;
    /** The description hashed into every run id: changing its text changes the ids of runs not yet started. */
    final String config;

    PipelineDefinition(PipelineBuilder b) {
        this.services = b.services;
        this.name = b.name;
        this.trigger = Objects.requireNonNull(b.trigger);
        this.trainer = b.trainer;
        this.remoteTrainer = b.remoteTrainer;
        if ((trainer == null) == (remoteTrainer == null)) {
            throw new IllegalStateException("a pipeline trains with one trainer, in-process or remote");
        }
        this.holdout = Objects.requireNonNull(b.holdout);
        this.evaluator = Objects.requireNonNull(b.evaluator);
        this.policy = Objects.requireNonNull(b.policy);
        this.preparations = new LinkedHashMap<>(b.preparations);
        this.inputs = List.copyOf(b.inputs);
        this.deployer = b.deployer;
        this.endpoint = b.endpoint == null ? "" : b.endpoint;
        this.rollout = b.rollout;
        this.championAlias = b.championAlias == null ? "champion" : b.championAlias;
        this.model = b.modelName == null ? b.name : b.modelName;
        this.codeRevision = b.codeRevision == null ? "unknown" : b.codeRevision;
        this.dryRun = Boolean.TRUE.equals(b.dryRun);
        this.clock = b.clock == null ? b.services.clock() : b.clock;
        this.leaseClock = b.clock == null ? b.services.objectStore().clock() : b.clock;
        this.leaseDuration = b.leaseDuration == null ? Duration.ofMinutes(5) : b.leaseDuration;
        this.leaseWait = b.leaseWait == null ? Duration.ZERO : b.leaseWait;
        this.workRoot = b.workDirectory == null
                ? Path.of(System.getProperty("java.io.tmpdir"), "mlops4j-pipelines", name)
                : b.workDirectory;
        b.listeners.forEach(publisher::listener);
        this.holder = "pid " + ProcessHandle.current().pid() + " ("
                + UUID.randomUUID().toString().substring(0, 8) + ")";
        this.config =
                "model=" + model + "; trigger=" + trigger + "; inputs=" + inputs + "; prepare=" + preparations.keySet()
                        + "; holdout="
                        + holdout + "; policy=" + policy + "; alias=" + championAlias + "; deploy="
                        + (deployer == null ? "none" : endpoint + " by " + rollout);
    }

    /** Returns whether the dataset is derived by one of this pipeline's preparations. */
    boolean prepares(String dataset) {
        return preparations.containsKey(dataset);
    }

    @Override
    public String toString() {
        return name + (dryRun ? " (dry run)" : "") + ": " + config;
    }
}
