package org.mlops4j.data;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;

/**
 * Packs the small contents of one snapshot ({@link Packs}). Workers {@link #add} contents concurrently; a pack is
 * sealed (stored as content, then announced by its record) when it reaches {@link Packs#TARGET_PACK_BYTES}, and the
 * last one by {@link #flush()}. A tree that names packed contents is written only once their packs are sealed
 * ({@link #packsToSeal}, {@link #sealedPacks}): contents first, trees next, the version record last. A content is skipped when a sealed pack holds it already or this writer took it; never when
 * another writer only buffers it, because that writer may still fail.
 *
 * <p>Memory: the pack being filled, the packs being sealed and one pack's worth of spare chunks, whatever the number
 * of files. On a store with local calls one pack is sealed at a time (filling a pack takes far longer than storing
 * it, so rarely more than one waits): about three times {@link Packs#TARGET_PACK_BYTES}. On a remote store storing a
 * pack is a request of tens of milliseconds, as long as filling one, so up to {@value #MAX_SEALING} are stored side by
 * side: about ten times.
 */
final class PackWriter {
    /** {@code digest()} resets a MessageDigest, so each thread keeps one rather than look up the provider per file. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digest::newSha256);

    /**
     * Packs are buffered in chunks of this size: below G1's "humongous" size even in a 64 MiB heap, where one 4 MiB
     * array per pack fragments the heap until an allocation fails with memory to spare; and a growing pack is never
     * copied.
     */
    private static final int CHUNK_BYTES = 256 * 1024;
    /** Chunks kept for reuse after a pack is sealed: enough for a pack of small files to rarely allocate. */
    private static final int MAX_SPARE_CHUNKS = 4;

    private final ObjectStore store;
    private final ContentPacks packs;
    /** How many packs are stored at once on a remote store; the workers that fill more wait. */
    static final int MAX_SEALING = 8;

    private final Semaphore sealing;
    /** Contents in the pack being filled or in packs being sealed: the lake's index does not list them yet. */
    private final Set<Digest> pending = new HashSet<>();
    /** Packs sealed since the last {@link #flush()}, which publishes them; guarded by itself. */
    private final List<Digest> sealed = new ArrayList<>();

    private volatile boolean refreshed;
    private final ArrayDeque<byte[]> spareChunks = new ArrayDeque<>();
    private List<byte[]> chunks = new ArrayList<>();
    private int length;
    private List<byte[]> entries = new ArrayList<>();
    private List<Digest> digests = new ArrayList<>();
    /** How many packs were taken to be sealed; each is numbered in that order from 0. Guarded by this. */
    private long taken;
    /** The numbers of the packs taken and not sealed yet; guarded by itself. */
    private final TreeSet<Long> unsealed = new TreeSet<>();

    PackWriter(ObjectStore store, ContentPacks packs) {
        this.store = store;
        this.packs = packs;
        this.sealing = new Semaphore(store.capabilities().hasLocalCalls() ? 1 : MAX_SEALING);
    }

    /** A pack taken from the writer to be sealed. */
    private record Full(long number, List<byte[]> chunks, int length, byte[][] entries, List<Digest> digests) {}

    /**
     * Hashes a small content and packs it unless the lake or this writer holds it already.
     *
     * @param bytes the content, in {@code bytes[0, length)}; copied
     * @return its digest and size; {@code created} when this writer took it
     */
    ContentInfo add(byte[] bytes, int length) {
        if (length > Packs.MAX_MEMBER_BYTES) {
            throw new IllegalArgumentException("pack members have at most " + Packs.MAX_MEMBER_BYTES + " bytes");
        }
        MessageDigest sha = SHA256.get();
        sha.update(bytes, 0, length);
        byte[] hash = sha.digest();
        Digest digest = Digest.ofHash(hash);
        refreshOnce();
        Full full;
        synchronized (this) {
            // sealing adds to the lake's index before it leaves pending, so one of the two always has it
            if (packs.isPacked(hash) || !pending.add(digest)) {
                return new ContentInfo(digest, length, false);
            }
            digests.add(digest);
            entries.add(Packs.entry(hash, this.length, length));
            append(bytes, length);
            full = this.length >= Packs.TARGET_PACK_BYTES || entries.size() >= Packs.MAX_WRITTEN_MEMBERS
                    ? take()
                    : null;
        }
        if (full != null) {
            seal(full);
        }
        return new ContentInfo(digest, length, true);
    }

