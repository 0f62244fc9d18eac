package org.mlops4j.test;

import org.mlops4j.store.ObjectStore;

class InMemoryObjectStoreContractTest extends ObjectStoreContract {
    @Override
    protected ObjectStore createStore() {
        return new InMemoryObjectStore();
    }
}
