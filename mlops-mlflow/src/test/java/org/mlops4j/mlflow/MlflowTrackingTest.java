package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.Digest;

/** A version's MLflow run the way MLflow expects it, read back through MLflow's REST API on the real server. */
class MlflowTrackingTest {
    @TempDir
    Path temp;

    private MlflowServer server;
    private MlflowRegistryDriver driver;

    @BeforeEach
    void open() {
        server = MlflowServer.shared();
        driver = MlflowRegistryDriver.builder(server.getTrackingUri()).build();
        MlflowRegistryDriverContractTest.deleteAllRegisteredModels(driver.http());
    }

    @Test
    void shouldTrackAPipelineRegistrationAsARunOfThePipelinesExperimentWhenItsArtifactsAreInTheLake() throws Exception {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("rows.csv"), "a,b\n1,x\n2,y\n");
        Path model = Files.createDirectories(temp.resolve("model"));
        Files.writeString(model.resolve("weights.bin"), "weights");
        try (Mlops mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .registryDriver(driver)
                .build()) {
            DatasetVersion train =
                    mlops.datasets().snapshot("track-train").directory(data).commit();
            Digest tree = mlops.datasets()
                    .contentTrees()
                    .storeDirectory(model, org.mlops4j.common.ProgressListener.NONE, "test")
                    .digest();
            ModelRegistration registration = new ModelRegistration("tracked")
                    .artifacts(ArtifactLocation.lakeTree(tree))
                    .requestId("0123456789abcdef0123-1")
                    .pipelineRun("0123456789abcdef0123-1")
                    .codeRevision("git:4f2a9c1")
                    .tag("mlops4j.pipeline", "churn-track")
                    .tag("long", "z".repeat(120_000))
                    .param("long-param", "p".repeat(7_000))
                    .input(train.getRef(), ModelInput.TRAIN);
            for (int i = 0; i < 1_200; i++) {
                registration.metric("m" + i, i);
            }
            for (int i = 0; i < 150; i++) {
                registration.param("p" + i, Integer.toString(i));
            }
            ModelVersion v = mlops.registry().register(registration);

            MlflowHttp http = driver.http();
            JsonNode mv = MlflowRegistryDriverTest.modelVersion(http, "tracked", v.getVersion());
            JsonNode run = MlflowRegistryDriverTest.runOf(http, mv);
            String experiment = http.get(
                            "get-experiment-by-name",
                            "/mlflow/experiments/get-by-name",
                            Map.of("experiment_name", "churn-track"))
                    .path("experiment")
                    .path("experiment_id")
                    .asText();
            assertThat(run.path("info").path("experiment_id").asText()).isEqualTo(experiment);
            assertThat(run.path("info").path("run_name").asText()).isEqualTo("0123456789abcdef0123-1");
            assertThat(run.path("info").path("status").asText()).isEqualTo("FINISHED");
            Map<String, String> tags = MlflowRecords.tags(run.path("data").path("tags"));
            assertThat(tags)
                    .containsEntry("mlops4j.pipeline.run", "0123456789abcdef0123-1")
                    .containsEntry("mlops4j.code.revision", "git:4f2a9c1")
                    .containsEntry("mlflow.source.git.commit", "4f2a9c1");
            assertThat(tags.get("long")).startsWith("sha256:").contains("mlops4j/long-values/tag-long.txt");
            assertThat(run.path("data").path("metrics")).hasSize(1_200);
            assertThat(run.path("data").path("params")).hasSize(151);
            Map<String, String> params = MlflowRecords.tags(run.path("data").path("params"));
            assertThat(params.get("long-param"))
                    .startsWith(
                            "sha256:" + Digest.of("p".repeat(7_000).getBytes()).hex());
            JsonNode input = run.path("inputs").path("dataset_inputs").get(0);
            assertThat(input.path("dataset").path("digest").asText())
                    .isEqualTo(train.getDigest().hex().substring(0, 36));
            assertThat(MlflowRecords.tags(input.path("tags")))
                    .containsEntry("mlflow.data.context", "training")
                    .containsEntry("mlops4j.dataset.digest", train.getDigest().toString());
            assertThat(mv.path("source").asText())
                    .isEqualTo(run.path("info").path("artifact_uri").asText() + "/model");
            try (var in = http.openArtifact(
                    "download",
                    mv.path("source").asText().substring(MlflowArtifacts.SCHEME.length()) + "/weights.bin")) {
                assertThat(new String(in.readAllBytes())).isEqualTo("weights");
            }
            // the version's long tag: the registry keeps the value; MLflow holds a pointer where it is too long
            assertThat(mlops.registry().get(v.getRef()).getTags().get("long")).hasSize(120_000);
            assertThat(driver.limits().version()).isEqualTo(server.getVersion());
        }
    }

    @Test
    void shouldKeepAliasesInTheLakeWhenTheServerHasNone() throws Exception {
        MlflowRegistryDriver noAliases = MlflowRegistryDriver.builder(server.getTrackingUri())
                .withoutAliases()
                .build();
        Path model = Files.createDirectories(temp.resolve("model"));
        Files.writeString(model.resolve("weights.bin"), "w");
        try (Mlops mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .registryDriver(noAliases)
                .build()) {
            assertThat(mlops.registry().capabilities().aliases()).isTrue();
            assertThat(mlops.registry().capabilities().atomicAliasMove()).isTrue();
            ModelVersion v = mlops.registry().register(new ModelRegistration("no-alias").artifacts(model));
            mlops.registry().setAlias("no-alias", "champion", v.getVersion(), AliasUpdate.expectingAbsent());

            assertThat(mlops.registry()
                            .findAlias("no-alias", "champion")
                            .orElseThrow()
                            .ref())
                    .isEqualTo(v.getRef());
            JsonNode rm = noAliases
                    .http()
                    .get("get-registered-model", "/mlflow/registered-models/get", Map.of("name", "no-alias"))
                    .path("registered_model");
            List<String> mlflowAliases = new ArrayList<>();
            rm.path("aliases").forEach(a -> mlflowAliases.add(a.path("alias").asText()));
            assertThat(mlflowAliases).as("aliases in MLflow").isEmpty();
            assertThat(MlflowRecords.tags(rm.path("tags"))).doesNotContainKey(MlflowRecords.ALIAS + "champion");
        }
    }
}
