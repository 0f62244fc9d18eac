package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's file contents, whether stored whole or in {@link Packs packs}: opens either, and knows which contents
 * the packs already hold. Packs are learnt by listing their records, lazily: on the first read of a content that is
 * not stored whole, and once per {@link PackWriter}, so a no-change re-snapshot lists nothing.
 *
 * <p>A content can have more than one copy: in two packs when two writers packed it at once, or whole and packed.
 * Reads take the first copy; a copy that a reader found damaged ({@link #markDamaged}) is skipped by every later read
 * of this instance, so the next one gets another copy if the lake has one, as git does with a bad packed object.
 * Thread-safe.
 */
final class ContentPacks {
    private static final Logger LOG = LoggerFactory.getLogger(ContentPacks.class);

    private final ObjectStore store;
    private final PackIndex index = new PackIndex();
    /** Packs whose record or index is damaged, with the reason: their members are read as missing. */
    private final Map<Digest, String> damaged = new ConcurrentHashMap<>();
    /** Copies whose bytes did not match their digest when read. */
    private final Set<Copy> damagedCopies = ConcurrentHashMap.newKeySet();

    /**
     * One stored copy of a content: a member of a pack, or the content stored whole when {@code packed} is null.
     *
     * @param content the content's digest
     * @param packed where in which pack, or null
     */
    record Copy(Digest content, PackIndex.@Nullable Location packed) {
        /** Where the copy is, for messages: an operator then knows which object on disk to look at. */
        String where() {
            return packed == null ? "stored whole" : "in pack " + packed.pack() + " at offset " + packed.offset();
        }
    }

    /**
     * A copy being read.
     *
     * @param copy which copy
     * @param stream its bytes, not checked
     */
    record Opened(Copy copy, InputStream stream) {}

    ContentPacks(ObjectStore store) {
        this.store = store;
    }

    /**
     * Opens a content, packed or whole. The stream is not checked: callers wrap it in a {@link VerifyingInputStream}.
     *
     * @throws NotFoundException if the lake holds it neither whole nor in a readable pack
     * @throws IntegrityException if it has copies, but each was found damaged
     */
    InputStream open(Digest digest) {
        return openCopy(digest).stream();
    }

    /**
     * Opens the first copy of a content not found damaged: a packed one, else the whole one; if neither is there,
     * the packs are listed again once (another writer may have sealed one since).
     *
     * @throws NotFoundException if the lake holds it neither whole nor in a readable pack
     * @throws IntegrityException if it has copies, but each was found damaged
     */
    Opened openCopy(Digest digest) {
        Copy packed = firstPackedCopy(digest);
        if (packed != null) {
            return new Opened(packed, openPacked(packed));
        }
        Copy whole = new Copy(digest, null);
        NotFoundException missing = null;
        if (!isDamaged(whole)) {
            try {
                return new Opened(whole, store.openContent(digest));
            } catch (NotFoundException e) {
                missing = e;
            }
        }
        refresh();
        packed = firstPackedCopy(digest);
        if (packed != null) {
            return new Opened(packed, openPacked(packed));
        }
        List<PackIndex.Location> damagedPacked = index.findAll(digest);
        if (missing != null && damagedPacked.isEmpty()) {
            if (!damaged.isEmpty()) {
                missing.addSuppressed(new IntegrityException(damagedPacksText()));
            }
            throw missing;
        }
        List<String> where = new ArrayList<>();
        damagedPacked.forEach(at -> where.add(new Copy(digest, at).where()));
        if (missing == null) {
            where.add(whole.where());
        }
        throw new IntegrityException("every copy of content " + digest + " in the lake is damaged ("
                + String.join("; ", where) + "); restore the lake from a backup or snapshot the data again");
    }

    /**
     * Lists every copy of a content the lake holds, damaged ones included: the packed ones in the order reads take
     * them, then the whole one. Knows only the packs loaded: {@link #refresh} first to see every pack.
     */
    List<Copy> copies(Digest digest) {
        List<Copy> copies = new ArrayList<>();
        index.findAll(digest).forEach(at -> copies.add(new Copy(digest, at)));
        if (store.findContent(digest).isPresent()) {
            copies.add(new Copy(digest, null));
        }
        return copies;
    }

    /** Opens one copy. The stream is not checked. */
    InputStream open(Copy copy) {
        return copy.packed() == null ? store.openContent(copy.content()) : openPacked(copy);
    }

    /** Says which packs are damaged, for a message about a missing content; empty if none is. */
    String damagedPacksNote() {
        return damaged.isEmpty() ? "" : "; " + damagedPacksText();
    }

    private String damagedPacksText() {
        return "the lake has damaged packs, which may hold it: " + String.join("; ", damaged.values());
    }

    /**
     * Records that a copy's bytes did not match its digest: later reads skip it. Logged once per copy, since the
     * lake needs repair.
     */
    void markDamaged(Copy copy) {
        if (damagedCopies.add(copy)) {
            LOG.warn("content {} {} is damaged; reading other copies of it from now on", copy.content(), copy.where());
        }
    }

    private @Nullable Copy firstPackedCopy(Digest digest) {
        for (PackIndex.Location at : index.findAll(digest)) {
            Copy copy = new Copy(digest, at);
            if (!isDamaged(copy)) {
                return copy;
            }
        }
        return null;
    }

    private boolean isDamaged(Copy copy) {
        return !damagedCopies.isEmpty() && damagedCopies.contains(copy);
    }

    private InputStream openPacked(Copy copy) {
        PackIndex.Location at = Objects.requireNonNull(copy.packed());
        return store.openContent(at.pack(), at.offset(), at.size());
    }

    /** Where a packed content is, after reading the packs not loaded yet; null if no pack holds it. */
    PackIndex.@Nullable Location locate(Digest digest) {
        PackIndex.Location at = index.find(digest);
        if (at == null) {
            refresh();
            at = index.find(digest);
        }
        return at;
    }

    /** Whether a loaded pack holds this content (a 32-byte SHA-256). */
    boolean isPacked(byte[] sha256) {
        return index.contains(sha256);
    }

    /** Reads the records of packs not loaded yet. */
    synchronized void refresh() {
        for (StoreKey key : store.list(Packs.PREFIX)) {
            Digest pack = Packs.packOf(key);
            if (pack == null || index.knows(pack) || damaged.containsKey(pack)) {
                continue;
            }
            try {
                load(key, pack);
            } catch (IntegrityException | NotFoundException e) {
                LOG.warn("ignoring damaged pack {}: {}", pack, e.getMessage());
                damaged.put(pack, e.getMessage());
            }
        }
    }

    /** Makes a sealed pack's members findable at once, without listing. */
    void added(Digest pack, byte[] sortedEntries) {
        boolean unused = index.add(pack, sortedEntries);
    }

    /** How many packs and packed contents are loaded; for tests and diagnostics. */
    String describe() {
        return index.packCount() + " packs, " + index.size() + " packed contents, " + damaged.size() + " damaged";
    }

    private void load(StoreKey key, Digest pack) {
        Packs.PackRecord record = Packs.readRecord(store.get(key).getBytes(), key);
        byte[] tail;
        try (InputStream in = store.openContent(pack, record.indexOffset(), record.tailBytes())) {
            tail = in.readNBytes(record.tailBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the index of pack " + pack, e);
        }
        boolean unused = index.add(pack, Packs.readIndex(tail, record));
    }
}
