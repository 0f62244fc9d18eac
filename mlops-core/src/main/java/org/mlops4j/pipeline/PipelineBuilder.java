package org.mlops4j.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.spi.RemoteTrainer;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRef;

/** The one implementation of the step interfaces: each required step sets its part and returns itself as the next. */
final class PipelineBuilder implements TriggerStep, TrainStep, EvaluateStep, PromoteStep, FinalStep {
    final PipelineServices services;
    final String name;

    @Nullable
    Trigger trigger;

    @Nullable
    Trainer trainer;

    @Nullable
    RemoteTrainer remoteTrainer;

    @Nullable
    String holdout;

    @Nullable
    Evaluator evaluator;

    @Nullable
    ComparisonPolicy policy;

    final Map<String, Preparer> preparations = new LinkedHashMap<>();
    final java.util.Set<String> inputs = new java.util.LinkedHashSet<>();

    @Nullable
    Deployer deployer;

    @Nullable
    String endpoint;

    @Nullable
    Rollout rollout;

    @Nullable
    String championAlias;

    @Nullable
    String modelName;

    @Nullable
    String codeRevision;

    @Nullable
    Boolean dryRun;

    @Nullable
    Clock clock;

    @Nullable
    Duration leaseDuration;

    @Nullable
    Duration leaseWait;

    @Nullable
    Path workDirectory;

    final List<PipelineListener> listeners = new ArrayList<>();

    PipelineBuilder(PipelineServices services, String name) {
        this.services = Objects.requireNonNull(services, "services");
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("a pipeline name is 1..64 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit; got '" + org.mlops4j.internal.Redaction.abbreviate(name) + "'");
        }
        this.name = name;
    }

    @Override
    public TrainStep trigger(Trigger trigger) {
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        return this;
    }

    @Override
    public EvaluateStep train(Trainer trainer) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        return this;
    }

    @Override
    public EvaluateStep trainRemotely(RemoteTrainer trainer) {
        this.remoteTrainer = Objects.requireNonNull(trainer, "trainer");
        return this;
    }

    @Override
    public PromoteStep evaluateOn(String holdoutDataset, Evaluator evaluator) {
        this.holdout = DatasetRef.requireValidName(Objects.requireNonNull(holdoutDataset, "holdoutDataset"));
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        return this;
    }

    @Override
    public FinalStep promoteWhen(ComparisonPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    @Override
    public FinalStep prepare(String derivedDataset, Preparer preparer) {
        DatasetRef.requireValidName(Objects.requireNonNull(derivedDataset, "derivedDataset"));
        Objects.requireNonNull(preparer, "preparer");
        if (preparations.containsKey(derivedDataset)) {
            throw new IllegalArgumentException("dataset '" + derivedDataset + "' is already prepared by an earlier"
                    + " prepare(...) step; give each preparation its own dataset name");
        }
        preparations.put(derivedDataset, preparer);
        return this;
    }

    @Override
    public FinalStep input(String dataset) {
        inputs.add(DatasetRef.requireValidName(Objects.requireNonNull(dataset, "dataset")));
        return this;
    }

    @Override
    public FinalStep deployTo(Deployer deployer, String endpoint, Rollout rollout) {
        Objects.requireNonNull(deployer, "deployer");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(rollout, "rollout");
        once(this.deployer, "deployTo");
        if (!endpoint.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(
                    "an endpoint name is 1..64 letters, digits, '.', '_' or '-', got '" + endpoint + "'");
        }
        this.deployer = deployer;
        this.endpoint = endpoint;
        this.rollout = rollout;
        return this;
    }

    @Override
    public FinalStep championAlias(String alias) {
        once(championAlias, "championAlias");
        this.championAlias = ModelAlias.requireValidAlias(Objects.requireNonNull(alias, "alias"));
        return this;
    }

    @Override
    public FinalStep modelName(String name) {
        once(modelName, "modelName");
        this.modelName = ModelRef.requireValidName(Objects.requireNonNull(name, "name"));
        return this;
    }

    @Override
    public FinalStep codeRevision(String revision) {
        Objects.requireNonNull(revision, "revision");
        once(codeRevision, "codeRevision");
        if (revision.isBlank()) {
            throw new IllegalArgumentException("codeRevision must not be blank; use e.g. a git commit, or 'unknown'");
        }
        this.codeRevision = revision;
        return this;
    }

    @Override
    public FinalStep listener(PipelineListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    @Override
    public FinalStep dryRun(boolean dryRun) {
        once(this.dryRun, "dryRun");
        this.dryRun = dryRun;
        return this;
    }

    @Override
    public FinalStep clock(Clock clock) {
        once(this.clock, "clock");
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    @Override
    public FinalStep leaseDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        once(leaseDuration, "leaseDuration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("leaseDuration must be positive, got " + duration);
        }
        this.leaseDuration = duration;
        return this;
    }

    @Override
    public FinalStep leaseWait(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        once(leaseWait, "leaseWait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("leaseWait must not be negative, got " + wait);
        }
        this.leaseWait = wait;
        return this;
    }

    @Override
    public FinalStep workDirectory(Path directory) {
        once(workDirectory, "workDirectory");
        this.workDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    @Override
    public RetrainingPipeline build() {
        List<String> watchedOrInputs =
                new ArrayList<>(Objects.requireNonNull(trigger).datasets());
        watchedOrInputs.addAll(inputs);
        for (String watched : watchedOrInputs) {
            if (preparations.containsKey(watched)) {
                throw new IllegalStateException("prepare(\"" + watched + "\", …) derives a dataset the trigger watches;"
                        + " a run would trigger the next one. Prepare a dataset of another name");
            }
        }
        return new RetrainingPipeline(this);
    }

    private static void once(@Nullable Object current, String setting) {
        if (current != null) {
            throw new IllegalStateException(setting + " was already set to " + current + "; set it once");
        }
    }

    @Override
    public String toString() {
        return "PipelineBuilder{" + name + "}";
    }
}
