package org.mlops4j.test;

import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
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

/**
 * An {@link ObjectStore} that forwards every call to another, for test decorators that count, record or refuse
 * some calls and override only those. Every method forwards, the default ones too, so that the delegate's own fast
 * paths (a local store's channel writes and ranged reads) stay in use. Thread-safe if the delegate is.
 *
 * <pre>{@code
 * ObjectStore counting = new ForwardingObjectStore(lake) {
 *     @Override
 *     public ContentInfo putContent(InputStream content) {
 *         uploads.incrementAndGet();
 *         return super.putContent(content);
 *     }
 * };
 * }</pre>
 */
public abstract class ForwardingObjectStore implements ObjectStore {
    private final ObjectStore delegate;

    /**
     * Wraps a store.
     *
     * @param delegate the store every call goes to
     */
    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
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
    public ContentInfo putContent(ReadableByteChannel content) {
        return delegate.putContent(content);
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        return delegate.findContent(digest);
    }

    @Override
    public Map<Digest, ContentInfo> findContents(Collection<Digest> digests) {
        return delegate.findContents(digests);
    }

    @Override
    public InputStream openContent(Digest digest) {
        return delegate.openContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        return delegate.openContent(digest, offset, length);
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
        return delegate.find(key);
    }

    @Override
    public boolean exists(StoreKey key) {
        return delegate.exists(key);
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        return delegate.list(prefix, continuationToken, maxResults);
    }

    @Override
    public boolean delete(StoreKey key) {
        return delegate.delete(key);
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
    public Optional<Duration> getCallTimeout() {
        return delegate.getCallTimeout();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + delegate + ")";
    }
}
