package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.TrainedModel;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

/**
 * The pipeline with the real {@link LocalDeployer}: a linear model trained from the raw data is promoted, served on a
 * loopback HTTP endpoint, and answers a scoring request; a second run replaces it.
 */
class PipelineLocalDeployerTest {
    @TempDir
    Path dir;

    @Test
    void shouldServeThePromotedModelOverHttpWhenDeployedByTheLocalDeployer() throws Exception {
        PipelineFixture fixture = new PipelineFixture(dir);
        try (ObjectStore store = TestStores.open(dir.resolve("lake"));
                Mlops mlops = PipelineFixture.open(store, Clock.systemUTC());
                Deployer deployer = LocalDeployer.builder()
                        .mlops(mlops)
                        .loader(new LinearModelLoader())
                        .front(ScoringServer.builder())
                        .build()) {
            var unusedHoldout = fixture.snapshotHoldout(mlops);
            RetrainingPipeline pipeline = mlops.pipeline("linear")
                    .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                    .train(ctx -> linear(
                            ctx.getServices().datasets(), ctx.dataset(PipelineFixture.RAW), ctx.getWorkDirectory()))
                    .evaluateOn(
                            PipelineFixture.HOLDOUT,
                            (model, holdout) -> Evaluation.builder(model.getRef(), holdout.getRef())
                                    .metric(
                                            "accuracy",
                                            model.findMetric("quality").orElseThrow())
                                    .build())
                    .promoteWhen(PipelineFixture.policy())
                    .deployTo(deployer, "linear", Rollout.replace())
                    .workDirectory(dir.resolve("work"))
                    .build();

            var unused1 = fixture.snapshotRaw(mlops, "0.5", "a");
            PipelineRun first = pipeline.runIfTriggered().orElseThrow();
            var unused2 = fixture.snapshotRaw(mlops, "2.0", "b");
            PipelineRun second = pipeline.runIfTriggered().orElseThrow();

            assertThat(first.getStatus()).isEqualTo(RunStatus.PROMOTED);
            assertThat(second.getStatus()).isEqualTo(RunStatus.PROMOTED);
            ModelRef live = second.findRegisteredModel().orElseThrow();
            assertThat(deployer.status("linear").findLiveModel()).contains(live);
            assertThat(deployer.findOperation(
                            "linear", OperationId.of(second.getRunId().value())))
                    .hasValueSatisfying(d -> assertThat(d.isSucceeded()).isTrue());
            assertThat(mlops.deployments().explain("linear").getModel().getRef())
                    .isEqualTo(live);
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(deployer.scoringUri("linear")))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":[{\"x\":1.0}]}"))
                                    .header("Content-Type", "application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"predictions\":[2.0]");
        }
    }

    /** A linear model y = quality · x, where quality is the raw data's last line; tagged for the linear loader. */
    private static TrainedModel linear(Datasets datasets, DatasetVersion raw, Path work) {
        try (InputStream in = datasets.open(raw, "data.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            String quality = lines[lines.length - 1].trim();
            Path model = Files.createDirectories(work.resolve("model"));
            Files.writeString(
                    model.resolve(LinearModelLoader.FILE),
                    "{\"intercept\": 0.0, \"weights\": {\"x\": " + quality + "}, \"link\": \"identity\"}");
            return TrainedModel.of(model)
                    .tag(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR)
                    .metric("quality", Double.parseDouble(quality));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
