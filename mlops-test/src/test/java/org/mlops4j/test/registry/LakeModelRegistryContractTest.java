package org.mlops4j.test.registry;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.LakeModelRegistry;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;
import org.mlops4j.test.ModelRegistryContract;

class LakeModelRegistryContractTest extends ModelRegistryContract {
    private ObjectStore lake;
    private Mlops mlops;

    @Override
    protected ModelRegistry createRegistry(Path directory) {
        lake = TestStores.open(directory.resolve("lake"));
        mlops = Mlops.builder().objectStore(lake).cacheDirectory(null).build();
        return new LakeModelRegistry(mlops.objectStore(), mlops.datasets(), mlops.versionAllocator(), mlops.clock());
    }

    @Override
    protected DatasetRef createDataset(String name) {
        return mlops.datasets().snapshot(name).stream(
                        "data.csv", () -> new ByteArrayInputStream(("x\n" + name + "\n").getBytes()))
                .commit()
                .getRef();
    }

    @Override
    protected void closeRegistry() {
        mlops.close();
        lake.close();
    }
}
