package org.mlops4j.test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * An {@link ObjectStore} in memory, for fast tests: it passes the same contract suite as the real stores.
 *
 * <p>It counts reads and writes (so that a test can assert that a lookup reads only index entries) and can inject
 * faults: {@link #failNextWrites(int, boolean)} makes writes throw, before or after they take effect (a lost
 * response). Thread-safe.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private record Entry(byte[] bytes, long generation) {}

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final ConcurrentSkipListMap<StoreKey, Entry> objects = new ConcurrentSkipListMap<>();
    /** Names this store in {@link #toString()}, which must not change while it is used: caches are keyed by it. */
    private final long id = INSTANCES.incrementAndGet();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final Object faultLock = new Object();
    private int faultsLeft;
    private boolean faultAfterWrite;

    /** Creates an empty store. */
    public InMemoryObjectStore() {}

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
        synchronized (faultLock) {
            this.faultsLeft = count;
            this.faultAfterWrite = afterWrite;
        }
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
            throw new UncheckedIOException(e);
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

    @Override
    public InputStream openContent(Digest digest) {
        reads.incrementAndGet();
        Entry entry = objects.get(ObjectStore.contentKey(digest));
        if (entry == null) {
            throw new NotFoundException("no content " + digest + " in the in-memory store");
        }
        return new ByteArrayInputStream(entry.bytes());
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        requireRecordKey(key);
        requireTreeShape(key);
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
        requireTreeShape(key);
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
        return "InMemoryObjectStore#" + id;
    }

    private void write(Runnable change) {
        writes.incrementAndGet();
        boolean fail;
        boolean after;
        synchronized (faultLock) {
            fail = faultsLeft > 0;
            after = faultAfterWrite;
            if (fail) {
                faultsLeft--;
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

    /** Keys form a tree, as on a disk: no key is also a folder of other keys. */
    private void requireTreeShape(StoreKey key) {
        String value = key.value();
        for (int slash = value.indexOf('/'); slash > 0; slash = value.indexOf('/', slash + 1)) {
            if (objects.containsKey(new StoreKey(value.substring(0, slash)))) {
                throw folderConflict(key);
            }
        }
        // keys that start with this one are contiguous in the sorted map
        for (StoreKey next : objects.tailMap(key, false).keySet()) {
            if (!next.value().startsWith(value)) {
                break;
            }
            if (next.value().startsWith(value + "/")) {
                throw folderConflict(key);
            }
        }
    }

    private static ConflictException folderConflict(StoreKey key) {
        return new ConflictException("cannot write '" + key + "': it is a folder of other keys, or one of its parent"
                + " folders is an object; keys form a tree (a/b and a/b/c cannot both exist), so choose another key");
    }

    private static void requireRecordKey(StoreKey key) {
        if (ObjectStore.isContentKey(key)) {
            throw new IllegalArgumentException(
                    "'" + key + "' is a content key; store content with putContent, which checks its digest");
        }
    }
}
