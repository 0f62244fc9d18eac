package org.mlops4j.test;

import java.time.Duration;
import org.mlops4j.store.ObjectStore;

/** The in-memory store behind a remote store's latency passes the contract: latency changes the time, not the result. */
class LatencyObjectStoreContractTest extends ObjectStoreContract {
    @Override
    protected ObjectStore createStore() {
        return LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ofMillis(1));
    }
}
