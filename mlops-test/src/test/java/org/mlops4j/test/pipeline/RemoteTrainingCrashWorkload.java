package org.mlops4j.test.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.FakeRemoteTrainer;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.StepTracker;
import org.mlops4j.test.process.StoreSteps;

/**
 * A child of {@link RemoteTrainingCrashTest}: runs a pipeline that trains in {@link FakeRemoteTrainer} jobs until no
 * trigger fires, snapshots a new raw version (a new logical run), and again, until it is halted or killed. The jobs
 * live in a second store (the "remote" backend) and run for {@value #JOB_MILLIS} ms each, so that kills land while
 * the pipeline waits for them.
 *
 * <p>Steps reported: the pipeline's events and lake writes as in {@link PipelineCrashWorkload}, and the remote
 * store's writes as {@code remote/<store step>} (the job record is a {@code remote/pointer.moved}). Arguments: lake
 * directory, remote store directory, work directory.
 */
public final class RemoteTrainingCrashWorkload {
    static final String PIPELINE = "churn";
    static final long JOB_MILLIS = 400;

    private RemoteTrainingCrashWorkload() {}

    /** The fake training backend on a store; its jobs take {@value #JOB_MILLIS} ms on {@code clock}. */
    static FakeRemoteTrainer trainer(Mlops mlops, PipelineFixture fixture, ObjectStore remote, Clock clock) {
        return FakeRemoteTrainer.builder()
                .store(remote)
                .executor(mlops.executor())
                .job(fixture.remoteJob(mlops.datasets()))
                .clock(clock)
                .duration(Duration.ofMillis(JOB_MILLIS))
                .pollInterval(Duration.ofMillis(20))
                .build();
    }

    /** Defines the crash test's pipeline on a lake. */
    static RetrainingPipeline pipeline(
            Mlops mlops,
            PipelineFixture fixture,
            FakeRemoteTrainer trainer,
            Path work,
            Clock clock,
            @Nullable StepTracker steps) {
        RetrainingPipeline pipeline = mlops.pipeline(PIPELINE)
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .trainRemotely(trainer)
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .codeRevision("git:remote-crash")
                .clock(clock)
                .leaseDuration(Duration.ofMinutes(10))
                .workDirectory(work)
                .build();
        return steps == null ? pipeline : CrashPhases.track(pipeline, steps);
    }

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        StepTracker steps = StepTracker.fromSystemProperties();
        Path work =
                Path.of(args[2]).resolve(Long.toString(ProcessHandle.current().pid()));
        try (ObjectStore store = StoreSteps.reporting(
                                LocalObjectStore.builder().root(Path.of(args[0])),
                                steps.phasedListener(CrashPhases::of))
                        .build();
                ObjectStore remote = StoreSteps.reporting(
                                LocalObjectStore.builder().root(Path.of(args[1])),
                                steps.phasedListener(key -> "remote"))
                        .build();
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            PipelineFixture fixture = new PipelineFixture(work);
            FakeRemoteTrainer trainer = trainer(mlops, fixture, remote, Clock.systemUTC());
            RetrainingPipeline pipeline =
                    pipeline(mlops, fixture, trainer, work.resolve("runs"), Clock.systemUTC(), steps);
            parent.ready();
            PipelineCrashWorkload.runUntilKilled(mlops, fixture, pipeline);
        }
    }
}
