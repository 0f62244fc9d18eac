package org.mlops4j.data;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.StorageException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's file contents, whether stored whole or in {@link Packs packs}: opens either, and knows which contents
 * the packs already hold. Packs are learnt from the lake's consolidated pack index ({@link PackIndexFormat}): its
 * pointer and at most three layers, however many packs the lake has, read on the first read of a content and again
 * once per {@link PackWriter}, so a no-change re-snapshot reads nothing. Packs that no layer lists (sealed by a writer
 * that predates the index, or whose writer died before it published them) are learnt by listing their records, as
 * before the index: when a content is found nowhere else, when a writer opens a lake that has no index yet, and by
 * {@link #refresh()}. A writer publishes the packs it sealed, and any it learnt by listing, as a new layer.
 *
 * <p>A content can have more than one copy: in two packs when two writers packed it at once, or whole and packed.
 * Reads take the first copy; a copy that a reader found damaged ({@link #markDamaged}) is skipped by every later read
 * of this instance, so the next one gets another copy if the lake has one, as git does with a bad packed object.
 * Thread-safe.
 */
final class ContentPacks {
    private static final Logger LOG = LoggerFactory.getLogger(ContentPacks.class);
    private static final int MAX_PUBLISH_ATTEMPTS = 20;

    private final ObjectStore store;
    private final PackIndex index = new PackIndex();
    /** The size of each loaded pack, which a layer that lists it records. */
    private final Map<Digest, Long> packBytes = new ConcurrentHashMap<>();
    /** The layers of the index pointer as last read or written, oldest first; guarded by this. */
    private List<IndexLayer> layers = List.of();
    /** The pointer's tag as last read or written, null when it was absent; guarded by this. */
    private @Nullable ObjectTag pointerTag;
    /** Whether the pointer has been read since this instance was made. */
    private volatile boolean indexRead;
    /** Layers found damaged: never read again by this instance; a writer leaves them out of the next pointer. */
    private final Map<Digest, String> damagedLayers = new ConcurrentHashMap<>();
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

    /** A layer of the index, and which packs it lists. */
    private record IndexLayer(PackIndexFormat.Layer layer, List<Digest> packs) {}

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
        Copy packed = packedCopy(digest);
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
        if (!loadIndex() || firstPackedCopy(digest) == null) {
            listPacks(); // packs no layer lists: older writers', or a damaged layer's
        }
        packed = firstPackedCopy(digest);
        if (packed != null) {
            return new Opened(packed, openPacked(packed));
        }
        List<PackIndex.Location> damagedPacked = index.findAll(digest);
        if (missing != null && damagedPacked.isEmpty()) {
            if (!damaged.isEmpty() || !damagedLayers.isEmpty()) {
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
     * Returns the packed copy of a content a read would take first, without reading it (the index is read once if
     * it was not yet); null when no loaded pack holds an intact copy, and the content is read by {@link #openCopy}.
     */
    @Nullable
    Copy packedCopy(Digest digest) {
        Copy packed = firstPackedCopy(digest);
        if (packed == null && !indexRead) {
            loadIndex();
            packed = firstPackedCopy(digest);
        }
        return packed;
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
        return damaged.isEmpty() && damagedLayers.isEmpty() ? "" : "; " + damagedPacksText();
    }

    private String damagedPacksText() {
        List<String> notes = new ArrayList<>(2);
        if (!damaged.isEmpty()) {
            notes.add("the lake has damaged packs, which may hold it: " + String.join("; ", damaged.values()));
        }
        if (!damagedLayers.isEmpty()) {
            notes.add("the lake has damaged pack index layers, which may list it: "
                    + String.join("; ", damagedLayers.values()));
        }
        return String.join("; ", notes);
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

    /**
     * Learns the packs a writer dedups against: the index's new layers; on a lake without an index (or with a damaged
     * layer), every pack record too, so that the writer's layer indexes them.
     */
    void refreshForWriting() {
        if (!loadIndex()) {
            listPacks();
        }
    }

    /** Whether a loaded pack holds this content (a 32-byte SHA-256). */
    boolean isPacked(byte[] sha256) {
        return index.contains(sha256);
    }

    /** Learns every pack: the index's new layers, then the records of packs no layer lists. */
    synchronized void refresh() {
        loadIndex();
        listPacks();
    }

    /**
     * Reads the index pointer and the layers not loaded yet (one request each, at most {@link
     * PackIndexFormat#MAX_LAYERS} for a writer's pointer); a damaged layer is skipped and remembered.
     *
     * @return true when the lake has an index and every layer of it was readable
     */
    @CanIgnoreReturnValue
    synchronized boolean loadIndex() {
        Optional<StoredObject> pointer = store.find(LakeLayout.PACK_INDEX);
        indexRead = true;
        if (pointer.isEmpty()) {
            layers = List.of();
            pointerTag = null;
            return false;
        }
        pointerTag = pointer.get().getTag();
        List<PackIndexFormat.Layer> named;
        try {
            named = PackIndexFormat.readPointer(pointer.get().getBytes());
        } catch (IntegrityException e) {
            LOG.warn(
                    "ignoring the damaged pack index; packs are found by listing until a writer replaces it: {}",
                    e.getMessage());
            layers = List.of();
            return false;
        }
        Map<Digest, IndexLayer> known = new HashMap<>();
        layers.forEach(l -> known.put(l.layer().layer(), l));
        List<IndexLayer> loaded = new ArrayList<>(named.size());
        for (PackIndexFormat.Layer layer : named) {
            IndexLayer found = known.get(layer.layer());
            if (found == null && !damagedLayers.containsKey(layer.layer())) {
                try {
                    found = readLayer(layer);
                } catch (IntegrityException | NotFoundException e) {
                    LOG.warn("ignoring damaged pack index layer {}: {}", layer.layer(), e.getMessage());
                    damagedLayers.put(layer.layer(), e.getMessage());
                }
            }
            if (found != null) {
                loaded.add(found);
            }
        }
        layers = List.copyOf(loaded);
        return loaded.size() == named.size();
    }

    private IndexLayer readLayer(PackIndexFormat.Layer layer) {
        StoreKey key = LakeLayout.packIndexLayer(layer.layer());
        byte[] bytes = store.find(key)
                .orElseThrow(() -> new NotFoundException("pack index layer '" + key + "' is missing from the lake;"
                        + " the lake is damaged or was garbage-collected too eagerly"))
                .getBytes();
        List<Digest> packsOfLayer = new ArrayList<>();
        for (PackIndexFormat.Section section : PackIndexFormat.readLayer(bytes, layer)) {
            packBytes.putIfAbsent(section.pack(), section.bytes());
            boolean unused = index.add(section.pack(), section.entries());
            packsOfLayer.add(section.pack());
        }
        return new IndexLayer(layer, List.copyOf(packsOfLayer));
    }

    /**
     * Adds packs to the index: this writer's sealed packs and every loaded pack no layer lists, as a new layer, merged
     * with the newest layers while the newest holds at least an eighth of the members of the one before it, or while
     * there are more than {@link PackIndexFormat#MAX_LAYERS}. Each layer is stored before the pointer names it, and the
     * pointer is moved by compare-and-set; a writer that loses the race learns the winner's layers and tries again.
     * Failing that, the packs stay announced by their records, where readers find them by listing.
     *
     * @param sealed the packs this writer sealed, each loaded already ({@link #added})
     */
    synchronized void publish(List<Digest> sealed) {
        for (int attempt = 0; attempt < MAX_PUBLISH_ATTEMPTS; attempt++) {
            Set<Digest> indexed = new HashSet<>();
            layers.forEach(l -> indexed.addAll(l.packs()));
            Set<Digest> fresh = new LinkedHashSet<>();
            for (Digest pack : sealed) {
                if (!indexed.contains(pack)) {
                    fresh.add(pack);
                }
            }
            if (fresh.isEmpty() && damagedLayers.isEmpty()) {
                return; // a twin writer indexed them already
            }
            for (Digest pack : index.packs()) {
                if (!indexed.contains(pack) && !damaged.containsKey(pack)) {
                    fresh.add(pack); // learnt by listing: a pack no layer lists
                }
            }
            List<IndexLayer> planned = new ArrayList<>(layers);
            if (!fresh.isEmpty()) {
                planned.add(storeLayer(fresh));
            }
            merge(planned);
            List<PackIndexFormat.Layer> named = new ArrayList<>(planned.size());
            planned.forEach(l -> named.add(l.layer()));
            Optional<ObjectTag> moved =
                    store.compareAndSet(LakeLayout.PACK_INDEX, pointerTag, PackIndexFormat.encodePointer(named));
            if (moved.isPresent()) {
                layers = List.copyOf(planned);
                pointerTag = moved.get();
                damagedLayers.clear(); // left out of the pointer just written
                return;
            }
            loadIndex(); // another writer moved it: learn its layers, then plan again
        }
        LOG.warn(
                "could not add {} packs to the pack index after {} attempts (too many writers at once); readers"
                        + " find them by listing pack records",
                sealed.size(),
                MAX_PUBLISH_ATTEMPTS);
    }

    /** Merges the newest layers while the policy says so; each merged layer is stored. */
    private void merge(List<IndexLayer> planned) {
        while (planned.size() > 1) {
            IndexLayer last = planned.get(planned.size() - 1);
            IndexLayer previous = planned.get(planned.size() - 2);
            if (planned.size() <= PackIndexFormat.MAX_LAYERS
                    && last.layer().members() * PackIndexFormat.GROWTH
                            < previous.layer().members()) {
                return;
            }
            Set<Digest> union = new LinkedHashSet<>(previous.packs());
            union.addAll(last.packs());
            planned.remove(planned.size() - 1);
            planned.set(planned.size() - 1, storeLayer(union));
        }
    }

    /** Encodes and stores a layer of loaded packs, as a record named by its digest. */
    private IndexLayer storeLayer(Collection<Digest> packs) {
        List<PackIndexFormat.Section> sections = new ArrayList<>(packs.size());
        for (Digest pack : packs) {
            byte[] entries = Objects.requireNonNull(index.entriesOf(pack), "a pack to index is loaded");
            sections.add(new PackIndexFormat.Section(pack, packBytes.get(pack), entries));
        }
        PackIndexFormat.Encoded encoded = PackIndexFormat.encodeLayer(sections);
        boolean unused =
                store.createIfAbsent(LakeLayout.packIndexLayer(encoded.layer().layer()), encoded.bytes());
        return new IndexLayer(encoded.layer(), List.copyOf(packs));
    }

    /** Reads the records of packs not loaded yet: those no layer of the index lists. */
    synchronized void listPacks() {
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

    /** Makes a sealed pack's members findable at once, without listing; {@link #publish} indexes it. */
    void added(Digest pack, long bytes, byte[] sortedEntries) {
        packBytes.putIfAbsent(pack, bytes);
        boolean unused = index.add(pack, sortedEntries);
    }

    /** How many packs and packed contents are loaded; for tests and diagnostics. */
    String describe() {
        return index.packCount() + " packs, " + index.size() + " packed contents, " + damaged.size() + " damaged";
    }

    /** How many layers the index had when this instance last read or wrote it; for tests. */
    synchronized int indexLayerCount() {
        return layers.size();
    }

    private void load(StoreKey key, Digest pack) {
        Packs.PackRecord record = Packs.readRecord(store.get(key).getBytes(), key);
        byte[] tail;
        try (InputStream in = store.openContent(pack, record.indexOffset(), record.tailBytes())) {
            tail = in.readNBytes(record.tailBytes());
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read the index of pack " + pack + " in " + store + ": " + e
                            + "; check that the store is reachable, then retry",
                    e);
        }
        packBytes.putIfAbsent(pack, record.bytes());
        boolean unused = index.add(pack, Packs.readIndex(tail, record));
    }
}
