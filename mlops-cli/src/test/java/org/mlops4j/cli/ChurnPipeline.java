package org.mlops4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.mlops4j.Mlops;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Policies;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.TrainedModel;
import org.mlops4j.pipeline.Triggers;

/**
 * A pipeline definition as a user writes one for {@code mlops4j pipeline --definition}: "training" reads the AUC the
 * model will have from the data ({@code auc.txt} in dataset {@code raw}), so a test decides the verdict with its data.
 */
public final class ChurnPipeline implements Function<Mlops, RetrainingPipeline> {
    /** The constructor the command calls. */
    public ChurnPipeline() {}

    @Override
    public RetrainingPipeline apply(Mlops mlops) {
        return mlops.pipeline("churn")
                .trigger(Triggers.newVersionOf("raw"))
                .train(ctx -> {
                    DatasetVersion raw = ctx.dataset("raw");
                    String auc;
                    try (InputStream in = mlops.datasets().open(raw, "auc.txt")) {
                        auc = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                        Path model =
                                Files.createDirectories(ctx.getWorkDirectory().resolve("model"));
                        Files.writeString(model.resolve("weights.txt"), "auc " + auc);
                        return TrainedModel.of(model).param("auc", auc);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .evaluateOn(
                        "holdout",
                        (model, holdout) -> Evaluation.builder(model.getRef(), holdout.getRef())
                                .metric(
                                        "auc",
                                        Double.parseDouble(model.getParams().get("auc")))
                                .build())
                .promoteWhen(
                        Policies.metric("auc").higherIsBetter().atLeast(0.7).minAbsoluteGain(0.01))
                .build();
    }
}
