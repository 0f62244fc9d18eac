package org.mlops4j.azure;

import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.ObjectStoreContract;

/** The object store contract on a real Blob endpoint: each test gets a fresh container on Azurite. */
class AzureBlobObjectStoreContractTest extends ObjectStoreContract {
    @Override
    protected ObjectStore createStore() {
        // a small block size, so that the contract's 5 MiB content is staged in blocks and read in chunks
        return AzuriteLakes.newLake("contract").blockSize(1024 * 1024).build();
    }
}
