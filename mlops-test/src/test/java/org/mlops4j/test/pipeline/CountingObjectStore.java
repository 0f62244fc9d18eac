package org.mlops4j.test.pipeline;

import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.ForwardingObjectStore;

/**
 * A store that counts, while counting is on, the writes that upload content: every {@code putContent} and every
 * created tree or pack record ({@code trees/…}, {@code packs/…}). It can also refuse the next write under a key
 * prefix, as a backend that is down would. Thread-safe.
 */
final class CountingObjectStore extends ForwardingObjectStore {
    private final AtomicBoolean counting = new AtomicBoolean();
    private final AtomicInteger contentWrites = new AtomicInteger();
    private final AtomicReference<@Nullable String> refuseNextUnder = new AtomicReference<>();

    CountingObjectStore(ObjectStore delegate) {
        super(delegate);
    }

    /** Switches counting on (from zero) or off. */
    void counting(boolean on) {
        if (on) {
            contentWrites.set(0);
        }
        counting.set(on);
    }

    /** Returns the content writes counted. */
    int contentWrites() {
        return contentWrites.get();
    }

    /** Makes the next {@code createIfAbsent} or {@code compareAndSet} of a key under {@code prefix} fail. */
    void refuseNextWriteUnder(String prefix) {
        refuseNextUnder.set(prefix);
    }

    private void count() {
        if (counting.get()) {
            contentWrites.incrementAndGet();
        }
    }

    private void maybeRefuse(StoreKey key) {
        String prefix = refuseNextUnder.get();
        if (prefix != null && key.value().startsWith(prefix) && refuseNextUnder.compareAndSet(prefix, null)) {
            throw new ServiceUnavailableException("store refused " + key, "test", 503, null, null, null);
        }
    }

    @Override
    public ContentInfo putContent(InputStream content) {
        count();
        return super.putContent(content);
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        count();
        return super.putContent(expected, content);
    }

    @Override
    public ContentInfo putContent(ReadableByteChannel content) {
        count();
        return super.putContent(content);
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        maybeRefuse(key);
        if (key.value().startsWith("trees/") || key.value().startsWith("packs/")) {
            count();
        }
        return super.createIfAbsent(key, bytes);
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        maybeRefuse(key);
        return super.compareAndSet(key, expected, bytes);
    }
}
