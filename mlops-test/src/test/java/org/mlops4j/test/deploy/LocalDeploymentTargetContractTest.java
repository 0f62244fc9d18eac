package org.mlops4j.test.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.serving.ScoringServer;
import org.mlops4j.test.DeploymentTargetContract;

/** The deployment-target contract on the local target: real HTTP slots, models loaded from a lake's registry. */
class LocalDeploymentTargetContractTest extends DeploymentTargetContract {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @TempDir
    Path dir;

    private Mlops mlops;
    private final List<ModelVersion> models = new ArrayList<>();
    private ModelVersion untagged;

    @Override
    protected DeploymentTarget createTarget() {
        mlops = Mlops.builder()
                .localLake(dir.resolve("lake"))
                .cacheDirectory(null)
                .build();
        for (int i = 1; i <= 3; i++) {
            Path artifacts = dir.resolve("model-" + i);
            var unused = LinearModelLoader.write(artifacts, 100.0 * i, Map.of("x", 1.0));
            models.add(mlops.registry()
                    .register(new ModelRegistration("contract")
                            .artifacts(artifacts)
                            .tag(LinearModelLoader.FLAVOR_TAG, LinearModelLoader.FLAVOR)));
        }
        untagged = mlops.registry().register(new ModelRegistration("untagged").artifacts(dir.resolve("model-1")));
        return reopen();
    }

    @Override
    protected DeploymentTarget reopen() {
        return LocalDeployer.builder()
                .mlops(mlops)
                .loader(new LinearModelLoader())
                .front(ScoringServer.builder())
                .buildTarget();
    }

    @AfterEach
    void closeLake() {
        if (mlops != null) {
            mlops.close();
        }
    }

    @Override
    protected ModelVersion servableModel(int n) {
        return models.get(n - 1);
    }

    @Override
    protected ModelVersion unservableModel() {
        return untagged;
    }

    @Override
    protected boolean sendRequests(String endpoint, int requests) {
        URI uri = URI.create(target.findScoringUri(endpoint).orElseThrow());
        for (int i = 0; i < requests; i++) {
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":[{\"x\":1}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                            "request " + i + " to " + uri + " got " + response.statusCode() + ": " + response.body());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return true;
    }
}
