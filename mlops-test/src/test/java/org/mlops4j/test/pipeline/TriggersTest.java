package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.drift.Drift;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.Trigger;
import org.mlops4j.pipeline.TriggerEvent;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.ManualClock;
import org.mlops4j.test.RemoteLikeStores;

/** Triggers and their combinators, evaluated through pipelines on a manual clock. */
class TriggersTest {
    @TempDir
    Path dir;

    private ManualClock clock;
    private Mlops mlops;
    private PipelineFixture fixture;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        mlops = PipelineFixture.open(RemoteLikeStores.around(new InMemoryObjectStore()), clock);
        fixture = new PipelineFixture(dir);
        var unused = fixture.snapshotHoldout(mlops);
    }

    @AfterEach
    void tearDown() {
        mlops.close();
    }

    private RetrainingPipeline pipeline(Trigger trigger) {
        return mlops.pipeline("churn")
                .trigger(trigger)
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .input(PipelineFixture.RAW)
                .workDirectory(dir.resolve("work"))
                .build();
    }

    @Test
    void shouldFireOncePerVersionWhenANewVersionArrives() {
        RetrainingPipeline pipeline = pipeline(Triggers.newVersionOf(PipelineFixture.RAW));
        assertThat(pipeline.runIfTriggered()).as("no version yet").isEmpty();
        DatasetVersion v1 = fixture.snapshotRaw(mlops, "0.8", "a");

        TriggerEvent event = pipeline.runIfTriggered().orElseThrow().getTrigger();

        assertThat(event.kind()).isEqualTo("newVersionOf(raw)");
        assertThat(event.datasets()).containsExactly(v1.getRef());
        assertThat(pipeline.runIfTriggered()).as("consumed").isEmpty();
        var unused = fixture.snapshotRaw(mlops, "0.9", "b");
        assertThat(pipeline.runIfTriggered()).isPresent();
    }

    @Test
    void shouldFireOncePerPeriodWhenScheduled() {
        var unused = fixture.snapshotRaw(mlops, "0.8", "a");
        RetrainingPipeline pipeline = pipeline(Triggers.schedule(Duration.ofHours(1)));

        PipelineRun first = pipeline.runIfTriggered().orElseThrow();
        clock.advance(Duration.ofMinutes(59));
        assertThat(pipeline.runIfTriggered()).as("same period").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        PipelineRun second = pipeline.runIfTriggered().orElseThrow();

        assertThat(first.getTrigger().detail()).isEqualTo("slot 2026-11-29T10:00:00Z");
        assertThat(second.getTrigger().detail()).isEqualTo("slot 2026-11-29T11:00:00Z");
        assertThat(second.getRunId()).isNotEqualTo(first.getRunId());
    }

    @Test
    void shouldFireWhenEitherFiresAndNameBothWhenBothFire() {
        var unused = fixture.snapshotRaw(mlops, "0.8", "a");
        RetrainingPipeline pipeline =
                pipeline(Triggers.newVersionOf(PipelineFixture.RAW).or(Triggers.schedule(Duration.ofHours(1))));

        assertThat(pipeline.runIfTriggered().orElseThrow().getTrigger().kind())
                .isEqualTo("newVersionOf(raw) or schedule(PT1H)");
        clock.advance(Duration.ofHours(1));
        assertThat(pipeline.runIfTriggered().orElseThrow().getTrigger().kind()).isEqualTo("schedule(PT1H)");
        var unused2 = fixture.snapshotRaw(mlops, "0.9", "b");
        assertThat(pipeline.runIfTriggered().orElseThrow().getTrigger().kind()).isEqualTo("newVersionOf(raw)");
        assertThat(pipeline.runIfTriggered()).isEmpty();
    }

    @Test
    void shouldFireOnlyWhenBothFireWhenJoinedByAnd() {
        var unused = fixture.snapshotRaw(mlops, "0.8", "a");
        RetrainingPipeline pipeline =
                pipeline(Triggers.newVersionOf(PipelineFixture.RAW).and(Triggers.schedule(Duration.ofHours(1))));
        assertThat(pipeline.runIfTriggered().orElseThrow().getTrigger().kind())
                .isEqualTo("newVersionOf(raw) and schedule(PT1H)");

        var unused2 = fixture.snapshotRaw(mlops, "0.9", "b");
        assertThat(pipeline.runIfTriggered()).as("new version, same period").isEmpty();
        clock.advance(Duration.ofHours(1));
        assertThat(pipeline.runIfTriggered()).as("new version, next period").isPresent();
    }

    @Test
    void shouldNeverFireWhenManualButRunOnDemand() {
        var unused = fixture.snapshotRaw(mlops, "0.8", "a");
        RetrainingPipeline pipeline = pipeline(Triggers.manual());

        assertThat(pipeline.runIfTriggered()).isEmpty();
        assertThat(pipeline.run().getTrigger().kind()).isEqualTo("manual");
    }

    @Test
    void shouldFireOnDriftFromTheChampionsTrainingDataWhenTheDistributionShifts() {
        Random random = new Random(42);
        var unused = fixture.snapshot(mlops, PipelineFixture.RAW, table(random, 0, "0.8"));
        var first = pipeline(Triggers.newVersionOf(PipelineFixture.RAW)).run();
        RetrainingPipeline pipeline = pipeline(Triggers.drift(PipelineFixture.RAW, Drift.psi(0.2)));
        assertThat(first.findRegisteredModel()).isPresent();

        var unused2 = fixture.snapshot(mlops, PipelineFixture.RAW, table(random, 0, "0.81"));
        assertThat(pipeline.runIfTriggered()).as("same distribution").isEmpty();
        DatasetVersion shifted = fixture.snapshot(mlops, PipelineFixture.RAW, table(random, 5, "0.82"));
        TriggerEvent event = pipeline.runIfTriggered().orElseThrow().getTrigger();

        assertThat(event.datasets()).containsExactly(shifted.getRef());
        assertThat(event.detail()).isEqualTo("reference raw@1");
        assertThat(event.driftReports())
                .singleElement()
                .satisfies(r -> assertThat(r.isDrifted()).isTrue());
    }

    /** A CSV with a numeric column {@code v} around {@code shift}, and the quality as its last line. */
    private static String table(Random random, double shift, String quality) {
        StringBuilder csv = new StringBuilder("v\n");
        for (int i = 0; i < 2000; i++) {
            csv.append(String.format(java.util.Locale.ROOT, "%.4f%n", shift + random.nextGaussian()));
        }
        return csv.append(quality).append('\n').toString();
    }
}
