package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.ModelRegistryContract;
import org.mlops4j.test.NonAtomicRegistryDriver;

/** The contract on the deliberately non-atomic driver, sharing a local lake as processes would. */
class NonAtomicRegistryDriverContractTest extends ModelRegistryContract {
    @Override
    protected ObjectStore createLake(Path directory) {
        return LocalObjectStore.open(directory);
    }

    @Override
    protected RegistryDriver createDriver(ObjectStore lake, ExecutorService executor, Path directory) {
        return new NonAtomicRegistryDriver(lake, executor);
    }
}
