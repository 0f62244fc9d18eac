package org.mlops4j.test.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlops4j.Mlops;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Policies;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.pipeline.Evaluator;
import org.mlops4j.pipeline.TrainedModel;
import org.mlops4j.pipeline.Trainer;
import org.mlops4j.pipeline.spi.TrainingResult;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.FakeRemoteTrainer;

/**
 * A tiny world for pipeline tests: dataset {@value #RAW} holds a CSV whose last line is the "quality" a model trained
 * on it reaches; the trainer writes that number into {@code model.txt}; the evaluator reads it back as the model's
 * accuracy on {@value #HOLDOUT}. A new raw version with a higher quality is promoted, a lower one rejected.
 */
final class PipelineFixture {
    static final String RAW = "raw";
    static final String HOLDOUT = "holdout";

    final Path dir;
    final AtomicInteger trainings = new AtomicInteger();
    final AtomicInteger evaluations = new AtomicInteger();

    PipelineFixture(Path dir) {
        this.dir = dir;
    }

    static Mlops open(ObjectStore store, Clock clock) {
        return Mlops.builder()
                .objectStore(store)
                .clock(clock)
                .cacheDirectory(null)
                .build();
    }

    /** Snapshots a raw version whose models reach {@code quality}; {@code salt} varies the bytes. */
    DatasetVersion snapshotRaw(Mlops mlops, String quality, String salt) {
        return snapshot(mlops, RAW, "x,y\n1," + salt + "\nquality\n" + quality + "\n");
    }

    DatasetVersion snapshotHoldout(Mlops mlops) {
        return snapshot(mlops, HOLDOUT, "x,y\n1,2\n");
    }

    DatasetVersion snapshot(Mlops mlops, String name, String csv) {
        Path source = dir.resolve("source-" + name + "-" + System.nanoTime());
        try {
            Files.createDirectories(source);
            Files.writeString(source.resolve("data.csv"), csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return mlops.datasets().snapshot(name).directory(source).commit();
    }

    Trainer trainer() {
        return ctx -> {
            trainings.incrementAndGet();
            DatasetVersion raw = ctx.dataset(RAW);
            Path model = ctx.getWorkDirectory().resolve("model");
            writeModel(ctx.getServices().datasets(), raw, model);
            return TrainedModel.of(model)
                    .param("trained-on", raw.getRef().toString())
                    .tag(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR);
        };
    }

    /** The trainer's work as a remote job: the same files, parameters and tags. */
    FakeRemoteTrainer.Job remoteJob(Datasets datasets) {
        return (request, output) -> {
            trainings.incrementAndGet();
            DatasetVersion raw = request.datasets().get(RAW);
            writeModel(datasets, raw, output);
            return new TrainingResult(
                    Map.of(),
                    Map.of("trained-on", raw.getRef().toString()),
                    Map.of(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR));
        };
    }

    /** Writes {@code model.txt} (the raw data's quality) and a linear model the LocalDeployer's loader can serve. */
    private static void writeModel(Datasets datasets, DatasetVersion raw, Path model) {
        try (InputStream in = datasets.open(raw, "data.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            Files.createDirectories(model);
            Files.writeString(model.resolve("model.txt"), lines[lines.length - 1]);
            Files.writeString(
                    model.resolve(LinearModelLoader.FILE),
                    "{\"intercept\": 0.0, \"weights\": {\"x\": 1.0}, \"link\": \"identity\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Evaluator evaluator(Mlops mlops) {
        return (ModelVersion model, DatasetVersion holdout) -> {
            evaluations.incrementAndGet();
            try (InputStream in = mlops.registry().openArtifact(model, "model.txt")) {
                double quality = Double.parseDouble(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
                return Evaluation.builder(model.getRef(), holdout.getRef())
                        .metric("accuracy", quality)
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static ComparisonPolicy policy() {
        return Policies.metric("accuracy").higherIsBetter().minAbsoluteGain(0.001);
    }
}
