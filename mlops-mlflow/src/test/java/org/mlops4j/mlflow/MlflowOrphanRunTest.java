package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.MlopsException;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.resilience.RetryPolicy;

/**
 * Issue 20: a registration that fails after MLflow made its run leaves no run that looks like a good one. A run that
 * no version can hold is deleted; the run of a version create whose answer was lost is marked failed, and a retry that
 * finds the version finishes that run again and deletes its own. Faults come from a proxy that picks requests by path.
 */
class MlflowOrphanRunTest {
    @TempDir
    Path temp;

    @Test
    void shouldDeleteTheUploadRunWhenItsFilesCannotBeUploaded() throws Exception {
        MlflowServer server = MlflowServer.shared();
        AtomicInteger faults = new AtomicInteger(Integer.MAX_VALUE); // every upload fails, retries included
        try (FaultProxy proxy = new FaultProxy(
                        server.getTrackingUri(),
                        on("PUT /api/2.0/mlflow-artifacts", faults, FaultProxy.Fault.ERROR_500),
                        0);
                Mlops mlops = mlops(proxy, "orphans-upload")) {
            assertThatThrownBy(() -> mlops.registry().register(registration("orphan-upload", "r1")))
                    .isInstanceOf(MlopsException.class);
            faults.set(0);
            ModelVersion v = mlops.registry().register(registration("orphan-upload", "r1"));

            Map<String, String> runs = runs(server, "orphans-upload");
            assertThat(runs).as("runs by id: status/lifecycle").hasSize(2);
            assertThat(runs.get(runOf(v))).isEqualTo("FINISHED/active");
            assertThat(runs.values()).filteredOn(r -> r.endsWith("/deleted")).hasSize(1);
        }
    }

    @Test
    void shouldFailTheRunOfAVersionCreateWithoutAnswerAndFinishItWhenTheRetryFindsTheVersion() throws Exception {
        MlflowServer server = MlflowServer.shared();
        AtomicInteger faults = new AtomicInteger(1); // the create lands; its answer is lost
        try (FaultProxy proxy = new FaultProxy(
                        server.getTrackingUri(),
                        on("/mlflow/model-versions/create", faults, FaultProxy.Fault.RESET_AFTER),
                        0);
                Mlops mlops = mlops(proxy, "orphans-landed")) {
            createRegisteredModel(server, "orphan-landed"); // so that the first create is the one that lands
            assertThatThrownBy(() -> mlops.registry().register(registration("orphan-landed", "r1")))
                    .isInstanceOf(MlopsException.class);
            Map<String, String> afterFailure = runs(server, "orphans-landed");
            assertThat(afterFailure.values())
                    .as("the attempt's run, status unknown to it")
                    .containsExactly("FAILED/active");

            ModelVersion v = mlops.registry().register(registration("orphan-landed", "r1"));

            Map<String, String> runs = runs(server, "orphans-landed");
            assertThat(v.getVersion()).isEqualTo(1);
            assertThat(runs.get(runOf(v)))
                    .as("the version's run, finished again")
                    .isEqualTo("FINISHED/active");
            assertThat(runs)
                    .as("the retry's own run, which no version holds, is deleted")
                    .hasSize(2)
                    .containsValue("FINISHED/deleted");
        }
    }

    @Test
    void shouldFailTheRunOfAVersionCreateThatFailedAndRegisterTheRetryUnderItsOwnRun() throws Exception {
        MlflowServer server = MlflowServer.shared();
        AtomicInteger faults = new AtomicInteger(1); // the proxy answers 500 without passing the create on
        try (FaultProxy proxy = new FaultProxy(
                        server.getTrackingUri(),
                        on("/mlflow/model-versions/create", faults, FaultProxy.Fault.ERROR_500),
                        0);
                Mlops mlops = mlops(proxy, "orphans-failed")) {
            createRegisteredModel(server, "orphan-failed");
            assertThatThrownBy(() -> mlops.registry().register(registration("orphan-failed", "r1")))
                    .isInstanceOf(MlopsException.class);

            ModelVersion v = mlops.registry().register(registration("orphan-failed", "r1"));

            Map<String, String> runs = runs(server, "orphans-failed");
            assertThat(runs.get(runOf(v))).isEqualTo("FINISHED/active");
            assertThat(runs).hasSize(2).containsValue("FAILED/active");
        }
    }

    /** The first {@code count} requests whose request line contains {@code part} get the fault. */
    private static Function<String, FaultProxy.Fault> on(String part, AtomicInteger count, FaultProxy.Fault fault) {
        return line -> line.contains(part) && count.getAndDecrement() > 0 ? fault : FaultProxy.Fault.NONE;
    }

    private Mlops mlops(FaultProxy proxy, String experiment) {
        RetryPolicy retry = RetryPolicy.custom()
                .maxAttempts(2)
                .sleeper(d -> {}) // the test counts outcomes, it does not wait out backoffs
                .circuitBreakerRegistry(CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                        .minimumNumberOfCalls(10_000)
                        .build()))
                .build();
        return Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .registryDriver(MlflowRegistryDriver.builder(proxy.uri())
                        .experimentName(experiment)
                        .requestTimeout(Duration.ofSeconds(5))
                        .retryPolicy(retry)
                        .build())
                .build();
    }

    private ModelRegistration registration(String model, String request) throws Exception {
        Path dir = temp.resolve("model-" + model);
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("weights.bin"), "w".repeat(1000));
            Files.writeString(dir.resolve("config.json"), "{}");
        }
        return new ModelRegistration(model).requestId(request).artifacts(dir).metric("auc", 0.9);
    }

    private static String runOf(ModelVersion v) {
        String uri = v.getArtifactLocation().orElseThrow().getUri().orElseThrow();
        return MlflowArtifacts.runIdOf(uri).orElseThrow();
    }

    private static void createRegisteredModel(MlflowServer server, String model) {
        MlflowHttp http =
                MlflowRegistryDriver.builder(server.getTrackingUri()).build().http();
        var unused = http.send(
                "create-registered-model",
                "POST",
                "/mlflow/registered-models/create",
                http.object().put("name", model),
                false);
    }

    /** Every run of the experiment, deleted ones too, as run id to {@code <status>/<lifecycle stage>}. */
    private static Map<String, String> runs(MlflowServer server, String experiment) {
        MlflowHttp http =
                MlflowRegistryDriver.builder(server.getTrackingUri()).build().http();
        Map<String, String> runs = new TreeMap<>();
        for (JsonNode info : MlflowFaultTest.runInfos(http, experiment, "ALL")) {
            runs.put(
                    info.path("run_id").asText(),
                    info.path("status").asText() + "/"
                            + info.path("lifecycle_stage").asText());
        }
        return runs;
    }
}
