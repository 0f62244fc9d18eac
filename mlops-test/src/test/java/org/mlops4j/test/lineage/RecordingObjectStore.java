package org.mlops4j.test.lineage;

import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreCapabilities;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.test.InMemoryObjectStore;

/**
 * An {@link InMemoryObjectStore} that, while recording, notes what each read touched: {@code find <key>},
 * {@code exists <key>}, {@code list <prefix>} (one per page), {@code content <content key>}. A test asserts with it
 * that a query read only the lineage index. Thread-safe.
 */
final class RecordingObjectStore implements ObjectStore {
    private final InMemoryObjectStore delegate;
    private final List<String> reads = new ArrayList<>();
    private boolean recording;

    RecordingObjectStore(InMemoryObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Starts recording afresh and resets the delegate's counters. */
    synchronized void startRecording() {
        reads.clear();
        delegate.resetCounters();
        recording = true;
    }

    /** Stops recording and returns what was read, in order. */
    synchronized List<String> stopRecording() {
        recording = false;
        return List.copyOf(reads);
    }

    private synchronized void read(String operation, String keyOrPrefix) {
        if (recording) {
            reads.add(operation + " " + keyOrPrefix);
        }
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Clock clock() {
        return delegate.clock();
    }

    @Override
    public ContentInfo putContent(InputStream content) {
        return delegate.putContent(content);
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        return delegate.putContent(expected, content);
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        read("content", ObjectStore.contentKey(digest).value());
        return delegate.findContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest) {
        read("content", ObjectStore.contentKey(digest).value());
        return delegate.openContent(digest);
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        return delegate.createIfAbsent(key, bytes);
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        return delegate.compareAndSet(key, expected, bytes);
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        read("find", key.value());
        return delegate.find(key);
    }

    @Override
    public boolean exists(StoreKey key) {
        read("exists", key.value());
        return delegate.exists(key);
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        read("list", prefix);
        return delegate.list(prefix, continuationToken, maxResults);
    }

    @Override
    public boolean delete(StoreKey key) {
        return delegate.delete(key);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "Recording" + delegate;
    }
}
