package org.mlops4j.data;

import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mlops4j.lake.Digest;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.ObjectStore;

/**
 * Packs the small contents of one snapshot ({@link Packs}). Workers {@link #add} contents concurrently; a pack is
 * sealed (stored as content, then announced by its record) when it reaches {@link Packs#TARGET_PACK_BYTES}, and the
 * last one by {@link #flush()}, which the snapshot calls before it writes any tree: contents first, trees next, the
 * version record last. A content is skipped when a sealed pack holds it already or this writer took it; never when
 * another writer only buffers it, because that writer may still fail.
 *
 * <p>Memory: the pack being filled plus the packs waiting to be sealed, one at a time, so at most one
 * {@link Packs#TARGET_PACK_BYTES} buffer per worker thread plus one.
 */
final class PackWriter {
    /** {@code digest()} resets a MessageDigest, so each thread keeps one rather than look up the provider per file. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digest::newSha256);

    private final ObjectStore store;
    private final ContentPacks packs;
    private final Object sealing = new Object();
    private final Set<Digest> taken = new HashSet<>();
    private boolean refreshed;
    private byte[] data = new byte[64 * 1024];
    private int length;
    private List<byte[]> entries = new ArrayList<>();

    PackWriter(ObjectStore store, ContentPacks packs) {
        this.store = store;
        this.packs = packs;
    }

    /** A pack taken from the writer to be sealed. */
    private record Full(byte[] data, int length, byte[][] entries) {}

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
        if (packs.isPacked(hash)) {
            return new ContentInfo(digest, length, false);
        }
        Full full;
        synchronized (this) {
            if (!taken.add(digest)) {
                return new ContentInfo(digest, length, false);
            }
            if (this.length + length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, this.length + length));
            }
            System.arraycopy(bytes, 0, data, this.length, length);
            entries.add(Packs.entry(hash, this.length, length));
            this.length += length;
            full = this.length >= Packs.TARGET_PACK_BYTES || entries.size() >= Packs.MAX_WRITTEN_MEMBERS
                    ? take()
                    : null;
        }
        if (full != null) {
            seal(full);
        }
        return new ContentInfo(digest, length, true);
    }

    /** Seals the pack being filled, if it holds anything. Call after the last {@link #add} returned. */
    void flush() {
        Full last;
        synchronized (this) {
            last = entries.isEmpty() ? null : take();
        }
        if (last != null) {
            seal(last);
        }
    }

    private synchronized void refreshOnce() {
        if (!refreshed) {
            packs.refresh();
            refreshed = true;
        }
    }

    private Full take() {
        Full full = new Full(data, length, entries.toArray(new byte[0][]));
        data = new byte[Math.min(Packs.TARGET_PACK_BYTES + Packs.MAX_MEMBER_BYTES, Math.max(64 * 1024, length))];
        length = 0;
        entries = new ArrayList<>();
        return full;
    }

    /** Stores the pack, then its record, then makes its members findable; one pack at a time bounds the memory. */
    private void seal(Full full) {
        synchronized (sealing) {
            byte[] index = Packs.encodeIndex(full.entries());
            ContentInfo pack = store.putContent(new SequenceInputStream(
                    new ByteArrayInputStream(full.data(), 0, full.length()), new ByteArrayInputStream(index)));
            Packs.PackRecord record = new Packs.PackRecord(pack.digest(), full.entries().length, pack.size());
            boolean unused = store.createIfAbsent(Packs.key(pack.digest()), Packs.encodeRecord(record));
            packs.added(pack.digest(), Arrays.copyOf(index, index.length - Packs.TRAILER_BYTES));
        }
    }
}
