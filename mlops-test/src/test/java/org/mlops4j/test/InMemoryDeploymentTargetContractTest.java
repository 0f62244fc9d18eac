package org.mlops4j.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;

/** The deployment-target contract on the test kit's fake, whose updates take one poll each. */
class InMemoryDeploymentTargetContractTest extends DeploymentTargetContract {
    @TempDir
    Path dir;

    private final InMemoryObjectStore backend = new InMemoryObjectStore();
    private Mlops mlops;
    private final List<ModelVersion> models = new ArrayList<>();
    private ModelVersion withoutArtifacts;

    @Override
    protected DeploymentTarget createTarget() throws Exception {
        mlops = Mlops.builder()
                .localLake(dir.resolve("lake"))
                .cacheDirectory(null)
                .build();
        for (int i = 1; i <= 3; i++) {
            Path artifacts = Files.createDirectories(dir.resolve("model-" + i));
            Files.writeString(artifacts.resolve("model.txt"), "model " + i);
            models.add(mlops.registry().register(new ModelRegistration("contract").artifacts(artifacts)));
        }
        withoutArtifacts = mlops.registry().register(new ModelRegistration("empty"));
        return reopen();
    }

    @Override
    protected DeploymentTarget reopen() {
        return InMemoryDeploymentTarget.builder().store(backend).build();
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
        return withoutArtifacts;
    }
}
