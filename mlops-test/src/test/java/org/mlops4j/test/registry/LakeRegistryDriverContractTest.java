package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.ModelRegistryContract;

class LakeRegistryDriverContractTest extends ModelRegistryContract {
    @Override
    protected ObjectStore createLake(Path directory) {
        return LocalObjectStore.open(directory);
    }

    @Override
    protected RegistryDriver createDriver(ObjectStore lake, ExecutorService executor, Path directory) {
        return ModelRegistry.lakeDriver(lake, ContentTrees.on(lake, executor, 2));
    }
}