    /**
     * Seals the pack being filled, if it holds anything, then adds every pack this writer sealed to the lake's pack
     * index. Call after the last {@link #add} returned, before the last trees (see {@link #packsToSeal}).
     */
    void flush() {
        Full last;
        synchronized (this) {
            last = entries.isEmpty() ? null : take();
        }
        if (last != null) {
            seal(last);
        }
        List<Digest> toPublish;
        synchronized (sealed) { // every seal has ended: the snapshot's workers, who seal, are done
            toPublish = List.copyOf(sealed);
            sealed.clear();
        }
        if (!toPublish.isEmpty()) {
            packs.publish(toPublish);
        }
    }

    /**
     * How many of this writer's packs must be sealed before everything {@link #add}ed so far is in the lake: the
     * packs taken so far, and the one being filled unless it is empty. A tree names contents: it is written once
     * {@link #sealedPacks()} reaches this, taken after its files were added (lake format: contents before trees).
     */
    synchronized long packsToSeal() {
        return taken + (entries.isEmpty() ? 0 : 1);
    }

    /** How many packs, counted from the first this writer took, are sealed: stored with their record, findable. */
    long sealedPacks() {
        long all;
        synchronized (this) {
            all = taken;
        }
        synchronized (unsealed) {
            return unsealed.isEmpty() ? all : Math.min(all, unsealed.first());
        }
    }

    private void refreshOnce() {
        if (refreshed) {
            return; // read without the lock: after the first file, this is every call
        }
        synchronized (this) {
            if (!refreshed) {
                packs.refreshForWriting();
                refreshed = true;
            }
        }
    }

    private void append(byte[] bytes, int count) {
        for (int done = 0; done < count; ) {
            int inChunk = length % CHUNK_BYTES;
            if (inChunk == 0 && length / CHUNK_BYTES == chunks.size()) {
                byte[] spare = spareChunks.poll();
                chunks.add(spare != null ? spare : new byte[CHUNK_BYTES]);
            }
            int n = Math.min(count - done, CHUNK_BYTES - inChunk);
            System.arraycopy(bytes, done, chunks.get(length / CHUNK_BYTES), inChunk, n);
            done += n;
            length += n;
        }
    }

    private Full take() {
        Full full = new Full(taken++, chunks, length, entries.toArray(new byte[0][]), digests);
        synchronized (unsealed) {
            unsealed.add(full.number());
        }
        chunks = new ArrayList<>();
        digests = new ArrayList<>();
        length = 0;
        entries = new ArrayList<>();
        return full;
    }

    /**
     * Stores the pack, then its record, then makes its members findable; one at a time, or up to {@link #MAX_SEALING}
     * on a remote store. The
     * pack is hashed in memory first, so that the store receives content of known digest (a blob store uploads it
     * under its final name, with nothing to stage or rename).
     */
    private void seal(Full full) {
        sealing.acquireUninterruptibly();
        try {
            byte[] index = Packs.encodeIndex(full.entries());
            MessageDigest sha = SHA256.get();
            List<InputStream> parts = new ArrayList<>();
            for (int i = 0; i < full.chunks().size(); i++) {
                int length = Math.min(CHUNK_BYTES, full.length() - i * CHUNK_BYTES);
                sha.update(full.chunks().get(i), 0, length);
                parts.add(new ByteArrayInputStream(full.chunks().get(i), 0, length));
            }
            sha.update(index);
            parts.add(new ByteArrayInputStream(index));
            Digest digest = Digest.ofHash(sha.digest());
            ContentInfo pack = store.putContent(digest, new SequenceInputStream(Collections.enumeration(parts)));
            Packs.PackRecord record = new Packs.PackRecord(pack.digest(), full.entries().length, pack.size());
            boolean unused = store.createIfAbsent(Packs.key(pack.digest()), Packs.encodeRecord(record));
            packs.added(pack.digest(), pack.size(), Arrays.copyOf(index, index.length - Packs.TRAILER_BYTES));
            synchronized (sealed) {
                sealed.add(pack.digest());
            }
            synchronized (unsealed) {
                unsealed.remove(full.number());
            }
        } finally {
            sealing.release();
        }
        synchronized (this) {
            full.digests().forEach(pending::remove);
            for (byte[] chunk : full.chunks()) {
                if (spareChunks.size() < MAX_SPARE_CHUNKS) {
                    spareChunks.push(chunk);
                }
            }
        }
    }
}
