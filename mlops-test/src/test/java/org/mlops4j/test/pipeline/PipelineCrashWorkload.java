package org.mlops4j.test.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.StepTracker;
import org.mlops4j.test.process.StoreSteps;

/**
 * A child of {@link PipelineCrashTest}: runs the pipeline until no trigger fires, snapshots a new raw version (a new
 * logical run), and again, until it is halted or killed. Every version's data yields a better model than the last, so
 * every run promotes and deploys and every step is reached.
 *
 * <p>Steps reported: {@code <step>.started} and {@code <step>.finished} from the pipeline's events, and each store write
 * as {@code <phase>/<store step>}, where the phase is {@code journal} for journal records and otherwise the pipeline
 * step in progress ({@code trigger} until the trigger step's record is written). Arguments: lake directory, work
 * directory, deployer ({@code in-memory} or {@code local}).
 */
public final class PipelineCrashWorkload {
    static final String PIPELINE = "churn";
    static final String ENDPOINT = "churn-endpoint";

    private PipelineCrashWorkload() {}

    /** The system property naming the deployer of the crash test: {@code in-memory} (default) or {@code local}. */
    static final String DEPLOYER_PROPERTY = "mlops4j.pipeline.crash.deployer";

    /**
     * Creates the crash test's deployer on a lake: the {@link InMemoryDeployer} (books and history in the lake) or
     * the real {@link LocalDeployer} (desired state and history in the lake; close it).
     */
    static Deployer deployer(Mlops mlops, Clock clock, String kind) {
        if (kind.equals(LocalDeployer.TARGET)) {
            return LocalDeployer.builder()
                    .mlops(mlops)
                    .loader(new LinearModelLoader())
                    .front(ScoringServer.builder())
                    .clock(clock)
                    .build();
        }
        return InMemoryDeployer.builder()
                .store(mlops.objectStore())
                .clock(clock)
                .history(mlops.deployments())
                .build();
    }

    /** Defines the crash test's pipeline on a lake. */
    static RetrainingPipeline pipeline(
            Mlops mlops,
            PipelineFixture fixture,
            Path work,
            Clock clock,
            Deployer deployer,
            @Nullable StepTracker steps) {
        RetrainingPipeline pipeline = mlops.pipeline(PIPELINE)
                .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                .train(fixture.trainer())
                .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                .promoteWhen(PipelineFixture.policy())
                .prepare(
                        "features",
                        (ctx, out) -> copy(ctx.getServices().datasets(), ctx.dataset(PipelineFixture.RAW), out))
                .deployTo(deployer, ENDPOINT, Rollout.replace())
                .codeRevision("git:crash")
                .clock(clock)
                .leaseDuration(Duration.ofMinutes(10))
                .workDirectory(work)
                .build();
        return steps == null ? pipeline : CrashPhases.track(pipeline, steps);
    }

    private static void copy(Datasets datasets, DatasetVersion raw, Path out) {
        try (var in = datasets.open(raw, "data.csv")) {
            java.nio.file.Files.write(out.resolve("features.csv"), in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Snapshots the next raw version: its quality rises with its number, so that the challenger always wins. */
    static DatasetVersion snapshotNext(Mlops mlops, PipelineFixture fixture, String salt) {
        long next = mlops.datasets()
                        .findLatest(PipelineFixture.RAW)
                        .map(DatasetVersion::getNumber)
                        .orElse(0L)
                + 1;
        // +0.002 per version: above the policy's minimum gain of 0.001
        return fixture.snapshotRaw(mlops, String.format(java.util.Locale.ROOT, "%.4f", 0.1 + next * 0.002), salt);
    }

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        StepTracker steps = StepTracker.fromSystemProperties();
        Path lake = Path.of(args[0]);
        Path work =
                Path.of(args[1]).resolve(Long.toString(ProcessHandle.current().pid()));
        try (ObjectStore store = StoreSteps.reporting(
                                LocalObjectStore.builder().root(lake), steps.phasedListener(CrashPhases::of))
                        .build();
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            PipelineFixture fixture = new PipelineFixture(work);
            Deployer deployer = deployer(mlops, Clock.systemUTC(), args.length > 2 ? args[2] : InMemoryDeployer.TARGET);
            RetrainingPipeline pipeline =
                    pipeline(mlops, fixture, work.resolve("runs"), Clock.systemUTC(), deployer, steps);
            parent.ready();
            runUntilKilled(mlops, fixture, pipeline);
        }
    }

    /** Runs the pipeline until no trigger fires, snapshots the next raw version, and again, forever. */
    static void runUntilKilled(Mlops mlops, PipelineFixture fixture, RetrainingPipeline pipeline) {
        for (long i = 1; ; i++) {
            CrashPhases.enter("trigger");
            while (pipeline.runIfTriggered().isPresent()) {
                CrashPhases.enter("trigger");
            }
            CrashPhases.enter("workload");
            var unused = snapshotNext(
                    mlops, fixture, "child-" + ProcessHandle.current().pid() + "-" + i);
        }
    }
}
