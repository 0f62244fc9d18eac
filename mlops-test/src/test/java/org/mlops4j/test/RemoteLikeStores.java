package org.mlops4j.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

/**
 * The stores of the second run of the dataset, registry and pipeline tests ({@code mlops4j.test.stores}): an in-memory
 * store per lake directory, behind a remote store's latency ({@code mlops4j.test.stores.latency}, 1 ms by default, so
 * the run stays short while every call still waits). Opening a directory again gives the same lake, as reopening a
 * local store does.
 */
public final class RemoteLikeStores implements TestStores.Factory {
    private static final Map<Path, InMemoryObjectStore> LAKES = new ConcurrentHashMap<>();
    /** The lake behind each store opened; by identity, and forgotten with the store. */
    private static final Map<ObjectStore, InMemoryObjectStore> OPENED =
            Collections.synchronizedMap(new WeakHashMap<>());

    private static final Duration LATENCY = Duration.ofMillis(Long.getLong("mlops4j.test.stores.latency", 1));

    /** Creates the factory; the lakes are shared by every instance in the JVM. */
    public RemoteLikeStores() {}

    /**
     * Returns an in-memory store for a test that makes its own: behind the latency when the tests run on this
     * factory's stores, as it is otherwise.
     *
     * @param memory the store
     * @return the store the test uses
     */
    public static ObjectStore around(InMemoryObjectStore memory) {
        return RemoteLikeStores.class.getName().equals(System.getProperty(TestStores.PROPERTY))
                ? LatencyObjectStore.wrap(memory, LATENCY)
                : memory;
    }

    @Override
    public ObjectStore open(Path directory) {
        InMemoryObjectStore lake =
                LAKES.computeIfAbsent(directory.toAbsolutePath().normalize(), d -> new InMemoryObjectStore());
        LatencyObjectStore store = LatencyObjectStore.wrap(lake, LATENCY);
        OPENED.put(store, lake);
        return store;
    }

    @Override
    public void damageContent(ObjectStore store, Digest content, long offset, byte[] bytes) {
        InMemoryObjectStore lake = OPENED.get(store);
        if (lake == null) {
            throw new IllegalArgumentException(store + " was not opened by " + this);
        }
        lake.damageContent(content, offset, bytes);
    }
}
