package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.TrainedModel;
import org.mlops4j.pipeline.Trainer;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.ManualClock;

/**
 * Issue 14: the register step used to check the trained artifacts out of the lake (after a crash) or take the
 * trainer's directory, and {@code register(…)} stored them again — free on the lake, a second full upload on a remote
 * registry. The step now hands the registry the tree the train step stored, by its digest: no content is written
 * while it runs, whether the training ran in this process or in one that died.
 */
class ArtifactHandOverTest {
    @TempDir
    Path dir;

    private LocalObjectStore local;
    private CountingObjectStore store;
    private Mlops mlops;
    private PipelineFixture fixture;
    private final AtomicInteger trainWrites = new AtomicInteger();
    private final AtomicInteger registerWrites = new AtomicInteger(-1);

    @BeforeEach
    void setUp() {
        local = LocalObjectStore.open(dir.resolve("lake"));
        store = new CountingObjectStore(local);
        mlops = PipelineFixture.open(store, new ManualClock(Instant.parse("2026-11-29T10:00:00Z")));
        fixture = new PipelineFixture(dir);
        var unusedHoldout = fixture.snapshotHoldout(mlops);
        var unusedRaw = fixture.snapshotRaw(mlops, "0.80", "a");
    }

    @AfterEach
    void tearDown() {
        mlops.close();
        local.close();
    }

    /** A pipeline whose listeners count the content writes of its train and register steps. */
    private RetrainingPipeline counted() {
        RetrainingPipeline pipeline = mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(withWeights(fixture.trainer()))
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .workDirectory(dir.resolve("work"))
                .build();
        var unused = pipeline.getEventPublisher()
                .onStepStarted(e -> {
                    if (e.step().equals(RetrainingPipeline.STEP_TRAIN)
                            || e.step().equals(RetrainingPipeline.STEP_REGISTER)) {
                        store.counting(true);
                    }
                })
                .onStepFinished(e -> {
                    String step = e.outcome().step();
                    if (step.equals(RetrainingPipeline.STEP_TRAIN)
                            && !e.outcome().resumed()) {
                        trainWrites.set(store.contentWrites());
                    } else if (step.equals(RetrainingPipeline.STEP_REGISTER)
                            && !e.outcome().resumed()) {
                        registerWrites.set(store.contentWrites());
                    }
                    store.counting(false);
                });
        return pipeline;
    }

    /**
     * Adds a weights file too large to pack (over 64 KiB): storing it again is a whole-file upload, where small files
     * already packed in the lake would be skipped by the pack writer and hide a second registration upload.
     */
    private static Trainer withWeights(Trainer trainer) {
        return ctx -> {
            TrainedModel model = trainer.train(ctx);
            byte[] weights = new byte[100_000];
            Arrays.fill(weights, (byte) 7);
            try {
                Files.write(model.getArtifacts().resolve("weights.bin"), weights);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return model;
        };
    }

    @Test
    void shouldWriteNoContentWhenRegisteringWhatTheTrainStepStored() {
        PipelineRun run = counted().runIfTriggered().orElseThrow();

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(trainWrites.get()).as("content writes of the train step").isPositive();
        assertThat(registerWrites.get())
                .as("content writes of the register step")
                .isZero();
        assertRegisteredTheTrainedTree(run);
    }

    @Test
    void shouldWriteNoContentWhenAResumedRunRegistersWhatAnEarlierPassTrained() {
        RetrainingPipeline pipeline = counted();
        store.refuseNextWriteUnder("models/"); // the registry is down: the run stops after train
        assertThatThrownBy(pipeline::runIfTriggered).isInstanceOf(ServiceUnavailableException.class);
        assertThat(registerWrites.get()).as("register did not finish").isEqualTo(-1);

        PipelineRun resumed = pipeline.runIfTriggered().orElseThrow();

        assertThat(resumed.findStep(RetrainingPipeline.STEP_TRAIN).orElseThrow().resumed())
                .isTrue();
        assertThat(registerWrites.get())
                .as("content writes of the resumed register step")
                .isZero();
        assertThat(fixture.trainings).hasValue(1);
        assertRegisteredTheTrainedTree(resumed);
    }

    @Test
    void shouldCountTheUploadWhenADirectoryIsRegistered() throws IOException {
        // the counter's own check: registering a directory stores its files
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("model.txt"), "a model no store has seen");
        store.counting(true);

        var unused = mlops.registry().register(new ModelRegistration("other").artifacts(model));

        assertThat(store.contentWrites()).isPositive();
    }

    private void assertRegisteredTheTrainedTree(PipelineRun run) {
        ModelVersion version = mlops.registry().get(run.findRegisteredModel().orElseThrow());
        String trained = run.findStep(RetrainingPipeline.STEP_TRAIN)
                .orElseThrow()
                .outputs()
                .get("artifacts");
        assertThat(version.getArtifacts().orElseThrow().toString()).isEqualTo(trained);
        assertThat(version.getArtifactFiles()).isEqualTo(3);
    }
}
