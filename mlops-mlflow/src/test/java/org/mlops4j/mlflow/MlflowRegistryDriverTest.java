package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.StoredArtifacts;

/** What the driver leaves in MLflow, seen through MLflow's own API, on the real server. */
class MlflowRegistryDriverTest {
    @TempDir
    Path temp;

    private MlflowServer server;
    private MlflowRegistryDriver driver;
    private MlflowHttp http;

    @BeforeEach
    void open() {
        server = MlflowServer.shared();
        driver = MlflowRegistryDriver.builder(server.getTrackingUri()).build();
        http = driver.http();
        MlflowRegistryDriverContractTest.deleteAllRegisteredModels(http);
    }

    /** MLflow's {@code model_version} object of a version. */
    static JsonNode modelVersion(MlflowHttp http, String model, long version) {
        return http.get(
                        "get-model-version",
                        "/mlflow/model-versions/get",
                        Map.of("name", model, "version", Long.toString(version)))
                .path("model_version");
    }

    /** MLflow's {@code run} object of a model version's run. */
    static JsonNode runOf(MlflowHttp http, JsonNode modelVersion) {
        return http.get(
                        "get-run",
                        "/mlflow/runs/get",
                        Map.of("run_id", modelVersion.path("run_id").asText()))
                .path("run");
    }

    private ModelVersion record(String model, long n, StoredArtifacts artifacts) {
        return new ModelVersion(
                new ModelRef(model, n),
                artifacts.location(),
                artifacts.files(),
                artifacts.bytes(),
                Map.of("auc", 0.9),
                Map.of("depth", "6"),
                Map.of("team", "growth"),
                "",
                java.util.List.of(),
                "git:abc",
                "run-1",
                "d",
                Instant.parse("2026-11-29T10:00:00Z"),
                "alice",
                "req-1");
    }

    private StoredArtifacts upload() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("model/sub"));
        Files.writeString(dir.resolve("weights.bin"), "weights");
        Files.writeString(temp.resolve("model/MLmodel"), "flavors: {}\n");
        return driver.storeArtifacts("churn", temp.resolve("model"), ProgressListener.NONE);
    }

    @Test
    void shouldCreateTheVersionWithASourceInsideItsRunAndTheRunsIdWhenArtifactsWereUploaded() throws IOException {
        StoredArtifacts artifacts = upload();

        ModelVersion v = driver.createVersion("churn", "req-1", n -> record("churn", n, artifacts));

        JsonNode mv = modelVersion(http, "churn", v.getVersion());
        JsonNode run = runOf(http, mv);
        assertThat(mv.path("source").asText())
                .startsWith(run.path("info").path("artifact_uri").asText() + "/");
        assertThat(MlflowRecords.tags(mv.path("tags"))).containsEntry("team", "growth");
        assertThat(MlflowRecords.tags(run.path("data").path("tags"))).containsKey(MlflowArtifacts.MANIFEST_DIGEST);
        assertThat(artifacts.files()).isEqualTo(2);
        assertThat(driver.readVersion(v.getRef()).orElseThrow().getMetrics()).containsEntry("auc", 0.9);
    }

    @Test
    void shouldShowTheAliasToMlflowClientsWhenMoved() {
        ModelVersion v = driver.createVersion(
                "churn",
                "req-1",
                n -> new ModelVersion(
                        new ModelRef("churn", n),
                        null,
                        0,
                        0,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        "",
                        java.util.List.of(),
                        "",
                        "",
                        "",
                        Instant.EPOCH,
                        "alice",
                        "req-1"));
        AliasEvent move = new AliasEvent("churn", "champion", 1, 0, v.getVersion(), Instant.EPOCH, "alice", "", "");

        assertThat(driver.writeAlias("churn", "champion", null, move)).isTrue();

        JsonNode byAlias = http.get(
                        "get-alias", "/mlflow/registered-models/alias", Map.of("name", "churn", "alias", "champion"))
                .path("model_version");
        assertThat(byAlias.path("version").asText()).isEqualTo(Long.toString(v.getVersion()));
        assertThat(driver.readAlias("churn", "champion").orElseThrow().last()).isEqualTo(move);
        assertThatThrownBy(() -> driver.writeAlias("churn", "latest", null, move))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserves");
    }

    @Test
    void shouldThrowIntegrityExceptionWhenAFileWasChangedOnTheServer() throws IOException {
        StoredArtifacts artifacts = upload();
        String uri = artifacts.location().getUri().orElseThrow();
        Path onDisk = server.getArtifactsDirectory()
                .resolve(uri.substring("mlflow-artifacts:/".length()))
                .resolve("sub/weights.bin");
        assertThat(onDisk).hasContent("weights");
        Files.writeString(onDisk, "WEIGHTS", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> {
                    try (InputStream in = driver.openArtifact(artifacts.location(), "sub/weights.bin")) {
                        in.readAllBytes();
                    }
                })
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("sub/weights.bin");
        assertThatThrownBy(() -> driver.checkoutArtifacts(artifacts.location(), temp.resolve("out")))
                .isInstanceOf(IntegrityException.class);
        assertThat(temp.resolve("out/sub/weights.bin")).doesNotExist();
    }

    @Test
    void shouldReadAVersionRegisteredByAnotherClientFromMlflowsOwnFields() {
        var unused = http.send(
                "create-registered-model",
                "POST",
                "/mlflow/registered-models/create",
                http.object().put("name", "foreign"),
                false);
        MlflowRuns.Run run =
                new MlflowRuns(http, "mlops4j-registry", java.time.Clock.systemUTC()).create("python", Map.of());
        var unused2 = http.send(
                "create-model-version",
                "POST",
                "/mlflow/model-versions/create",
                http.object()
                        .put("name", "foreign")
                        .put("source", run.artifactUri() + "/model")
                        .put("run_id", run.id()),
                false);

        ModelVersion v = driver.readVersion(new ModelRef("foreign", 1)).orElseThrow();

        assertThat(v.getRequestId()).isEqualTo("mlflow:foreign@1");
        assertThat(v.getPipelineRun()).isEqualTo(run.id());
        assertThat(v.getArtifactLocation().flatMap(l -> l.getUri())).contains(run.artifactUri() + "/model");
    }
}
