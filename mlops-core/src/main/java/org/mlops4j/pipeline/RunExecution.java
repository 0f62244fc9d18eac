package org.mlops4j.pipeline;

import static org.mlops4j.pipeline.RetrainingPipeline.STEP_COMPARE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_DEPLOY;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_EVALUATE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_PREPARE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_PROMOTE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_REGISTER;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_RESTORE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_TRAIN;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.common.StorageException;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.internal.FileTrees;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's pass through one run: the steps in order, each a method that does its work and says what to journal,
 * run through the {@link StepRunner} (which replays the ones the journal already has). The rules that make each step
 * safe to redo after a crash are in {@code docs/pipeline-journal.md}.
 */
final class RunExecution {
    private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);

    private final PipelineDefinition pipeline;
    private final Datasets datasets;
    private final ModelRegistry registry;
    private final StepRunner runner;
    private final RunId runId;
    private final TriggerEvent event;
    /** What the trigger pinned; prepared datasets derive from these only, never from each other. */
    private final Map<String, DatasetVersion> inputs;
    /** The inputs and the prepared datasets so far: what the steps see. */
    private final Map<String, DatasetVersion> pinned;

    private @Nullable Deployment deployment;

    RunExecution(PipelineDefinition pipeline, Lease lease, RunStart start) {
        this.pipeline = pipeline;
        this.datasets = pipeline.services.datasets();
        this.registry = pipeline.services.registry();
        this.runId = start.runId();
        this.event = start.event();
        this.inputs = start.inputs();
        this.pinned = new LinkedHashMap<>(start.inputs());
        this.runner = new StepRunner(pipeline, lease, runId, start.journal());
    }

    /** Carries out the run, or reads a finished one back. */
    PipelineRun execute() {
        runner.start(describe(inputs), startOutputs(), event);
        pipeline.preparations.forEach(this::prepare);
        JournalEntry trained = runner.run(STEP_TRAIN, this::train);
        JournalEntry registered = runner.run(STEP_REGISTER, () -> register(trained));
        ModelRef challenger = ModelRef.parse(registered.outputs().get("model"));
        JournalEntry compared = evaluateAndCompare(challenger);
        Decision decision = Objects.requireNonNull(compared.decision(), "decision");
        String championText = compared.outputs().getOrDefault("champion", "");
        ModelRef champion = championText.isEmpty() ? null : ModelRef.parse(championText);
        var unusedPromoted = runner.run(STEP_PROMOTE, () -> promote(decision, challenger, champion));
        Deployer target = pipeline.deployer;
        if (target != null) {
            deploy(target, decision, challenger);
        }
        Deployment deployed = deployment;
        if (deployed != null && !deployed.isSucceeded()) {
            var unusedRestored = runner.run(STEP_RESTORE, () -> restore(challenger, champion, deployed));
        }
        RunStatus status = runner.findFinishedStatus().orElseGet(() -> finish(decision));
        return result(status, decision, compared, champion, challenger);
    }

    private Map<String, String> startOutputs() {
        return Journal.outputs(
                "trigger.kind", event.kind(),
                "trigger.detail", event.detail(),
                "trigger.datasets",
                        String.join(
                                ",",
                                event.datasets().stream()
                                        .map(DatasetRef::toString)
                                        .toList()),
                "codeRevision", pipeline.codeRevision,
                "config", pipeline.config);
    }

    /** {@code prepare:<dataset>}: derives a dataset from the run's inputs and pins it for the later steps. */
    private void prepare(String dataset, Preparer preparer) {
        String step = STEP_PREPARE + ":" + dataset;
        JournalEntry prepared = runner.run(step, () -> derive(step, dataset, preparer));
        pinned.put(dataset, datasets.get(DatasetRef.parse(prepared.outputs().get("dataset"))));
    }

    private StepRecord derive(String step, String dataset, Preparer preparer) {
        Path dir = cleanDirectory(step.replace(':', '-'));
        preparer.prepare(context(dir), dir);
        runner.checkLease();
        DatasetVersion[] sources = inputs.entrySet().stream()
                .filter(e -> !pipeline.prepares(e.getKey()))
                .map(Map.Entry::getValue)
                .toArray(DatasetVersion[]::new);
        DatasetVersion version = datasets.derive(dataset)
                .from(sources)
                .transform(step, pipeline.codeRevision, Map.of("pipeline", pipeline.name))
                .directory(dir)
                .author("pipeline " + pipeline.name)
                .message("prepared by run " + runId)
                .commit();
        return StepRecord.done(
                describe(pinned), Journal.outputs("dataset", version.getRef(), "digest", version.getDigest()));
    }

    /** {@code train}: trains in-process or in a remote job, and stores the artifacts in the lake as a tree. */
    private StepRecord train() {
        Path dir = cleanDirectory(STEP_TRAIN);
        RunContext context = context(dir);
        TrainedModel model = pipeline.remoteTrainer != null
                ? new RemoteTraining(pipeline.remoteTrainer, runner, pipeline).train(context)
                : Objects.requireNonNull(pipeline.trainer).train(context);
        runner.checkLease();
        ContentTrees.StoredTree tree =
                datasets.contentTrees().storeDirectory(model.getArtifacts(), ProgressListener.NONE, "train " + runId);
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("artifacts", tree.digest().toString());
        runner.findNote(STEP_TRAIN, JournalEntry.SUBMITTED)
                .flatMap(submitted -> submitted.findOutput("handle"))
                .ifPresent(handle -> outputs.put("job", handle));
        model.getMetrics().forEach((k, v) -> outputs.put("metric." + k, Double.toString(v)));
        model.getParams().forEach((k, v) -> outputs.put("param." + k, v));
        model.getTags().forEach((k, v) -> outputs.put("tag." + k, v));
        return StepRecord.done(describe(pinned), outputs);
    }

    /** {@code register}: the challenger, with the run id as request id, so that a repeated call finds it again. */
    private StepRecord register(JournalEntry trained) {
        ModelRegistration registration = new ModelRegistration(pipeline.model)
                .requestId(runId.value())
                .codeRevision(pipeline.codeRevision)
                .pipelineRun(runId.value())
                .tag("mlops4j.pipeline", pipeline.name)
                .tag("mlops4j.run", runId.value())
                .tag("mlops4j.trigger", event.kind())
                .description("trained by pipeline " + pipeline.name + ", run " + runId);
        handOverArtifacts(registration, trained);
        trained.outputs().forEach((k, v) -> {
            if (k.startsWith("metric.")) {
                registration.metric(k.substring("metric.".length()), Double.parseDouble(v));
            } else if (k.startsWith("param.")) {
                registration.param(k.substring("param.".length()), v);
            } else if (k.startsWith("tag.")) {
                registration.tag(k.substring("tag.".length()), v);
            }
        });
        pinned.forEach((k, v) ->
                registration.input(v.getRef(), k.equals(pipeline.holdout) ? ModelInput.EVAL : ModelInput.TRAIN));
        runner.checkLease();
        ModelVersion version = registry.register(registration);
        return StepRecord.done(Journal.outputs("model", version.getRef()));
    }

    /**
     * Hands the artifacts the train step stored in the lake to the registration by their tree's digest: nothing is
     * read back or uploaded again, in this process or in one that resumed the run.
     */
    private static void handOverArtifacts(ModelRegistration registration, JournalEntry trained) {
        var unused = registration.artifacts(
                ArtifactLocation.lakeTree(Digest.parse(trained.outputs().get("artifacts"))));
    }

    /**
     * {@code evaluate} and {@code compare}: evaluations write nothing and are not journaled in full (per-example
     * outcomes), so they are redone until the verdict is journaled; the evaluate record is written once.
     */
    private JournalEntry evaluateAndCompare(ModelRef challenger) {
        if (runner.isDone(STEP_COMPARE)) {
            var unused = runner.replay(STEP_EVALUATE); // keeps the steps in order for a resumed run
            return runner.replay(STEP_COMPARE).orElseThrow();
        }
        Evaluations evaluated = runner.redo(STEP_EVALUATE, () -> evaluate(challenger), Evaluations::record);
        return runner.run(
                STEP_COMPARE,
                () -> StepRecord.compared(
                        Journal.outputs(
                                "champion",
                                evaluated.champion() == null
                                        ? ""
                                        : evaluated.champion().getRef()),
                        pipeline.policy.compare(evaluated.championEvaluation(), evaluated.challengerEvaluation())));
    }

    /** Evaluates the challenger and the champion the alias names now on the pinned holdout. */
    private Evaluations evaluate(ModelRef challengerRef) {
        DatasetVersion holdout = pinned.get(pipeline.holdout);
        ModelVersion challenger = registry.get(challengerRef);
        ModelVersion champion = registry.findAlias(pipeline.model, pipeline.championAlias)
                .map(a -> registry.get(a.ref()))
                .orElse(null);
        Evaluation challengerEvaluation = pipeline.evaluator.evaluate(challenger, holdout);
        Evaluation championEvaluation = champion == null ? null : pipeline.evaluator.evaluate(champion, holdout);
        return new Evaluations(holdout, champion, challengerEvaluation, championEvaluation);
    }

    /** The evaluate step's result: what compare needs in memory, and what the journal keeps of it. */
    private record Evaluations(
            DatasetVersion holdout,
            @Nullable ModelVersion champion,
            Evaluation challengerEvaluation,
            @Nullable Evaluation championEvaluation) {
        StepRecord record() {
            Map<String, String> outputs = new LinkedHashMap<>();
            outputs.put("holdout", holdout.getRef().toString());
            outputs.put("champion", champion == null ? "" : champion.getRef().toString());
            challengerEvaluation.getMetrics().forEach((k, v) -> outputs.put("challenger." + k, Double.toString(v)));
            if (championEvaluation != null) {
                championEvaluation.getMetrics().forEach((k, v) -> outputs.put("champion." + k, Double.toString(v)));
            }
            return StepRecord.done(outputs);
        }
    }

    /**
     * {@code promote}: moves the champion alias to the challenger by compare-and-set from the champion the verdict was
     * made against; an alias already on the challenger is left as it is.
     */
    private StepRecord promote(Decision decision, ModelRef challenger, @Nullable ModelRef champion) {
        if (decision != Decision.PROMOTE) {
            return StepRecord.skipped("decision " + decision + ": the champion is untouched");
        }
        runner.checkLease();
        Optional<ModelAlias> current = registry.findAlias(pipeline.model, pipeline.championAlias);
        if (current.isEmpty() || current.get().version() != challenger.version()) {
            AliasUpdate update =
                    champion == null ? AliasUpdate.expectingAbsent() : AliasUpdate.expecting(champion.version());
            update.by("pipeline " + pipeline.name)
                    .run(runId.value())
                    .reason(decision + " over " + (champion == null ? "no champion" : champion));
            var unused = registry.setAlias(pipeline.model, pipeline.championAlias, challenger.version(), update);
        }
        return StepRecord.done(Journal.outputs(
                "alias", pipeline.championAlias, "from", champion == null ? "" : champion, "to", challenger));
    }

    /**
     * {@code deploy}: the promoted challenger, with the run id as operation id, so that an operation whose record was
     * lost is found again (taken as is when it ended; applied again, which re-attaches, when it did not).
     */
    private void deploy(Deployer target, Decision decision, ModelRef challenger) {
        OperationId operation = OperationId.of(runId.value());
        var unused = runner.run(
                STEP_DEPLOY,
                () -> decision == Decision.PROMOTE
                        ? apply(target, operation, challenger)
                        : StepRecord.skipped("not promoted: nothing to deploy"));
        if (deployment == null && decision == Decision.PROMOTE) { // journaled before: ask the deployer how it ended
            deployment = target.findOperation(pipeline.endpoint, operation).orElse(null);
        }
    }

    private StepRecord apply(Deployer target, OperationId operation, ModelRef challenger) {
        runner.checkLease();
        Deployment done = target.findOperation(pipeline.endpoint, operation)
                .filter(existing -> existing.getStatus().isTerminal())
                .orElseGet(() -> {
                    DeploymentPlan plan = target.plan(
                            pipeline.endpoint,
                            registry.get(challenger),
                            Objects.requireNonNull(pipeline.rollout),
                            operation);
                    return target.beginApply(plan).getFinalResult();
                });
        deployment = done;
        return StepRecord.done(Journal.outputs(
                "endpoint",
                pipeline.endpoint,
                "operation",
                operation,
                "status",
                done.getStatus(),
                "event",
                done.getEvent()));
    }

    /**
     * {@code restore}: moves the champion alias back when the promoted challenger did not go live, so that the alias
     * never names a model the endpoint does not serve. Only an alias still on the challenger is moved.
     */
    private StepRecord restore(ModelRef challenger, @Nullable ModelRef champion, Deployment failed) {
        runner.checkLease();
        Optional<ModelAlias> current = registry.findAlias(pipeline.model, pipeline.championAlias);
        if (current.isPresent() && current.get().version() == challenger.version()) {
            AliasUpdate update = AliasUpdate.expecting(challenger.version());
            update.by("pipeline " + pipeline.name)
                    .run(runId.value())
                    .reason("deployment " + failed.getStatus() + ": " + failed.getReason());
            if (champion == null) {
                registry.deleteAlias(pipeline.model, pipeline.championAlias, update);
            } else {
                var unused = registry.setAlias(pipeline.model, pipeline.championAlias, champion.version(), update);
            }
        }
        return StepRecord.done(Journal.outputs(
                "alias", pipeline.championAlias, "from", challenger, "to", champion == null ? "" : champion));
    }

    /** Writes the pipeline's state and the run's end record, and removes the run's scratch files. */
    private RunStatus finish(Decision decision) {
        Deployment deployed = deployment;
        RunStatus status = switch (decision) {
            case PROMOTE ->
                deployed != null && !deployed.isSucceeded() ? RunStatus.DEPLOYMENT_FAILED : RunStatus.PROMOTED;
            case REJECT -> RunStatus.REJECTED;
            case INCONCLUSIVE -> RunStatus.INCONCLUSIVE;
        };
        runner.checkLease();
        PipelineState.write(pipeline.services.objectStore(), pipeline.name, runId, inputs, runner.startedAt());
        runner.finish(status);
        deleteQuietly(pipeline.workRoot.resolve(runId.value()));
        return status;
    }

    private PipelineRun result(
            RunStatus status,
            Decision decision,
            JournalEntry compared,
            @Nullable ModelRef champion,
            ModelRef challenger) {
        Map<String, DatasetRef> refs = new LinkedHashMap<>();
        pinned.forEach((k, v) -> refs.put(k, v.getRef()));
        PipelineRun run = new PipelineRun(
                pipeline.name,
                runId,
                event,
                status,
                refs,
                runner.outcomes(),
                decision,
                compared.findings(),
                champion,
                challenger,
                deployment,
                runner.isResumed());
        if (!runner.isReadOnly()) {
            pipeline.publisher.publish(
                    new PipelineEvent.RunFinished(pipeline.name, runId, run, pipeline.clock.instant()));
            LOG.info("pipeline {}: run {} {}", pipeline.name, runId, status);
        }
        return run;
    }

    private RunContext context(Path dir) {
        return new RunContext(pipeline.services, runId, pinned, dir, pipeline.codeRevision);
    }

    /** Returns the empty scratch directory of a step of this run. */
    private Path cleanDirectory(String step) {
        Path dir = pipeline.workRoot.resolve(runId.value()).resolve(step);
        try {
            FileTrees.delete(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot prepare the work directory " + dir + " of run " + runId + ": " + e
                            + "; check that the pipeline's work directory (workDirectory(…)) is writable and has space",
                    e);
        }
    }

    /** Removes a finished run's scratch files; a failure only leaves them behind. */
    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.debug("could not remove the scratch files of a finished run in {}", dir, e);
        }
    }

    /** Describes dataset versions for the journal: {@code name@v sha256:…} by name. */
    static Map<String, String> describe(Map<String, DatasetVersion> versions) {
        Map<String, String> out = new LinkedHashMap<>();
        versions.forEach((k, v) -> out.put(k, v.getRef() + " " + v.getDigest()));
        return out;
    }

    @Override
    public String toString() {
        return "RunExecution{" + pipeline.name + " " + runId + "}";
    }
}
