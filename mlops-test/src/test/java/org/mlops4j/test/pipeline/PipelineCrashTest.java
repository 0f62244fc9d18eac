package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.pipeline.JournalEntry;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunId;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.CrashLoop;
import org.mlops4j.test.process.KillHistogram;
import org.mlops4j.test.process.KillPlan;

/**
 * Acceptance 2 of the pipeline: a child JVM runs the retraining pipeline on a local lake, a new logical run per
 * iteration ({@link PipelineCrashWorkload}), and is halted at named points in every step — trigger, prepare, train,
 * register, evaluate, compare, promote (alias), deploy, journal — at least three times each, and killed with SIGKILL at
 * random times. After each death the parent resumes the pipeline until no trigger fires, then checks, by parsing every
 * run's journal and cross-checking the registry and the deployer's books: every run finished, with exactly one
 * registration (the registry version whose request id is the run id) and exactly one deployment (one deployment event
 * of operation = run id); no model version or deployment event belongs to no run.
 *
 * <p>The parent's pipeline clock runs an hour ahead, so that a dead child's lease (10 minutes) has expired for it.
 * Replay with {@code -D}{@value #SEED_PROPERTY}{@code =<seed>}.
 */
class PipelineCrashTest {
    static final String SEED_PROPERTY = "mlops4j.crash.seed";

    /** Halt points by pipeline step, each with the highest occurrence to pick from. */
    private static final Map<String, Map<String, Integer>> POINTS = Map.of(
            "trigger", Map.of("trigger/pointer.moved", 2),
            "prepare", Map.of("prepare/record.committed", 3),
            "train", Map.of("train/record.committed", 2),
            "register", Map.of("register/record.committed", 2),
            "evaluate", Map.of("evaluate.started", 2),
            "compare", Map.of("compare.started", 2),
            "promote", Map.of("promote/pointer.moved", 2),
            "deploy", Map.of("deploy/pointer.moved", 3),
            "journal", Map.of("journal/record.temp-written", 9, "journal/record.committed", 9));

    private static final int HALTS_PER_POINT = 3;
    private static final int SIGKILLS = 8;
    private static final int MAX_KILL_DELAY_MILLIS = 1500;

    @TempDir
    Path dir;

    private Path lake;
    private int runsChecked;
    private int resumedRuns;

    @Test
    void shouldRegisterAndDeployExactlyOncePerLogicalRunWhenHaltedOrKilledInAnyStep() {
        long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
        System.out.println("pipeline crash test seed: -D" + SEED_PROPERTY + "=" + seed);
        Random random = new Random(seed);
        lake = dir.resolve("lake");
        withPipeline((mlops, fixture, pipeline) -> {
            var unusedHoldout = fixture.snapshotHoldout(mlops);
            var unusedRaw = PipelineCrashWorkload.snapshotNext(mlops, fixture, "parent-0");
        });

        List<KillPlan> plans = new ArrayList<>();
        POINTS.values()
                .forEach(points -> points.forEach((point, max) -> {
                    for (int i = 0; i < HALTS_PER_POINT; i++) {
                        plans.add(KillPlan.halt(point, 1 + random.nextInt(max)));
                    }
                }));
        for (int i = 0; i < SIGKILLS; i++) {
            plans.add(KillPlan.sigkillAfter(Duration.ofMillis(random.nextInt(MAX_KILL_DELAY_MILLIS + 1))));
        }
        Collections.shuffle(plans, random);

        long started = System.nanoTime();
        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> child(plan))
                .afterEach(outcome -> checkAfterDeath(random))
                .haltTimeout(Duration.ofSeconds(60))
                .build()
                .run(plans);
        double seconds = (System.nanoTime() - started) / 1e9;

