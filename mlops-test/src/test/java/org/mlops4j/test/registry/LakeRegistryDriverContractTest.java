package org.mlops4j.test.registry;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.registry.internal.RegistryServices;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;
import org.mlops4j.test.ModelRegistryContract;

class LakeRegistryDriverContractTest extends ModelRegistryContract {
    @Override
    protected ObjectStore createLake(Path directory) {
        return TestStores.open(directory);
    }

    @Override
    protected RegistryDriver createDriver(ObjectStore lake, ExecutorService executor, Path directory) {
        return RegistryServices.LAKE_DRIVER.get().apply(lake, ContentTrees.on(lake, executor, 2));
    }
}
