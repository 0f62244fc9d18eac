package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Deployer;
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
import org.mlops4j.test.process.KillPlans;

/**
 * Acceptance 2 of the pipeline: a child JVM runs the retraining pipeline on a local lake, a new logical run per
 * iteration ({@link PipelineCrashWorkload}), and is halted at named points in every step — trigger, prepare, train,
 * register, evaluate, compare, promote (alias), deploy, journal — at least three times each, and killed with SIGKILL at
 * random times. After each death the parent resumes the pipeline until no trigger fires, then checks, by parsing every
 * run's journal and cross-checking the registry and the deployer's books: every run finished, with exactly one
 * registration (the registry version whose request id is the run id) and exactly one deployment (one deployment event
 * of operation = run id, in the deployer's books and in the lake's {@code mlops.deployments()} history); no model version or deployment event belongs to no run.
 *
 * <p>The deployer is the {@link InMemoryDeployer}, or the real {@code LocalDeployer} with
 * {@code -D}{@value PipelineCrashWorkload#DEPLOYER_PROPERTY}{@code =local}.
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
    private static final Duration MAX_KILL_DELAY = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    private Path lake;
    private final String deployerKind =
            System.getProperty(PipelineCrashWorkload.DEPLOYER_PROPERTY, InMemoryDeployer.TARGET);
    private int runsChecked;
    private int resumedRuns;

    @Test
    void shouldRegisterAndDeployExactlyOncePerLogicalRunWhenHaltedOrKilledInAnyStep() {
        String title = "pipeline crash test (" + deployerKind + " deployer)";
        Random random = new Random(CrashLoop.seed(SEED_PROPERTY, "pipeline crash test"));
        lake = dir.resolve("lake");
        withPipeline((mlops, fixture, pipeline, deployer) -> {
            var unusedHoldout = fixture.snapshotHoldout(mlops);
            var unusedRaw = PipelineCrashWorkload.snapshotNext(mlops, fixture, "parent-0");
        });

        KillPlans plans = new KillPlans(random);
        new TreeMap<>(POINTS).values().forEach(points -> plans.halts(points, HALTS_PER_POINT));
        plans.sigkills(SIGKILLS, MAX_KILL_DELAY);

        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> ChildJvm.builder(PipelineCrashWorkload.class)
                        .outputDirectory(dir.resolve("children"))
                        .args(lake.toString(), dir.resolve("child-work").toString(), deployerKind)
                        .haltAsPlanned(plan)
                        .build())
                .afterEach(outcome -> checkAfterDeath(random))
                .haltTimeout(Duration.ofSeconds(60))
                .report(title, System.out)
                .build()
                .run(plans.shuffled());

        System.out.printf("%s: %d logical runs checked, %d resumed by the parent%n", title, runsChecked, resumedRuns);
        assertThat(histogram.total()).isGreaterThanOrEqualTo(30);
        POINTS.forEach((step, points) -> assertThat(histogram.count(points.keySet(), CrashLoop.HALT))
                .as("halts in step %s", step)
                .isGreaterThanOrEqualTo(3));
        assertThat(resumedRuns).as("runs the parent found interrupted").isPositive();
    }

    private interface LakeAction {
        void accept(Mlops mlops, PipelineFixture fixture, RetrainingPipeline pipeline, Deployer deployer);
    }

    private void withPipeline(LakeAction action) {
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        try (LocalObjectStore store = LocalObjectStore.open(lake);
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            PipelineFixture fixture = new PipelineFixture(dir.resolve("parent-work"));
            Deployer deployer = PipelineCrashWorkload.deployer(mlops, ahead, deployerKind);
            try {
                RetrainingPipeline pipeline = PipelineCrashWorkload.pipeline(
                        mlops, fixture, dir.resolve("parent-runs"), ahead, deployer, null);
                action.accept(mlops, fixture, pipeline, deployer);
            } finally {
                deployer.close();
            }
        }
    }

    private void checkAfterDeath(Random random) {
        withPipeline((mlops, fixture, pipeline, deployer) -> {
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
            checkBooks(mlops, pipeline, deployer);
            var unused = PipelineCrashWorkload.snapshotNext(mlops, fixture, "parent-" + random.nextLong());
        });
    }

    /** Parses every journal and cross-checks the registry and the deployer's records. */
    private void checkBooks(Mlops mlops, RetrainingPipeline pipeline, Deployer deployer) {
        Map<String, ModelRef> registeredByRequest = new HashMap<>();
        for (ModelVersion version : mlops.registry().versions(PipelineCrashWorkload.PIPELINE)) {
            ModelRef before = registeredByRequest.put(version.getRequestId(), version.getRef());
            assertThat(before)
                    .as("a second version for request %s", version.getRequestId())
                    .isNull();
        }
        // The deployer's own books: the InMemoryDeployer's event log, or for the LocalDeployer its operations.
        Map<OperationId, Integer> eventsByOperation = new HashMap<>();
        if (deployerKind.equals(InMemoryDeployer.TARGET)) {
            for (InMemoryDeployer.DeploymentEvent event :
                    InMemoryDeployer.events(deployer, PipelineCrashWorkload.ENDPOINT)) {
                eventsByOperation.merge(event.operation(), 1, Integer::sum);
            }
        } else {
            for (RunId runId : pipeline.listRuns()) {
                OperationId operation = OperationId.of(runId.value());
                deployer.findOperation(PipelineCrashWorkload.ENDPOINT, operation)
                        .filter(d -> d.getStatus().equals(OperationStatus.SUCCEEDED))
                        .ifPresent(d -> eventsByOperation.merge(operation, 1, Integer::sum));
            }
        }
        Map<OperationId, Integer> sharedByOperation = new HashMap<>();
        for (org.mlops4j.deploy.DeploymentEvent event : mlops.deployments().events(PipelineCrashWorkload.ENDPOINT)) {
            sharedByOperation.merge(event.operationId(), 1, Integer::sum);
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
            assertThat(sharedByOperation.get(OperationId.of(runId.value())))
                    .as("events of operation %s in the lake's deployment history", runId)
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
        assertThat(sharedByOperation).as("history events, one per run").hasSize(runs.size());
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
