package org.mlops4j.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Finding;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.registry.ModelRef;

/**
 * The result of one run: its id, why it ran, the pinned inputs, each step's outcome, the verdict with its findings,
 * the registered model version and the deployment. Built from the journal, so a resumed or repeated call returns the
 * same result. Immutable.
 */
public final class PipelineRun {
    private final String pipeline;
    private final RunId runId;
    private final TriggerEvent trigger;
    private final RunStatus status;
    private final Map<String, DatasetRef> inputs;
    private final List<StepOutcome> steps;
    private final @Nullable Decision decision;
    private final List<Finding> findings;
    private final @Nullable ModelRef champion;
    private final @Nullable ModelRef registered;
    private final @Nullable Deployment deployment;
    private final boolean resumed;

    PipelineRun(
            String pipeline,
            RunId runId,
            TriggerEvent trigger,
            RunStatus status,
            Map<String, DatasetRef> inputs,
            List<StepOutcome> steps,
            @Nullable Decision decision,
            List<Finding> findings,
            @Nullable ModelRef champion,
            @Nullable ModelRef registered,
            @Nullable Deployment deployment,
            boolean resumed) {
        this.pipeline = pipeline;
        this.runId = runId;
        this.trigger = trigger;
        this.status = status;
        this.inputs = Map.copyOf(inputs);
        this.steps = List.copyOf(steps);
        this.decision = decision;
        this.findings = List.copyOf(findings);
        this.champion = champion;
        this.registered = registered;
        this.deployment = deployment;
        this.resumed = resumed;
    }

    /** Returns the pipeline's name. */
    public String getPipeline() {
        return pipeline;
    }

    /** Returns the run's id (also the registry request id and the deployment operation id). */
    public RunId getRunId() {
        return runId;
    }

    /** Returns why the run started. */
    public TriggerEvent getTrigger() {
        return trigger;
    }

    /** Returns how the run ended. */
    public RunStatus getStatus() {
        return status;
    }

    /** Returns the dataset versions pinned for the run, by name (prepared ones included). */
    public Map<String, DatasetRef> getInputs() {
        return inputs;
    }

    /** Returns each step's outcome, in order. */
    public List<StepOutcome> getSteps() {
        return steps;
    }

    /**
     * Finds a step's outcome.
     *
     * @param step the step's name
     * @return its outcome, or empty if the run has no such step
     */
    public Optional<StepOutcome> findStep(String step) {
        return steps.stream().filter(s -> s.step().equals(step)).findFirst();
    }

    /** Returns the policy's decision; empty for a dry run. */
    public Optional<Decision> findDecision() {
        return Optional.ofNullable(decision);
    }

    /** Returns the verdict's findings, one per rule; empty for a dry run. */
    public List<Finding> getFindings() {
        return findings;
    }

    /** Returns the champion the challenger was compared with, if there was one. */
    public Optional<ModelRef> findChampion() {
        return Optional.ofNullable(champion);
    }

    /** Returns the model version the run registered; empty for a dry run. */
    public Optional<ModelRef> findRegisteredModel() {
        return Optional.ofNullable(registered);
    }

    /** Returns the deployment, if the run deployed. */
    public Optional<Deployment> findDeployment() {
        return Optional.ofNullable(deployment);
    }

    /** Returns whether this process found some steps already journaled by an earlier, interrupted process. */
    public boolean isResumed() {
        return resumed;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("PipelineRun{")
                .append(pipeline)
                .append(' ')
                .append(runId)
                .append(' ')
                .append(status)
                .append(", trigger ")
                .append(trigger)
                .append(", model ")
                .append(registered)
                .append(", champion ")
                .append(champion)
                .append(deployment == null ? "" : ", " + deployment)
                .append('}');
        for (StepOutcome step : steps) {
            out.append("\n  ").append(step);
        }
        for (Finding finding : findings) {
            out.append("\n  ").append(finding);
        }
        return out.toString();
    }
}