        System.out.printf(
                Locale.ROOT,
                "pipeline crash test: %d deaths (%d halts, %d SIGKILLs) in %.1f s; %d logical runs checked,"
                        + " %d resumed by the parent%n%s",
                histogram.total(),
                histogram.countOf(CrashLoop.HALT),
                histogram.countOf(CrashLoop.SIGKILL),
                seconds,
                runsChecked,
                resumedRuns,
                histogram.toTable());
        assertThat(histogram.total()).isGreaterThanOrEqualTo(30);
        POINTS.forEach((step, points) -> assertThat(points.keySet().stream()
                        .mapToInt(point -> histogram.count(point, CrashLoop.HALT))
                        .sum())
                .as("halts in step %s", step)
                .isGreaterThanOrEqualTo(3));
        assertThat(resumedRuns).as("runs the parent found interrupted").isPositive();
    }

    private ChildJvm child(KillPlan plan) {
        ChildJvm.Builder builder = ChildJvm.builder(PipelineCrashWorkload.class)
                .outputDirectory(dir.resolve("children"))
                .args(lake.toString(), dir.resolve("child-work").toString());
        if (plan instanceof KillPlan.Halt halt) {
            builder.haltAt(halt.point());
        }
        return builder.build();
    }

    private interface LakeAction {
        void accept(Mlops mlops, PipelineFixture fixture, RetrainingPipeline pipeline);
    }

    private void withPipeline(LakeAction action) {
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        try (LocalObjectStore store = LocalObjectStore.open(lake);
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            PipelineFixture fixture = new PipelineFixture(dir.resolve("parent-work"));
            RetrainingPipeline pipeline =
                    PipelineCrashWorkload.pipeline(mlops, fixture, dir.resolve("parent-runs"), ahead, null);
            action.accept(mlops, fixture, pipeline);
        }
    }

    private void checkAfterDeath(Random random) {
        withPipeline((mlops, fixture, pipeline) -> {
            for (int i = 0; i < 5; i++) {
                var run = pipeline.runIfTriggered();
                if (run.isEmpty()) {
                    break;
                }
                if (run.get().isResumed()) {
                    resumedRuns++;
                }
            }
            assertThat(pipeline.runIfTriggered()).as("nothing left to run").isEmpty();
            checkBooks(mlops, pipeline);
            var unused = PipelineCrashWorkload.snapshotNext(mlops, fixture, "parent-" + random.nextLong());
        });
    }

    /** Parses every journal and cross-checks the registry and the deployer's records. */
    private void checkBooks(Mlops mlops, RetrainingPipeline pipeline) {
        InMemoryDeployer deployer =
                InMemoryDeployer.builder().store(mlops.objectStore()).build();
        Map<String, ModelRef> registeredByRequest = new HashMap<>();
        for (ModelVersion version : mlops.registry().versions(PipelineCrashWorkload.PIPELINE)) {
            ModelRef before = registeredByRequest.put(version.getRequestId(), version.getRef());
            assertThat(before)
                    .as("a second version for request %s", version.getRequestId())
                    .isNull();
        }
        Map<OperationId, Integer> eventsByOperation = new HashMap<>();
        for (InMemoryDeployer.DeploymentEvent event : deployer.events(PipelineCrashWorkload.ENDPOINT)) {
            eventsByOperation.merge(event.operation(), 1, Integer::sum);
        }
        List<RunId> runs = pipeline.listRuns();
        ModelRef latest = null;
        for (RunId runId : runs) {
            List<JournalEntry> journal = pipeline.readJournal(runId);
            assertThat(journal).as("journal of %s", runId).isNotEmpty();
            assertThat(journal.get(journal.size() - 1).isRunFinished())
                    .as("run %s finished: %s", runId, journal)
                    .isTrue();
            for (int i = 0; i < journal.size(); i++) {
                assertThat(journal.get(i).sequence()).isEqualTo(i + 1L);
            }
            List<JournalEntry> registers = steps(journal, "register");
            assertThat(registers).as("register records of %s", runId).hasSize(1);
            ModelRef model = ModelRef.parse(registers.get(0).outputs().get("model"));
            assertThat(registeredByRequest.get(runId.value()))
                    .as("the registry's version for request %s", runId)
                    .isEqualTo(model);
            List<JournalEntry> deploys = steps(journal, "deploy");
            assertThat(deploys).as("deploy records of %s", runId).hasSize(1);
            assertThat(deploys.get(0).outputs())
                    .containsEntry("operation", runId.value())
                    .containsEntry("status", OperationStatus.SUCCEEDED.toString());
            assertThat(eventsByOperation.get(OperationId.of(runId.value())))
                    .as("deployment events of operation %s", runId)
                    .isEqualTo(1);
            for (String step : List.of("train", "evaluate", "compare", "promote")) {
                assertThat(steps(journal, step))
                        .as("%s records of %s", step, runId)
                        .hasSize(1);
            }
            latest = latest == null || model.version() > latest.version() ? model : latest;
        }
        assertThat(registeredByRequest).as("model versions, one per run").hasSize(runs.size());
        assertThat(eventsByOperation).as("deployments, one per run").hasSize(runs.size());
        assertThat(mlops.registry()
                        .findAlias(PipelineCrashWorkload.PIPELINE, "champion")
                        .orElseThrow()
                        .ref())
                .isEqualTo(latest);
        assertThat(deployer.status(PipelineCrashWorkload.ENDPOINT).findLiveModel())
                .contains(latest);
        runsChecked = runs.size();
    }

    private static List<JournalEntry> steps(List<JournalEntry> journal, String step) {
        return journal.stream().filter(e -> e.step().equals(step)).toList();
    }
}
