package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.pipeline.JournalEntry;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunId;
import org.mlops4j.pipeline.StepOutcome;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.FakeRemoteTrainer;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.CrashLoop;
import org.mlops4j.test.process.KillHistogram;
import org.mlops4j.test.process.KillPlans;

/**
 * Issue 14, acceptance 4: a pipeline that trains in remote jobs ({@link FakeRemoteTrainer}, whose jobs live in a store
 * of their own and so survive the process) is halted at named points — as the job is submitted, right after the
 * backend recorded it, between journal records, as training starts, after the artifacts are stored, while
 * registering — and killed with SIGKILL at random times, mostly while it waits for a job. After each death the parent
 * resumes the pipeline until no trigger fires and checks every run: finished, one {@code train}/{@code submitted}
 * record whose handle the {@code train} record names, exactly one submission per logical run in the backend's own
 * count, one registration. Runs whose job was submitted by one process and fetched by another (different fencing
 * tokens on the two records) show the re-attachment.
 *
 * <p>The parent's clock runs an hour ahead, so that a dead child's lease (10 minutes) has expired for it and its jobs
 * have ended. Replay with {@code -D}{@value #SEED_PROPERTY}{@code =<seed>}.
 */
class RemoteTrainingCrashTest {
    static final String SEED_PROPERTY = "mlops4j.crash.seed";

    /** Halt points with the highest occurrence to pick from. */
    private static final Map<String, Integer> POINTS = Map.of(
            "train.started", 1,
            "remote/content.committed", 2,
            "remote/pointer.moved", 1,
            "journal/record.committed", 4,
            "train/record.committed", 1,
            "register/record.committed", 2);

    private static final int HALTS_PER_POINT = 3;
    private static final int SIGKILLS = 12;
    private static final Duration MAX_KILL_DELAY = Duration.ofMillis(2500);

    @TempDir
    Path dir;

    private int runsChecked;
    private long submissions;
    private int reattached;

    @Test
    void shouldSubmitOneJobPerLogicalRunWhenKilledWhileTrainingRemotely() {
        Random random = new Random(CrashLoop.seed(SEED_PROPERTY, "remote training crash test"));
        withPipeline((mlops, fixture, trainer, pipeline) -> {
            var unusedHoldout = fixture.snapshotHoldout(mlops);
            var unusedRaw = PipelineCrashWorkload.snapshotNext(mlops, fixture, "parent-0");
        });
        KillPlans plans = new KillPlans(random).halts(POINTS, HALTS_PER_POINT).sigkills(SIGKILLS, MAX_KILL_DELAY);

        KillHistogram histogram = CrashLoop.builder()
                .child(plan -> ChildJvm.builder(RemoteTrainingCrashWorkload.class)
                        .outputDirectory(dir.resolve("children"))
                        .args(
                                lake().toString(),
                                remote().toString(),
                                dir.resolve("child-work").toString())
                        .haltAsPlanned(plan)
                        .build())
                .afterEach(outcome -> checkAfterDeath(random))
                .haltTimeout(Duration.ofSeconds(60))
                .report("remote training crash test", System.out)
                .build()
                .run(plans.shuffled());

        System.out.printf(
                "remote training crash test: %d kills, %d logical runs, %d submissions, %d runs re-attached by"
                        + " another process%n",
                histogram.total(), runsChecked, submissions, reattached);
        assertThat(histogram.total()).isGreaterThanOrEqualTo(20);
        POINTS.keySet()
                .forEach(point -> assertThat(histogram.count(point, CrashLoop.HALT))
                        .as("halts at %s", point)
                        .isGreaterThanOrEqualTo(HALTS_PER_POINT));
        assertThat(submissions).as("submissions, one per logical run").isEqualTo(runsChecked);
        assertThat(reattached).as("runs whose job another process fetched").isPositive();
    }

    private Path lake() {
        return dir.resolve("lake");
    }

    private Path remote() {
        return dir.resolve("remote");
    }

    private interface LakeAction {
        void accept(Mlops mlops, PipelineFixture fixture, FakeRemoteTrainer trainer, RetrainingPipeline pipeline);
    }

    private void withPipeline(LakeAction action) {
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        try (LocalObjectStore store = LocalObjectStore.open(lake());
                LocalObjectStore jobs = LocalObjectStore.open(remote());
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            PipelineFixture fixture = new PipelineFixture(dir.resolve("parent-work"));
            FakeRemoteTrainer trainer = RemoteTrainingCrashWorkload.trainer(mlops, fixture, jobs, ahead);
            action.accept(
                    mlops,
                    fixture,
                    trainer,
                    RemoteTrainingCrashWorkload.pipeline(
                            mlops, fixture, trainer, dir.resolve("parent-runs"), ahead, null));
        }
    }

    private void checkAfterDeath(Random random) {
        withPipeline((mlops, fixture, trainer, pipeline) -> {
            int runs = 0; // what the child left unfinished, then the run its last snapshot triggers
            while (runs < 5 && pipeline.runIfTriggered().isPresent()) {
                runs++;
            }
            assertThat(pipeline.runIfTriggered()).as("nothing left to run").isEmpty();
            checkRuns(mlops, trainer, pipeline);
            var unused = PipelineCrashWorkload.snapshotNext(mlops, fixture, "parent-" + random.nextLong());
        });
    }

    private void checkRuns(Mlops mlops, FakeRemoteTrainer trainer, RetrainingPipeline pipeline) {
        List<RunId> runs = pipeline.listRuns();
        long submitted = 0;
        int attachedElsewhere = 0;
        for (RunId runId : runs) {
            List<JournalEntry> journal = pipeline.readJournal(runId);
            assertThat(journal.get(journal.size() - 1).isRunFinished())
                    .as("run %s finished: %s", runId, journal)
                    .isTrue();
            JournalEntry handle = single(journal, JournalEntry.SUBMITTED, runId);
            JournalEntry trained = single(journal, StepOutcome.DONE, runId);
            assertThat(trained.outputs())
                    .as("the job the train record of %s names", runId)
                    .containsEntry("job", handle.outputs().get("handle"));
            assertThat(trainer.submissions(runId.value()))
                    .as("submissions of run %s", runId)
                    .isEqualTo(1);
            assertThat(journal.stream().filter(e -> e.step().equals(RetrainingPipeline.STEP_REGISTER)))
                    .as("register records of %s", runId)
                    .hasSize(1);
            submitted += trainer.submissions(runId.value());
            if (handle.fencingToken() != trained.fencingToken()) {
                attachedElsewhere++;
            }
        }
        List<String> requests = mlops.registry().versions(RemoteTrainingCrashWorkload.PIPELINE).stream()
                .map(ModelVersion::getRequestId)
                .toList();
        assertThat(requests)
                .as("model versions, one per run")
                .doesNotHaveDuplicates()
                .hasSize(runs.size());
        runsChecked = runs.size();
        submissions = submitted;
        reattached = attachedElsewhere;
    }

    private static JournalEntry single(List<JournalEntry> journal, String status, RunId runId) {
        List<JournalEntry> found = journal.stream()
                .filter(e -> e.step().equals(RetrainingPipeline.STEP_TRAIN)
                        && e.status().equals(status))
                .toList();
        assertThat(found)
                .as("train/%s records of %s: %s", status, runId, journal)
                .hasSize(1);
        return found.get(0);
    }
}
