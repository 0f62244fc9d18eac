package org.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.ModelRegistryContract;

/**
 * The registry contract suite on a real MLflow server ({@link MlflowServer}, one per JVM); every test starts from a
 * server without registered models.
 */
class MlflowRegistryDriverContractTest extends ModelRegistryContract {
    @Override
    protected RegistryDriver createDriver(ObjectStore lake, ExecutorService executor, Path directory) {
        MlflowRegistryDriver driver = MlflowRegistryDriver.builder(
                        MlflowServer.shared().getTrackingUri())
                .uploadExecutor(executor)
                .build();
        deleteAllRegisteredModels(driver.http());
        return driver;
    }

    /** Deletes every registered model (with its versions and aliases) so that each test starts afresh. */
    static void deleteAllRegisteredModels(MlflowHttp http) {
        while (true) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("max_results", 1000);
            JsonNode found = http.get("search-registered-models", "/mlflow/registered-models/search", query);
            if (found.path("registered_models").isEmpty()) {
                return;
            }
            for (JsonNode rm : found.path("registered_models")) {
                var unused = http.send(
                        "delete-registered-model",
                        "DELETE",
                        "/mlflow/registered-models/delete",
                        http.object().put("name", rm.path("name").asText()),
                        true);
            }
        }
    }
}
