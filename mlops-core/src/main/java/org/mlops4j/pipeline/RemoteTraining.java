package org.mlops4j.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.mlops4j.common.MlopsException;
import org.mlops4j.pipeline.spi.RemoteTrainer;
import org.mlops4j.pipeline.spi.TrainingHandle;
import org.mlops4j.pipeline.spi.TrainingJob;
import org.mlops4j.pipeline.spi.TrainingRequest;
import org.mlops4j.pipeline.spi.TrainingResult;
import org.mlops4j.pipeline.spi.TrainingStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train step's work with a {@link RemoteTrainer}: one job per run, re-attached after a crash. The job's handle
 * comes from the journal ({@code train}/{@code submitted}), else from the trainer's lookup by the run id, else from a
 * submission with the run id as idempotency key; it is journaled before the wait, so a process that dies while the
 * job runs leaves the next one a handle to poll instead of a job to submit again.
 */
final class RemoteTraining {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTraining.class);

    private final RemoteTrainer trainer;
    private final StepRunner runner;
    private final PipelineDefinition pipeline;

    RemoteTraining(RemoteTrainer trainer, StepRunner runner, PipelineDefinition pipeline) {
        this.trainer = trainer;
        this.runner = runner;
        this.pipeline = pipeline;
    }

    /** Submits or re-attaches, waits for the job and fetches its artifacts into the step's work directory. */
    TrainedModel train(RunContext context) {
        TrainingHandle handle = journaledHandle().orElseGet(() -> submit(context));
        TrainingJob job = awaitEnd(handle, context.getRunId());
        if (!job.status().equals(TrainingStatus.SUCCEEDED)) {
            throw new MlopsException(job + ", so run " + context.getRunId() + " of pipeline '" + pipeline.name
                    + "' stops before registering anything. Fix the cause in the job's logs, then start a new"
                    + " attempt with rerun() (running it again re-attaches to the same ended job)");
        }
        Path artifacts = context.getWorkDirectory();
        TrainingResult result = trainer.fetch(handle, artifacts);
        TrainedModel model = TrainedModel.of(artifacts);
        result.metrics().forEach(model::metric);
        result.params().forEach(model::param);
        result.tags().forEach(model::tag);
        return model;
    }

    private Optional<TrainingHandle> journaledHandle() {
        return runner.findNote(RetrainingPipeline.STEP_TRAIN, JournalEntry.SUBMITTED)
                .map(e -> new TrainingHandle(e.findOutput("handle").orElseThrow()));
    }

    private TrainingHandle submit(RunContext context) {
        String key = context.getRunId().value();
        // A submission whose record a crash lost is found by its key, so that the run makes one job.
        TrainingHandle handle = trainer.find(key).orElseGet(() -> {
            runner.checkLease();
            return trainer.submit(new TrainingRequest(
                    key, pipeline.name, pipeline.model, context.getDatasets(), context.getCodeRevision()));
        });
        runner.note(RetrainingPipeline.STEP_TRAIN, JournalEntry.SUBMITTED, Journal.outputs("handle", handle));
        LOG.info("pipeline {}: run {} trains in job {}", pipeline.name, key, handle);
        return handle;
    }

    private TrainingJob awaitEnd(TrainingHandle handle, RunId runId) {
        Duration interval = trainer.pollInterval();
        while (true) {
            runner.checkLease(); // a process that lost the lease stops waiting: the next holder re-attaches
            TrainingJob job = trainer.poll(handle);
            if (job.status().isEnded()) {
                return job;
            }
            try {
                Thread.sleep(Math.max(1, interval.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MlopsException(
                        "interrupted while waiting for training job " + handle + " of run " + runId
                                + "; running the pipeline again re-attaches to the job",
                        e);
            }
        }
    }

    @Override
    public String toString() {
        return "RemoteTraining{" + trainer + "}";
    }
}
