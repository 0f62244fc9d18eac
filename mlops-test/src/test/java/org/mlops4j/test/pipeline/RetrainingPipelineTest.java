package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.compare.Decision;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.FinalStep;
import org.mlops4j.pipeline.JournalEntry;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.StepOutcome;
import org.mlops4j.pipeline.Trainer;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.TestStores;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.ManualClock;

class RetrainingPipelineTest {
    @TempDir
    Path dir;

    private ObjectStore store;
    private ManualClock clock;
    private Mlops mlops;
    private PipelineFixture fixture;
    private Deployer deployer;

    @BeforeEach
    void setUp() {
        store = TestStores.open(dir.resolve("lake"));
        clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        mlops = PipelineFixture.open(store, clock);
        fixture = new PipelineFixture(dir);
        deployer = InMemoryDeployer.builder()
                .store(store)
                .clock(clock)
                .history(mlops.deployments())
                .build();
        var unusedHoldout = fixture.snapshotHoldout(mlops);
    }

    @AfterEach
    void tearDown() {
        mlops.close();
        store.close();
    }

    private FinalStep define() {
        return define(fixture.trainer());
    }

    private FinalStep define(Trainer trainer) {
        return mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(trainer)
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .deployTo(deployer, "churn-endpoint", Rollout.replace())
                .workDirectory(dir.resolve("work"))
                .codeRevision("git:1")
                .clock(clock); // the lease expires on this clock, not the store's (the host's)
    }

    @Test
    void shouldPromoteRegisterMoveAliasAndDeployWhenTheFirstModelIsTrained() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        RetrainingPipeline pipeline = define().build();

