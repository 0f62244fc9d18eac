package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.test.InMemoryModelRegistry;
import org.mlops4j.test.ModelRegistryContract;

class InMemoryModelRegistryContractTest extends ModelRegistryContract {
    private final Set<DatasetRef> datasets = new HashSet<>();
    private ExecutorService executor;

    @Override
    protected ModelRegistry createRegistry(Path directory) {
        executor = Executors.newFixedThreadPool(2);
        return new InMemoryModelRegistry(executor, Clock.systemUTC(), datasets::contains);
    }

    @Override
    protected DatasetRef createDataset(String name) {
        DatasetRef ref = new DatasetRef(name, 1);
        datasets.add(ref);
        return ref;
    }

    @Override
    protected void closeRegistry() {
        executor.shutdownNow();
    }
}
