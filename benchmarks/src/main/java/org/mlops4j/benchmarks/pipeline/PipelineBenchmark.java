package org.mlops4j.benchmarks.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.mlops4j.Mlops;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Outcomes;
import org.mlops4j.compare.Policies;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.TrainedModel;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.InMemoryDeployer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The retraining pipeline's own overhead per cycle (acceptance 7): one {@link RetrainingPipeline#rerun()} — lease,
 * journal (about ten records), a trivial trainer (a 64-byte model file), storing the artifacts, registering, evaluating
 * challenger and champion on a fixed evaluation of {@code examples} outcomes, comparing, moving the champion alias,
 * deploying with {@link Rollout#replace()} to the {@link InMemoryDeployer} (books kept in the same lake), releasing
 * the lease. Every cycle's model is a little better, so every cycle goes the whole way (promote and deploy).
 *
 * <p>Lake: a {@link LocalObjectStore} in a fresh directory under {@code -Dbench.dir} (default
 * {@code java.io.tmpdir}), nothing fsynced (the store's default). Clock: a fixed injected clock. Sample time: JMH's
 * median ({@code p0.50}) is the figure; {@code scripts/bench-pipeline} prints it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class PipelineBenchmark {
    /** Per-example outcomes in each evaluation. */
    @Param({"1000"})
    public int examples;

    private Path dir;
    private LocalObjectStore store;
    private Mlops mlops;
    private RetrainingPipeline pipeline;
    private final AtomicLong cycle = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "mlops4j-pipeline-bench");
        store = LocalObjectStore.open(dir.resolve("lake"));
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
        mlops = Mlops.builder()
                .objectStore(store)
                .clock(clock)
                .cacheDirectory(null)
                .build();
        Path source = Files.createDirectories(dir.resolve("holdout"));
        Files.writeString(source.resolve("holdout.csv"), "x,y\n1,0\n");
        var unused = mlops.datasets().snapshot("holdout").directory(source).commit();

        double[] labels = new double[examples];
        double[] predictions = new double[examples];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < examples; i++) {
            labels[i] = random.nextInt(2);
            predictions[i] = random.nextInt(10) < 8 ? labels[i] : 1 - labels[i];
        }
        Deployer deployer = InMemoryDeployer.builder().store(store).clock(clock).build();
        pipeline = mlops.pipeline("bench")
                .trigger(Triggers.manual())
                .train(ctx -> {
                    try {
                        Path model =
                                Files.createDirectories(ctx.getWorkDirectory().resolve("model"));
                        String quality = Long.toString(cycle.incrementAndGet());
                        Files.writeString(model.resolve("model.txt"), String.format("%064d", Long.parseLong(quality)));
                        return TrainedModel.of(model);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .evaluateOn("holdout", (model, holdout) -> {
                    try (InputStream in = mlops.registry().openArtifact(model, "model.txt")) {
                        long quality = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        return Evaluation.builder(model.getRef(), holdout.getRef())
                                .outcomes(Outcomes.of(labels, predictions))
                                .computeMetrics()
                                .metric("quality", quality)
                                .build();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .promoteWhen(Policies.metric("quality").higherIsBetter().minAbsoluteGain(0.5))
                .deployTo(deployer, "bench", Rollout.replace())
                .clock(clock)
                .workDirectory(dir.resolve("work"))
                .build();
    }

    @Benchmark
    public PipelineRun cycle() {
        PipelineRun run = pipeline.rerun();
        if (!run.getStatus().equals(RunStatus.PROMOTED)) {
            throw new IllegalStateException("a benchmark cycle must go the whole way: " + run);
        }
        return run;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        mlops.close();
        store.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
