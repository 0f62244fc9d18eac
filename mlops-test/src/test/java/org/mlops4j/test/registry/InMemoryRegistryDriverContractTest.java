package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.InMemoryRegistryDriver;
import org.mlops4j.test.ModelRegistryContract;

class InMemoryRegistryDriverContractTest extends ModelRegistryContract {
    @Override
    protected RegistryDriver createDriver(ObjectStore lake, ExecutorService executor, Path directory) {
        return new InMemoryRegistryDriver(executor);
    }
}
