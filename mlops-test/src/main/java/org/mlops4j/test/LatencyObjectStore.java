package org.mlops4j.test;

import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.common.StorageException;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreCapabilities;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * Makes any {@link ObjectStore} behave like a remote one for the data layer: each call waits a fixed time first, as a
 * request of 5–50 ms to Azure Blob would, and is counted by {@link StoreOperation}. Wrap a store to find out how many
 * round trips a piece of work costs, and to hold it to a request budget in a test:
 *
 * <pre>{@code
 * LatencyObjectStore remote = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ofMillis(20));
 * RequestCounts before = remote.getRequestCounts();
 * mlops.datasets().snapshot("churn").directory(dir).commit();
 * RequestCounts cost = remote.getRequestCounts().minus(before);
 * assertThat(cost.total()).isLessThanOrEqualTo(40);
 * }</pre>
 *
 * <p>A listing costs one request per page; a read stream one request when it is opened (its bytes are not slowed
 * down); a batch lookup ({@link #findContents}) one request, as a remote store answers it in one round trip. Calls
 * made in parallel wait in parallel, as concurrent requests do. A view with a call timeout shorter than the latency
 * ({@link #withCallTimeout}) fails each call with a transient {@link StorageException} after the timeout, as a
 * request that outlives its deadline does. Capabilities and clock are the wrapped store's. Closing this store
 * closes the wrapped one. The last {@value #RECENT_REQUESTS} requests are kept, each as its operation and key or
 * digest ({@link #getRecentRequests()}), so that a test that exceeds a budget can say which requests it made.
 * Thread-safe.
 */
public final class LatencyObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final long latencyNanos;
    /** How many requests {@link #getRecentRequests()} keeps. */
    public static final int RECENT_REQUESTS = 10_000;

    private final AtomicLongArray counts;
    private final ArrayDeque<String> recent;
    private final @Nullable Duration callTimeout;
    private final boolean owner;

    private LatencyObjectStore(
            ObjectStore delegate,
            long latencyNanos,
            AtomicLongArray counts,
            ArrayDeque<String> recent,
            @Nullable Duration callTimeout,
            boolean owner) {
        this.delegate = delegate;
        this.latencyNanos = latencyNanos;
        this.counts = counts;
        this.recent = recent;
        this.callTimeout = callTimeout;
        this.owner = owner;
    }

    /**
     * Wraps a store.
     *
     * @param delegate the store that does the work; closed with this one
     * @param latency the time each call waits before it reaches the store; zero only counts
     * @return the slowed, counting store
     * @throws IllegalArgumentException if the latency is negative
     */
    public static LatencyObjectStore wrap(ObjectStore delegate, Duration latency) {
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        return new LatencyObjectStore(
                delegate,
                latency.toNanos(),
                new AtomicLongArray(StoreOperation.values().length),
                new ArrayDeque<>(),
                delegate.getCallTimeout().orElse(null),
                true);
    }

    /** Returns the time each call waits. */
    public Duration getLatency() {
        return Duration.ofNanos(latencyNanos);
    }

    /** Returns how many requests were made so far, by operation. */
    public RequestCounts getRequestCounts() {
        EnumMap<StoreOperation, Long> snapshot = new EnumMap<>(StoreOperation.class);
        for (StoreOperation operation : StoreOperation.values()) {
            snapshot.put(operation, counts.get(operation.ordinal()));
        }
        return new RequestCounts(snapshot);
    }

    /** Sets every count back to zero, and forgets the recent requests. */
    public void resetRequestCounts() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
        synchronized (recent) {
            recent.clear();
        }
    }

    /**
     * Returns the requests made since the counts were last reset, oldest first, at most the last
     * {@value #RECENT_REQUESTS}: each as its operation and what it named, e.g. {@code FIND datasets/churn/v.hint}.
     *
     * @return the requests
     */
    public List<String> getRecentRequests() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /**
     * Counts a request and waits its latency, or the call timeout when that is shorter (then the call fails); parks
     * rather than sleeps, so many threads wait at once cheaply.
     */
    private void request(StoreOperation operation, Object target) {
        counts.incrementAndGet(operation.ordinal());
        synchronized (recent) {
            if (recent.size() == RECENT_REQUESTS) {
                recent.removeFirst();
            }
            recent.addLast(operation + " " + target);
        }
        if (latencyNanos == 0) {
            return;
        }
        long timeoutNanos = callTimeout == null ? Long.MAX_VALUE : callTimeout.toNanos();
        long wait = Math.min(latencyNanos, timeoutNanos);
        long deadline = System.nanoTime() + wait;
        for (long left = wait; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        if (timeoutNanos < latencyNanos) {
            throw new StorageException(
                    operation + " timed out after " + callTimeout + " (each call of " + this + " takes " + getLatency()
                            + "); nothing was done, try again with a longer call timeout",
                    true,
                    null);
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
    public Optional<Duration> getCallTimeout() {
        return Optional.ofNullable(callTimeout);
    }

    /**
     * Returns a view whose calls fail after {@code timeout} when the latency is longer; it shares the counts and the
     * wrapped store (given the same timeout when it can bound its calls), and closing it does nothing.
     */
    @Override
    public LatencyObjectStore withCallTimeout(Duration timeout) {
        var unused = ObjectStore.requirePositiveTimeout(timeout);
        ObjectStore bounded;
        try {
            bounded = delegate.withCallTimeout(timeout);
        } catch (UnsupportedOperationException e) {
            bounded = delegate; // only the latency is bounded then
        }
        return new LatencyObjectStore(bounded, latencyNanos, counts, recent, timeout, false);
    }

    @Override
    public Map<Digest, ContentInfo> findContents(Collection<Digest> digests) {
        request(StoreOperation.FIND_CONTENTS, digests.size() + " digests");
        return delegate.findContents(digests);
    }

    @Override
    public ContentInfo putContent(InputStream content) {
        request(StoreOperation.PUT_CONTENT, "(digest not known)");
        return delegate.putContent(content);
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        request(StoreOperation.PUT_CONTENT, expected);
        return delegate.putContent(expected, content);
    }

    @Override
    public ContentInfo putContent(ReadableByteChannel content) {
        request(StoreOperation.PUT_CONTENT, "(digest not known)");
        return delegate.putContent(content);
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        request(StoreOperation.FIND_CONTENT, digest);
        return delegate.findContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest) {
        request(StoreOperation.OPEN_CONTENT, digest);
        return delegate.openContent(digest);
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        request(StoreOperation.OPEN_CONTENT_RANGE, digest + " [" + offset + ", +" + length + ")");
        return delegate.openContent(digest, offset, length);
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        request(StoreOperation.CREATE_IF_ABSENT, key);
        return delegate.createIfAbsent(key, bytes);
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        request(StoreOperation.COMPARE_AND_SET, key);
        return delegate.compareAndSet(key, expected, bytes);
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        request(StoreOperation.FIND, key);
        return delegate.find(key);
    }

    @Override
    public boolean exists(StoreKey key) {
        request(StoreOperation.EXISTS, key);
        return delegate.exists(key);
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        request(StoreOperation.LIST_PAGE, "'" + prefix + "'");
        return delegate.list(prefix, continuationToken, maxResults);
    }

    @Override
    public boolean delete(StoreKey key) {
        request(StoreOperation.DELETE, key);
        return delegate.delete(key);
    }

    /** Closes the wrapped store; on a view made by {@link #withCallTimeout}, does nothing. */
    @Override
    public void close() {
        if (owner) {
            delegate.close();
        }
    }

    @Override
    public String toString() {
        return "LatencyObjectStore{latency=" + getLatency() + ", store=" + delegate + "}";
    }
}
