package org.mlops4j.pipeline;

import java.time.Instant;
import java.util.Objects;

/**
 * What a pipeline publishes while it runs, to {@link RetrainingPipeline#getEventPublisher()} listeners. Each event
 * names the pipeline, the run, and the time on the pipeline's clock.
 */
public sealed interface PipelineEvent {
    /** Returns the pipeline's name. */
    String pipeline();

    /** Returns the run. */
    RunId runId();

    /** Returns when it happened. */
    Instant time();

    /**
     * A step started (it is not published for steps a resumed run finds in its journal).
     *
     * @param pipeline the pipeline's name
     * @param runId the run
     * @param step the step, one of the {@code RetrainingPipeline.STEP_*} names or {@code prepare:<dataset>}
     * @param time when
     */
    record StepStarted(String pipeline, RunId runId, String step, Instant time) implements PipelineEvent {
        /** Checks the components. */
        public StepStarted {
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * A step finished and its outcome is journaled, or a resumed run found it in the journal.
     *
     * @param pipeline the pipeline's name
     * @param runId the run
     * @param outcome the step's outcome
     * @param time when
     */
    record StepFinished(String pipeline, RunId runId, StepOutcome outcome, Instant time) implements PipelineEvent {
        /** Checks the components. */
        public StepFinished {
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * A run finished (its last journal record is written).
     *
     * @param pipeline the pipeline's name
     * @param runId the run
     * @param run the run's result
     * @param time when
     */
    record RunFinished(String pipeline, RunId runId, PipelineRun run, Instant time) implements PipelineEvent {
        /** Checks the components. */
        public RunFinished {
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(time, "time");
        }
    }
}
