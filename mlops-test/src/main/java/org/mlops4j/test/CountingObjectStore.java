package org.mlops4j.test;

import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * An {@link ObjectStore} decorator that counts the requests made to the store under it, by kind: content writes (each
 * {@code putContent}, which on a remote store is an upload), record writes ({@code createIfAbsent},
 * {@code compareAndSet}, {@code delete}) and reads (everything else). Tests hold an operation to a request budget with
 * it, for example "registering a tree already in the lake uploads nothing":
 *
 * <pre>{@code
 * CountingObjectStore lake = new CountingObjectStore(new InMemoryObjectStore());
 * lake.reset();
 * registry.register(new ModelRegistration("churn").artifacts(ArtifactLocation.lakeTree(tree)));
 * assertThat(lake.getContentWrites()).isZero();
 * }</pre>
 *
 * <p>Thread-safe; closing it closes the store under it.
 */
public final class CountingObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final AtomicLong contentWrites = new AtomicLong();
    private final AtomicLong recordWrites = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();

    /**
     * Wraps a store.
     *
     * @param delegate the store that serves the requests
     */
    public CountingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Returns how many {@code putContent} calls were made since the last {@link #reset()}. */
    public long getContentWrites() {
        return contentWrites.get();
    }

    /** Returns how many {@code createIfAbsent}, {@code compareAndSet} and {@code delete} calls were made. */
    public long getRecordWrites() {
        return recordWrites.get();
    }

    /** Returns how many reads ({@code find}, {@code exists}, {@code list} pages, content lookups and opens) were made. */
    public long getReads() {
        return reads.get();
    }

    /** Sets every count back to zero. */
    public void reset() {
        contentWrites.set(0);
        recordWrites.set(0);
        reads.set(0);
    }

    @Override
    public ContentInfo putContent(InputStream content) {
        contentWrites.incrementAndGet();
        return delegate.putContent(content);
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        contentWrites.incrementAndGet();
        return delegate.putContent(expected, content);
    }

    @Override
    public ContentInfo putContent(ReadableByteChannel content) {
        contentWrites.incrementAndGet();
        return delegate.putContent(content);
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        reads.incrementAndGet();
        return delegate.findContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest) {
        reads.incrementAndGet();
        return delegate.openContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        reads.incrementAndGet();
        return delegate.openContent(digest, offset, length);
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        recordWrites.incrementAndGet();
        return delegate.createIfAbsent(key, bytes);
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        recordWrites.incrementAndGet();
        return delegate.compareAndSet(key, expected, bytes);
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        reads.incrementAndGet();
        return delegate.find(key);
    }

    @Override
    public boolean exists(StoreKey key) {
        reads.incrementAndGet();
        return delegate.exists(key);
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        reads.incrementAndGet();
        return delegate.list(prefix, continuationToken, maxResults);
    }

    @Override
    public boolean delete(StoreKey key) {
        recordWrites.incrementAndGet();
        return delegate.delete(key);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "Counting" + delegate;
    }
}
