package org.mlops4j.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
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
 * An {@link ObjectStore} in memory, for fast tests: it passes the same contract suite as the real stores, and behaves
 * as a remote object store does. It reports ranged reads, native conditional writes and server time (its clock,
 * shared by every user of the store), but no atomic rename, so the data layer takes the path it takes on a blob store
 * (hash first, upload if absent); like a flat blob namespace it holds {@code a/b} beside {@code a/b/c}. Wrap it in a
 * {@link LatencyObjectStore} to give each call a remote store's latency.
 *
 * <p>It counts reads and writes (so that a test can assert that a lookup reads only index entries) and can inject
 * faults: {@link #failNextWrites(int, boolean)} makes writes throw, before or after they take effect (a lost
 * response). Thread-safe.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private record Entry(byte[] bytes, long generation) {}

    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final StoreCapabilities CAPABILITIES = StoreCapabilities.none()
            .withRangedReads()
            .withNativeConditionalWrites()
            .withServerTime();

    /** What a store and its views made by {@link #withCallTimeout} share. */
    private static final class Shared {
        final ConcurrentSkipListMap<StoreKey, Entry> objects = new ConcurrentSkipListMap<>();
        /** Names the store in {@link #toString()}, which must not change while it is used: caches are keyed by it. */
        final long id = INSTANCES.incrementAndGet();

        final AtomicLong reads = new AtomicLong();
        final AtomicLong writes = new AtomicLong();
        final Object faultLock = new Object();
        final Clock clock;
        int faultsLeft; // guarded by faultLock
        boolean faultAfterWrite; // guarded by faultLock

        Shared(Clock clock) {
            this.clock = clock;
        }
    }

    private final Shared shared;
    private final ConcurrentSkipListMap<StoreKey, Entry> objects;
    private final AtomicLong reads;
    private final AtomicLong writes;
    private final @Nullable Duration callTimeout;

    /** Creates an empty store whose time is the host's clock. */
    public InMemoryObjectStore() {
        this(Clock.systemUTC());
    }

    /**
     * Creates an empty store with its own time: leases in the lake expire by this clock (a {@link ManualClock} in
     * tests that move time).
     *
     * @param clock the store's time
     */
    public InMemoryObjectStore(Clock clock) {
        this(new Shared(Objects.requireNonNull(clock, "clock")), null);
    }

    private InMemoryObjectStore(Shared shared, @Nullable Duration callTimeout) {
        this.shared = shared;
        this.objects = shared.objects;
        this.reads = shared.reads;
        this.writes = shared.writes;
        this.callTimeout = callTimeout;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Clock clock() {
        return shared.clock;
    }

    @Override
    public Optional<Duration> getCallTimeout() {
        return Optional.ofNullable(callTimeout);
    }

    /** Returns a view with a call timeout; calls of an in-memory store never wait, so it only reports the bound. */
    @Override
    public InMemoryObjectStore withCallTimeout(Duration timeout) {
        return new InMemoryObjectStore(shared, ObjectStore.requirePositiveTimeout(timeout));
    }

    /** Returns how many reads ({@code find}, {@code exists}, {@code openContent}, {@code findContent}, list pages) were made. */
    public long getReadCount() {
        return reads.get();
    }

    /** Returns how many writes were made. */
    public long getWriteCount() {
        return writes.get();
    }

    /** Resets both counters to zero. */
    public void resetCounters() {
        reads.set(0);
        writes.set(0);
    }

    /**
     * Makes the next writes fail with a {@link org.mlops4j.common.ServiceUnavailableException}.
     *
     * @param count how many writes fail
     * @param afterWrite true: the write takes effect and then the "response is lost"; false: it fails before
     */
    public void failNextWrites(int count, boolean afterWrite) {
        synchronized (shared.faultLock) {
            shared.faultsLeft = count;
            shared.faultAfterWrite = afterWrite;
        }
    }

    /**
     * Overwrites bytes of a stored content in place, as a failing disk would, so that a test can check that reads and
     * verification find the damage. The content keeps its key and size.
     *
     * @param digest the content
     * @param offset where the damage starts, inside the content
     * @param bytes what is written there; the part past the content's end is dropped
     * @throws NotFoundException if no such content is stored
     * @throws IllegalArgumentException if the offset is outside the content
     */
    public void damageContent(Digest digest, long offset, byte[] bytes) {
        byte[] damaged = contentBytes(digest).clone();
        if (offset < 0 || offset > damaged.length) {
            throw new IllegalArgumentException(
                    "offset " + offset + " is outside content " + digest + " of " + damaged.length + " bytes");
        }
        System.arraycopy(bytes, 0, damaged, (int) offset, Math.min(bytes.length, damaged.length - (int) offset));
        objects.put(ObjectStore.contentKey(digest), new Entry(damaged, 0));
    }

    @Override
    public ContentInfo putContent(InputStream content) {
        return storeContent(null, content);
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        return storeContent(Objects.requireNonNull(expected, "expected"), content);
    }

    private ContentInfo storeContent(@Nullable Digest expected, InputStream content) {
        byte[] bytes;
        try {
            bytes = content.readAllBytes();
        } catch (IOException e) {
            throw StorageException.of("cannot read the content to store in " + this + ": " + e, e);
        }
        Digest digest = Digest.of(bytes);
        if (expected != null && !expected.equals(digest)) {
            throw new IntegrityException("content does not match its expected digest: expected " + expected + ", got "
                    + digest + " (" + bytes.length + " bytes); nothing was stored");
        }
        StoreKey key = ObjectStore.contentKey(digest);
        boolean[] created = {false};
        // ConcurrentSkipListMap may apply a remapping function more than once: each call resets the outcome
        write(() -> objects.compute(key, (k, old) -> {
            created[0] = false;
            if (old != null && old.bytes().length == bytes.length) {
                return old;
            }
            created[0] = true;
            return new Entry(bytes, 0);
        }));
        return new ContentInfo(digest, bytes.length, created[0]);
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        reads.incrementAndGet();
        Entry entry = objects.get(ObjectStore.contentKey(digest));
        return entry == null ? Optional.empty() : Optional.of(new ContentInfo(digest, entry.bytes().length, false));
    }

    /** Looks every content up at once, as one read. */
    @Override
    public Map<Digest, ContentInfo> findContents(Collection<Digest> digests) {
        reads.incrementAndGet();
        Map<Digest, ContentInfo> found = new HashMap<>();
        for (Digest digest : digests) {
            Entry entry = objects.get(ObjectStore.contentKey(digest));
            if (entry != null) {
                found.put(digest, new ContentInfo(digest, entry.bytes().length, false));
            }
        }
        return found;
    }

    @Override
    public InputStream openContent(Digest digest) {
        reads.incrementAndGet();
        return new ByteArrayInputStream(contentBytes(digest));
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "a content range needs offset >= 0 and length >= 0, got offset " + offset + ", length " + length);
        }
        reads.incrementAndGet();
        byte[] bytes = contentBytes(digest);
        int from = (int) Math.min(offset, bytes.length);
        int to = (int) Math.min(bytes.length, from + Math.min(length, Integer.MAX_VALUE));
        return new ByteArrayInputStream(bytes, from, to - from);
    }

    private byte[] contentBytes(Digest digest) {
        Entry entry = objects.get(ObjectStore.contentKey(digest));
        if (entry == null) {
            throw new NotFoundException("no content " + digest + " in the in-memory store");
        }
        return entry.bytes();
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        requireRecordKey(key);
        byte[] copy = bytes.clone();
        boolean[] created = {false};
        write(() -> {
            created[0] = objects.putIfAbsent(key, new Entry(copy, 0)) == null;
        });
        return created[0];
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        requireRecordKey(key);
        byte[] copy = bytes.clone();
        long[] generation = {-1};
        write(() -> objects.compute(key, (k, old) -> {
            generation[0] = -1;
            boolean matches = expected == null
                    ? old == null
                    : old != null && Long.toString(old.generation()).equals(expected.value());
            if (!matches) {
                return old;
            }
            generation[0] = (old == null ? 0 : old.generation()) + 1;
            return new Entry(copy, generation[0]);
        }));
        return generation[0] < 0 ? Optional.empty() : Optional.of(new ObjectTag(Long.toString(generation[0])));
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        reads.incrementAndGet();
        Entry entry = objects.get(key);
        return entry == null
                ? Optional.empty()
                : Optional.of(new StoredObject(key, entry.bytes(), new ObjectTag(Long.toString(entry.generation()))));
    }

    @Override
    public boolean exists(StoreKey key) {
        reads.incrementAndGet();
        return objects.containsKey(key);
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        Objects.requireNonNull(prefix, "prefix");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be >= 1, got " + maxResults);
        }
        reads.incrementAndGet();
        Map<StoreKey, Entry> tail = objects;
        if (continuationToken != null) {
            StoreKey token = new StoreKey(continuationToken);
            if (!token.value().startsWith(prefix)) {
                throw new IllegalArgumentException(
                        "continuation token '" + continuationToken + "' was not issued for prefix '" + prefix + "'");
            }
            tail = objects.tailMap(token, false);
        }
        List<StoreKey> found = new ArrayList<>();
        for (StoreKey key : tail.keySet()) {
            if (!key.value().startsWith(prefix)) {
                continue;
            }
            if (found.size() == maxResults) {
                return new Page<>(found, found.get(maxResults - 1).value());
            }
            found.add(key);
        }
        return new Page<>(found, null);
    }

    @Override
    public boolean delete(StoreKey key) {
        boolean[] existed = {false};
        write(() -> existed[0] = objects.remove(key) != null);
        return existed[0];
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "InMemoryObjectStore#" + shared.id;
    }

    private void write(Runnable change) {
        writes.incrementAndGet();
        boolean fail;
        boolean after;
        synchronized (shared.faultLock) {
            fail = shared.faultsLeft > 0;
            after = shared.faultAfterWrite;
            if (fail) {
                shared.faultsLeft--;
            }
        }
        if (fail && !after) {
            throw injected("before");
        }
        change.run();
        if (fail) {
            throw injected("after");
        }
    }

    private static org.mlops4j.common.ServiceUnavailableException injected(String when) {
        return new org.mlops4j.common.ServiceUnavailableException(
                "injected fault " + when + " the write took effect", "in-memory", 503, null, null, null);
    }

    private static void requireRecordKey(StoreKey key) {
        if (ObjectStore.isContentKey(key)) {
            throw new IllegalArgumentException(
                    "'" + key + "' is a content key; store content with putContent, which checks its digest");
        }
    }
}
