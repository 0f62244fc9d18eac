package org.mlops4j.pipeline;

import static org.mlops4j.pipeline.RetrainingPipeline.STEP_COMPARE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_DEPLOY;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_EVALUATE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_PREPARE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_PROMOTE;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_REGISTER;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_TRAIN;
import static org.mlops4j.pipeline.RetrainingPipeline.STEP_TRIGGER;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRef;

/** A dry run's answer: what each step of a run would do, from the lake as it is; writes nothing. */
final class DryRun {
    private final PipelineDefinition pipeline;

    DryRun(PipelineDefinition pipeline) {
        this.pipeline = pipeline;
    }

    PipelineRun plan(RunStart start) {
        RunId runId = start.runId();
        Map<String, DatasetVersion> inputs = start.inputs();
        Journal journal = start.journal();
        Instant now = pipeline.clock.instant();
        List<StepOutcome> steps = new ArrayList<>();
        String resume = journal.isEmpty()
                ? ""
                : journal.isFinished()
                        ? "already finished: would return the journaled result; "
                        : "would resume the interrupted run ("
                                + journal.entries().size() + " records); ";
        steps.add(planned(STEP_TRIGGER, resume + "run " + runId + " for " + start.event(), now));
        List<DatasetRef> refs =
                inputs.values().stream().map(DatasetVersion::getRef).toList();
        for (String dataset : pipeline.preparations.keySet()) {
            steps.add(
                    planned(STEP_PREPARE + ":" + dataset, "would derive dataset '" + dataset + "' from " + refs, now));
        }
        steps.add(planned(STEP_TRAIN, training(runId, refs), now));
        steps.add(planned(
                STEP_REGISTER,
                "would register a version of model '" + pipeline.model + "' with request id " + runId,
                now));
        Optional<ModelAlias> champion = pipeline.services.registry().findAlias(pipeline.model, pipeline.championAlias);
        steps.add(planned(
                STEP_EVALUATE,
                "would evaluate the challenger and "
                        + champion.map(a -> "the champion " + a.ref())
                                .orElse("no champion (alias '" + pipeline.championAlias + "' is not set)")
                        + " on " + inputs.get(pipeline.holdout).getRef(),
                now));
        steps.add(planned(STEP_COMPARE, "would compare them with " + pipeline.policy, now));
        steps.add(planned(
                STEP_PROMOTE,
                "if promoted: would move alias '" + pipeline.championAlias + "' of '" + pipeline.model + "' from "
                        + champion.map(a -> a.ref().toString()).orElse("nothing") + " by compare-and-set",
                now));
        Deployer target = pipeline.deployer;
        if (target != null) {
            steps.add(planned(
                    STEP_DEPLOY,
                    "if promoted: would deploy to endpoint '" + pipeline.endpoint + "' by " + pipeline.rollout
                            + " as operation " + runId + "; now live: "
                            + target.findStatus(pipeline.endpoint)
                                    .flatMap(s -> s.findLiveModel().map(ModelRef::toString))
                                    .orElse("nothing"),
                    now));
        }
        Map<String, DatasetRef> pinned = new LinkedHashMap<>();
        inputs.forEach((k, v) -> pinned.put(k, v.getRef()));
        return new PipelineRun(
                pipeline.name,
                runId,
                start.event(),
                RunStatus.DRY_RUN,
                pinned,
                steps,
                null,
                List.of(),
                champion.map(ModelAlias::ref).orElse(null),
                null,
                null,
                false);
    }

    private String training(RunId runId, List<DatasetRef> refs) {
        String on = " on " + refs + " with code revision " + pipeline.codeRevision;
        return pipeline.remoteTrainer == null
                ? "would train" + on
                : "would submit a training job to " + pipeline.remoteTrainer + " with idempotency key " + runId + on
                        + " (or re-attach to the one submitted with it)";
    }

    private static StepOutcome planned(String step, String plan, Instant now) {
        return new StepOutcome(step, StepOutcome.PLANNED, Map.of("plan", plan), false, now);
    }

    @Override
    public String toString() {
        return "DryRun{" + pipeline.name + "}";
    }
}
