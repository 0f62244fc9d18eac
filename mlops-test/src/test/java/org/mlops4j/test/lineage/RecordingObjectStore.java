package org.mlops4j.test.lineage;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.test.ForwardingObjectStore;
import org.mlops4j.test.InMemoryObjectStore;

/**
 * An {@link InMemoryObjectStore} that, while recording, notes what each read touched: {@code find <key>},
 * {@code exists <key>}, {@code list <prefix>} (one per page), {@code content <content key>}. A test asserts with it
 * that a query read only the lineage index. Thread-safe.
 */
final class RecordingObjectStore extends ForwardingObjectStore {
    private final InMemoryObjectStore delegate;
    private final List<String> reads = new ArrayList<>();
    private boolean recording;

    RecordingObjectStore(InMemoryObjectStore delegate) {
        super(delegate);
        this.delegate = delegate;
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
    public Optional<ContentInfo> findContent(Digest digest) {
        read("content", ObjectStore.contentKey(digest).value());
        return super.findContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest) {
        read("content", ObjectStore.contentKey(digest).value());
        return super.openContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        read("content", ObjectStore.contentKey(digest).value());
        return super.openContent(digest, offset, length);
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        read("find", key.value());
        return super.find(key);
    }

    @Override
    public boolean exists(StoreKey key) {
        read("exists", key.value());
        return super.exists(key);
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        read("list", prefix);
        return super.list(prefix, continuationToken, maxResults);
    }

    @Override
    public String toString() {
        return "Recording" + delegate;
    }
}
