package org.mlops4j.test;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;

class LocalObjectStoreContractTest extends ObjectStoreContract {
    @TempDir
    Path directory;

    @Override
    protected ObjectStore createStore() {
        return LocalObjectStore.open(directory.resolve("lake"));
    }
}
