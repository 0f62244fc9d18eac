package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.pipeline.FinalStep;
import org.mlops4j.pipeline.JournalEntry;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunId;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.StepOutcome;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.pipeline.spi.RemoteTrainer;
import org.mlops4j.pipeline.spi.TrainingHandle;
import org.mlops4j.pipeline.spi.TrainingJob;
import org.mlops4j.pipeline.spi.TrainingRequest;
import org.mlops4j.pipeline.spi.TrainingResult;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.FakeRemoteTrainer;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.ManualClock;

/** The train step with a {@link RemoteTrainer}: one job per run, its handle journaled, re-attached on resume. */
class RemoteTrainingTest {
    @TempDir
    Path dir;

    private LocalObjectStore store;
    private ManualClock clock;
    private Mlops mlops;
    private PipelineFixture fixture;
    private final InMemoryObjectStore remote = new InMemoryObjectStore();

    @BeforeEach
    void setUp() {
        store = LocalObjectStore.open(dir.resolve("lake"));
        clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        mlops = PipelineFixture.open(store, clock);
        fixture = new PipelineFixture(dir);
        var unusedHoldout = fixture.snapshotHoldout(mlops);
        var unusedRaw = fixture.snapshotRaw(mlops, "0.80", "a");
    }

    @AfterEach
    void tearDown() {
        mlops.close();
        store.close();
    }

    private FakeRemoteTrainer.Builder jobs() {
        return FakeRemoteTrainer.builder()
                .store(remote)
                .executor(mlops.executor())
                .clock(clock)
                .job(fixture.remoteJob(mlops.datasets()));
    }

    private FinalStep define(RemoteTrainer trainer) {
        return mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .trainRemotely(trainer)
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .workDirectory(dir.resolve("work"))
                .codeRevision("git:1");
    }

    @Test
    void shouldSubmitOneJobJournalItsHandleAndRegisterItsArtifactsWhenTrainingRemotely() throws Exception {
        FakeRemoteTrainer trainer = jobs().build();

        PipelineRun run = define(trainer).build().runIfTriggered().orElseThrow();

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(trainer.submissions(run.getRunId().value())).isEqualTo(1);
        List<JournalEntry> journal = define(trainer).build().readJournal(run.getRunId());
        JournalEntry submitted = single(journal, JournalEntry.SUBMITTED);
        JournalEntry trained = single(journal, StepOutcome.DONE);
        assertThat(submitted.sequence()).isLessThan(trained.sequence());
        assertThat(trained.outputs())
                .containsEntry("job", submitted.outputs().get("handle"))
                .containsEntry("param.trained-on", "raw@1")
                .containsKey("artifacts");
        ModelVersion registered = mlops.registry().get(run.findRegisteredModel().orElseThrow());
        assertThat(registered.getTags()).containsEntry(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR);
        assertThat(registered.getArtifacts().orElseThrow().toString())
                .isEqualTo(trained.outputs().get("artifacts"));
        try (InputStream in = mlops.registry().openArtifact(registered, "model.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0.80");
        }
    }

    @Test
    void shouldReattachThroughTheJournaledHandleInsteadOfSubmittingWhenTheRunResumes() {
        FakeRemoteTrainer jobs = jobs().build();
        Flaky flaky = new Flaky(jobs);
        RetrainingPipeline pipeline = define(flaky).build();
        assertThatThrownBy(pipeline::runIfTriggered).isInstanceOf(ServiceUnavailableException.class);

        PipelineRun resumed = pipeline.runIfTriggered().orElseThrow();

        assertThat(resumed.isResumed()).isTrue();
        assertThat(resumed.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(flaky.submits).hasValue(1);
        assertThat(jobs.submissions(resumed.getRunId().value())).isEqualTo(1);
        assertThat(fixture.trainings).hasValue(1);
        List<JournalEntry> journal = pipeline.readJournal(resumed.getRunId());
        assertThat(single(journal, JournalEntry.SUBMITTED).outputs().get("handle"))
                .isEqualTo(single(journal, StepOutcome.DONE).outputs().get("job"));
    }

    @Test
    void shouldFindTheJobByTheRunIdWhenItsSubmissionWasNotJournaled() {
        FakeRemoteTrainer jobs = jobs().build();
        RunId runId =
                define(jobs).dryRun(true).build().runIfTriggered().orElseThrow().getRunId();
        // a process submitted the job and died before journaling its handle
        TrainingHandle submitted = jobs.submit(new TrainingRequest(
                runId.value(),
                "churn",
                "churn",
                java.util.Map.of(
                        PipelineFixture.RAW,
                        mlops.datasets().findLatest(PipelineFixture.RAW).orElseThrow()),
                "git:1"));

        PipelineRun run = define(jobs).build().runIfTriggered().orElseThrow();

        assertThat(run.getRunId()).isEqualTo(runId);
        assertThat(jobs.submissions(runId.value())).isEqualTo(1);
        assertThat(fixture.trainings).hasValue(1);
        assertThat(single(define(jobs).build().readJournal(runId), JournalEntry.SUBMITTED)
                        .outputs())
                .containsEntry("handle", submitted.value());
    }

    @Test
    void shouldStopWithTheJobsReasonAndRegisterNothingWhenTheRemoteJobFails() {
        FakeRemoteTrainer failing = jobs().failWith("out of memory on node 3").build();
        RetrainingPipeline pipeline = define(failing).build();

        assertThatThrownBy(pipeline::runIfTriggered)
                .isInstanceOf(MlopsException.class)
                .hasMessageContaining("Failed: out of memory on node 3")
                .hasMessageContaining("rerun()");
        assertThat(mlops.registry().versions("churn")).isEmpty();
        assertThat(failing.submissions(pipeline.listRuns().get(0).value())).isEqualTo(1);
    }

    @Test
    void shouldSayTheJobWouldBeSubmittedWhenDryRun() {
        PipelineRun plan =
                define(jobs().build()).dryRun(true).build().runIfTriggered().orElseThrow();

        assertThat(plan.findStep(RetrainingPipeline.STEP_TRAIN)
                        .orElseThrow()
                        .outputs()
                        .get("plan"))
                .contains("would submit a training job")
                .contains("idempotency key " + plan.getRunId());
    }

    private static JournalEntry single(List<JournalEntry> journal, String status) {
        List<JournalEntry> found = journal.stream()
                .filter(e -> e.step().equals(RetrainingPipeline.STEP_TRAIN)
                        && e.status().equals(status))
                .toList();
        assertThat(found).as("train/%s records in %s", status, journal).hasSize(1);
        return found.get(0);
    }

    /** A remote trainer whose backend cannot be reached at the first poll: the run dies after journaling the handle. */
    private static final class Flaky implements RemoteTrainer {
        private final RemoteTrainer delegate;
        final AtomicInteger submits = new AtomicInteger();
        private final AtomicInteger polls = new AtomicInteger();

        Flaky(RemoteTrainer delegate) {
            this.delegate = delegate;
        }

        @Override
        public TrainingHandle submit(TrainingRequest request) {
            submits.incrementAndGet();
            return delegate.submit(request);
        }

        @Override
        public Optional<TrainingHandle> find(String idempotencyKey) {
            return delegate.find(idempotencyKey);
        }

        @Override
        public TrainingJob poll(TrainingHandle handle) {
            if (polls.getAndIncrement() == 0) {
                throw new ServiceUnavailableException("training backend unreachable", "fake", 503, null, null, null);
            }
            return delegate.poll(handle);
        }

        @Override
        public TrainingResult fetch(TrainingHandle handle, Path directory) {
            return delegate.fetch(handle, directory);
        }
    }
}
