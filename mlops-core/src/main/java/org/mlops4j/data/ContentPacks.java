package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.IntegrityException;
import org.mlops4j.NotFoundException;
import org.mlops4j.lake.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's file contents, whether stored whole or in {@link Packs packs}: opens either, and knows which contents
 * the packs already hold. Packs are learnt by listing their records, lazily: on the first read of a content that is
 * not stored whole, and once per {@link PackWriter}, so a no-change re-snapshot lists nothing. Thread-safe.
 */
final class ContentPacks {
    private static final Logger LOG = LoggerFactory.getLogger(ContentPacks.class);

    private final ObjectStore store;
    private final PackIndex index = new PackIndex();
    /** Packs whose record or index is damaged, with the reason: their members are read as missing. */
    private final Map<Digest, String> damaged = new ConcurrentHashMap<>();

    ContentPacks(ObjectStore store) {
        this.store = store;
    }

    /**
     * Opens a content, packed or whole. The stream is not checked: callers wrap it in a {@link VerifyingInputStream}.
     *
     * @throws NotFoundException if the lake holds it neither whole nor in a readable pack
     */
    InputStream open(Digest digest) {
        PackIndex.Location at = index.find(digest);
        if (at != null) {
            return store.openContent(at.pack(), at.offset(), at.size());
        }
        try {
            return store.openContent(digest);
        } catch (NotFoundException missing) {
            refresh();
            at = index.find(digest);
            if (at == null) {
                if (!damaged.isEmpty()) {
                    missing.addSuppressed(new IntegrityException(
                            "the lake has damaged packs, which may hold it: " + String.join("; ", damaged.values())));
                }
                throw missing;
            }
            return store.openContent(at.pack(), at.offset(), at.size());
        }
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

    /**
     * Names the pack a content is read from, for messages about damaged bytes: an operator then knows which object
     * on disk to look at. Empty for a content stored whole (its digest names it) or not loaded.
     */
    String whereStored(Digest digest) {
        PackIndex.Location at = index.find(digest);
        return at == null ? "" : " (in pack " + at.pack() + " at offset " + at.offset() + ")";
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
