package org.mlops4j.test;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;

class DurableLocalObjectStoreContractTest extends ObjectStoreContract {
    @TempDir
    Path directory;

    @Override
    protected ObjectStore createStore() {
        return LocalObjectStore.builder()
                .root(directory.resolve("lake"))
                .durableWrites(true)
                .build();
    }
}