        PipelineRun run = pipeline.runIfTriggered().orElseThrow();

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(run.findDecision()).contains(Decision.PROMOTE);
        assertThat(run.findChampion()).isEmpty();
        ModelRef registered = run.findRegisteredModel().orElseThrow();
        assertThat(mlops.registry().findAlias("churn", "champion").orElseThrow().ref())
                .isEqualTo(registered);
        ModelVersion version = mlops.registry().get(registered);
        assertThat(version.getRequestId()).isEqualTo(run.getRunId().value());
        assertThat(version.getTags())
                .containsEntry("mlops4j.run", run.getRunId().value());
        assertThat(run.findDeployment().orElseThrow().isSucceeded()).isTrue();
        assertThat(InMemoryDeployer.events(deployer, "churn-endpoint"))
                .extracting(InMemoryDeployer.DeploymentEvent::operation)
                .containsExactly(OperationId.of(run.getRunId().value()));
        assertThat(run.getSteps())
                .extracting(StepOutcome::step)
                .containsExactly("trigger", "train", "register", "evaluate", "compare", "promote", "deploy");
        assertThat(pipeline.runIfTriggered()).as("the new version is consumed").isEmpty();
        assertThat(mlops.deployments().explain("churn-endpoint").toString()).contains(registered.toString());
    }

    @Test
    void shouldKeepTheChampionAndRecordFindingsWhenTheChallengerIsRejected() {
        var unused1 = fixture.snapshotRaw(mlops, "0.80", "a");
        RetrainingPipeline pipeline = define().build();
        PipelineRun first = pipeline.runIfTriggered().orElseThrow();
        var unused2 = fixture.snapshotRaw(mlops, "0.70", "b");

        PipelineRun second = pipeline.runIfTriggered().orElseThrow();

        assertThat(second.getStatus()).isEqualTo(RunStatus.REJECTED);
        assertThat(second.findChampion()).isEqualTo(first.findRegisteredModel());
        assertThat(second.getFindings()).singleElement().satisfies(f -> {
            assertThat(f.decision()).isEqualTo(Decision.REJECT);
            assertThat(f.challenger()).isEqualTo(0.70);
            assertThat(f.champion()).isEqualTo(0.80);
        });
        assertThat(mlops.registry().findAlias("churn", "champion").orElseThrow().ref())
                .isEqualTo(first.findRegisteredModel().orElseThrow());
        ModelVersion rejected =
                mlops.registry().get(second.findRegisteredModel().orElseThrow());
        assertThat(rejected.getTags()).containsEntry("mlops4j.pipeline", "churn");
        assertThat(InMemoryDeployer.events(deployer, "churn-endpoint")).hasSize(1);
        assertThat(second.findStep("promote").orElseThrow().status()).isEqualTo(StepOutcome.SKIPPED);
        assertThat(second.findStep("deploy").orElseThrow().status()).isEqualTo(StepOutcome.SKIPPED);
        JournalEntry compare = pipeline.readJournal(second.getRunId()).stream()
                .filter(e -> e.step().equals("compare"))
                .findFirst()
                .orElseThrow();
        assertThat(compare.decision()).isEqualTo(Decision.REJECT);
        assertThat(compare.findings()).isEqualTo(second.getFindings());
    }

    @Test
    void shouldGiveTheSameRunIdAndNotRunTwiceWhenTheInputsAreTheSame() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        PipelineRun first = define().build().run();
        PipelineRun again = define().build().run();

        assertThat(again.getRunId()).isEqualTo(first.getRunId());
        assertThat(again.isResumed()).isTrue();
        assertThat(fixture.trainings).hasValue(1);
        assertThat(mlops.registry().versions("churn")).hasSize(1);
    }

    @Test
    void shouldChangeTheRunIdWhenTheCodeRevisionOrTheDataChange() {
        var unused1 = fixture.snapshotRaw(mlops, "0.80", "a");
        RunIdProbe probe = new RunIdProbe();
        PipelineRun base = probe.dryRun("git:1");
        assertThat(probe.dryRun("git:1").getRunId()).isEqualTo(base.getRunId());
        assertThat(probe.dryRun("git:2").getRunId()).isNotEqualTo(base.getRunId());
        var unused2 = fixture.snapshotRaw(mlops, "0.80", "b");
        assertThat(probe.dryRun("git:1").getRunId()).isNotEqualTo(base.getRunId());
    }

    private final class RunIdProbe {
        PipelineRun dryRun(String revision) {
            return mlops.pipeline("churn")
                    .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                    .train(fixture.trainer())
                    .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                    .promoteWhen(PipelineFixture.policy())
                    .codeRevision(revision)
                    .dryRun(true)
                    .build()
                    .run();
        }
    }

    @Test
    void shouldStartTheNextAttemptWhenRerun() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        RetrainingPipeline pipeline = define().build();
        PipelineRun first = pipeline.run();

        PipelineRun second = pipeline.rerun();

        assertThat(second.getRunId().base()).isEqualTo(first.getRunId().base());
        assertThat(second.getRunId().attempt()).isEqualTo(2);
        assertThat(fixture.trainings).hasValue(2);
        assertThat(second.findRegisteredModel()).isNotEqualTo(first.findRegisteredModel());
    }

    @Test
    void shouldWriteNothingWhenDryRun() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        List<StoreKey> before = keys();

        PipelineRun plan = define().dryRun(true).build().runIfTriggered().orElseThrow();

        assertThat(keys()).isEqualTo(before);
        assertThat(plan.getStatus()).isEqualTo(RunStatus.DRY_RUN);
        assertThat(plan.getSteps()).allSatisfy(s -> assertThat(s.status()).isEqualTo(StepOutcome.PLANNED));
        assertThat(plan.findStep("register").orElseThrow().outputs().get("plan"))
                .contains(plan.getRunId().value());
        assertThat(plan.findStep("deploy").orElseThrow().outputs().get("plan")).contains("churn-endpoint");
        assertThat(fixture.trainings).hasValue(0);
        assertThat(mlops.registry().versions("churn")).isEmpty();
    }

    @Test
    void shouldResumeWithoutRetrainingOrRegisteringTwiceWhenARunFailedAfterRegistering() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        AtomicBoolean fail = new AtomicBoolean(true);
        RetrainingPipeline pipeline = mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, (model, holdout) -> {
                    if (fail.getAndSet(false)) {
                        throw new IllegalStateException("evaluator crashed");
                    }
                    return fixture.evaluator(mlops).evaluate(model, holdout);
                })
                .promoteWhen(PipelineFixture.policy())
                .deployTo(deployer, "churn-endpoint", Rollout.replace())
                .workDirectory(dir.resolve("work"))
                .build();
        assertThatThrownBy(pipeline::runIfTriggered).hasMessageContaining("evaluator crashed");

        PipelineRun resumed = pipeline.runIfTriggered().orElseThrow();

        assertThat(resumed.isResumed()).isTrue();
        assertThat(resumed.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(fixture.trainings).hasValue(1);
        assertThat(mlops.registry().versions("churn")).hasSize(1);
        assertThat(resumed.findStep("train").orElseThrow().resumed()).isTrue();
        assertThat(resumed.findStep("deploy").orElseThrow().resumed()).isFalse();
        assertThat(pipeline.readJournal(resumed.getRunId()))
                .filteredOn(e -> e.step().equals("register"))
                .hasSize(1);
    }

    @Test
    void shouldStopWithAConflictNamingTheHolderWhenAnotherRunHoldsTheLease() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        RetrainingPipeline other = define().build();
        List<Throwable> seen = new ArrayList<>();
        RetrainingPipeline pipeline =
                define().leaseDuration(Duration.ofMinutes(3)).build();
        var unusedPublisher = pipeline.getEventPublisher().onStepStarted(event -> {
            if (event.step().equals("train")) {
                try {
                    var unusedRun = other.run();
                } catch (ConflictException e) {
                    seen.add(e);
                }
            }
        });

        PipelineRun run = pipeline.runIfTriggered().orElseThrow();

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(seen)
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage())
                        .contains("pipeline 'churn' is held by pid")
                        .contains("until 2026-11-29T10:03:00Z")
                        .contains(run.getRunId().value()));
    }

    @Test
    void shouldFinishATrainingStepThatOutlastsTheLeaseWhenTheProcessStaysAlive() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        Duration lease = Duration.ofMillis(300);
        Trainer trainer = fixture.trainer();
        Trainer slow = context -> {
            for (int i = 0; i < 6; i++) { // 600 ms of a 300 ms lease pass on the pipeline's clock
                clock.advance(Duration.ofMillis(100));
                Instant renewed = clock.instant().plus(lease);
                // the heartbeat beats every 100 ms of real time, renewing from the clock's new reading
                await().atMost(Duration.ofSeconds(10)).until(() -> leaseExpiry().equals(renewed));
            }
            return trainer.train(context);
        };
        RetrainingPipeline pipeline = define(slow).leaseDuration(lease).build();

        PipelineRun run = pipeline.runIfTriggered().orElseThrow();

        assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
        assertThat(fixture.trainings.get()).isEqualTo(1);
    }

    /** The expiry in the pipeline's lease record ({@code docs/pipeline-journal.md}). */
    private Instant leaseExpiry() {
        String record = new String(
                store.find(StoreKey.of("pipelines/churn/lease.json"))
                        .orElseThrow()
                        .getBytes(),
                StandardCharsets.UTF_8);
        Matcher expires = Pattern.compile("\"expires\":\"([^\"]+)\"").matcher(record);
        assertThat(expires.find()).as("expires in %s", record).isTrue();
        return Instant.parse(expires.group(1));
    }

    @Test
    void shouldPublishStepAndRunEventsInOrder() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        List<String> events = new ArrayList<>();
        RetrainingPipeline pipeline = define().build();
        var unusedPublisher = pipeline.getEventPublisher()
                .onStepStarted(e -> events.add("start " + e.step()))
                .onStepFinished(e -> events.add("end " + e.outcome().step()))
                .onRunFinished(e -> events.add("run " + e.run().getStatus()));

        var unusedRun = pipeline.run();

        assertThat(events)
                .containsExactly(
                        "end trigger",
                        "start train",
                        "end train",
                        "start register",
                        "end register",
                        "start evaluate",
                        "end evaluate",
                        "start compare",
                        "end compare",
                        "start promote",
                        "end promote",
                        "start deploy",
                        "end deploy",
                        "run promoted");
    }

    @Test
    void shouldPinThePreparedDatasetWhenAPreparationIsDefined() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        RetrainingPipeline pipeline = define().prepare("features", (ctx, out) -> {
                    try {
                        java.nio.file.Files.writeString(
                                out.resolve("f.csv"),
                                "from " + ctx.dataset(PipelineFixture.RAW).getRef());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .build();

        PipelineRun run = pipeline.run();

        assertThat(run.getInputs()).containsKey("features");
        assertThat(mlops.datasets().get(run.getInputs().get("features")).getParents())
                .contains(run.getInputs().get(PipelineFixture.RAW));
        assertThat(mlops.registry().get(run.findRegisteredModel().orElseThrow()).getInputs())
                .anySatisfy(i -> assertThat(i.dataset().name()).isEqualTo("features"));
    }

    @Test
    void shouldEvaluateOnThePreparedHoldoutWhenThePipelinePreparesItFromTheRawData() {
        // No holdout version exists before the first run: the run prepares it, from the raw input only.
        org.mlops4j.data.DatasetVersion raw = fixture.snapshotRaw(mlops, "0.80", "a");
        java.util.List<org.mlops4j.data.DatasetRef> evaluatedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.mlops4j.pipeline.Evaluator evaluator = fixture.evaluator(mlops);
        RetrainingPipeline pipeline = mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, (model, holdout) -> {
                    evaluatedOn.add(holdout.getRef());
                    return evaluator.evaluate(model, holdout);
                })
                .promoteWhen(PipelineFixture.policy())
                .prepare("train-split", (ctx, out) -> write(out, "train of " + ctx.dataset(PipelineFixture.RAW)))
                .prepare(PipelineFixture.HOLDOUT, (ctx, out) -> write(out, "holdout of " + ctx.dataset("raw")))
                .workDirectory(dir.resolve("work"))
                .build();

        PipelineRun run = pipeline.run();

        org.mlops4j.data.DatasetRef holdout = run.getInputs().get(PipelineFixture.HOLDOUT);
        assertThat(evaluatedOn).containsOnly(holdout);
        assertThat(mlops.datasets().get(holdout).getParents()).containsExactly(raw.getRef());
        assertThat(mlops.datasets().get(run.getInputs().get("train-split")).getParents())
                .containsExactly(raw.getRef());
    }

    private static void write(java.nio.file.Path out, String text) {
        try {
            java.nio.file.Files.writeString(out.resolve("data.csv"), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldRecordTheDeploymentRollbackWhenTheCanaryGateFails() {
        var unused = fixture.snapshotRaw(mlops, "0.80", "a");
        Deployer failing = InMemoryDeployer.builder()
                .store(store)
                .clock(clock)
                .slotMetrics((slot, model) ->
                        new org.mlops4j.deploy.SlotMetrics(slot, 1000, 500, Duration.ofMillis(1), Duration.ofMillis(1)))
                .build();
        PipelineRun first = define().build().run();
        var unused2 = fixture.snapshotRaw(mlops, "0.90", "b");
        RetrainingPipeline pipeline = mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .deployTo(failing, "churn-endpoint", Rollout.canary(10, 100))
                .workDirectory(dir.resolve("work"))
                .build();

        PipelineRun run = pipeline.runIfTriggered().orElseThrow();

        assertThat(run.getStatus()).isEqualTo(RunStatus.DEPLOYMENT_FAILED);
        assertThat(run.findDeployment().orElseThrow().getReason()).contains("error rate");
        assertThat(failing.status("churn-endpoint").findLiveModel()).isEqualTo(first.findRegisteredModel());
        // The alias follows what is live: back on the first model, with the reason in its history.
        assertThat(mlops.registry().findAlias("churn", "champion").orElseThrow().ref())
                .isEqualTo(first.findRegisteredModel().orElseThrow());
        assertThat(run.findStep(RetrainingPipeline.STEP_RESTORE).orElseThrow().status())
                .isEqualTo(StepOutcome.DONE);
        assertThat(mlops.registry().findAlias("churn", "champion").orElseThrow().reason())
                .contains("RolledBack");
    }

    private List<StoreKey> keys() {
        List<StoreKey> keys = new ArrayList<>();
        store.list("").forEach(keys::add);
        return keys;
    }
}
