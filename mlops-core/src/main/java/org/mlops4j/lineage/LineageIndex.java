package org.mlops4j.lineage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * The reverse-edge index: for each input, one small entry per thing made from it, written with create-if-absent at
 * commit time, so that "what was made from this?" is one listing, not a scan of every record.
 *
 * <p>Key: {@code lineage/by-parent/<kind>/<name>/<8-digit version>/<child kind>/<child name>/<8-digit version>/<role>}.
 * Entries are derived from records: a crash between a record and its entries leaves them missing until
 * {@code verify} (datasets) or a retry of the registration (models) rewrites them, idempotently; the entries of a
 * model version hidden as a superseded twin are removed.
 *
 * <p>An instance remembers the entries it wrote or found written, so recording an edge again (a commit heals the
 * entries of the version before it, which the same process usually wrote) costs no request; {@link #repair} always
 * asks the store. Thread-safe.
 */
public final class LineageIndex {
    private static final byte[] EMPTY_ENTRY =
            RecordWriter.create(RecordFormat.of("mlops4j.lineage-edge", 1)).toBytes();

    /** Remembered entries are forgotten all at once beyond this many, to bound the memory of a long-lived process. */
    private static final int MAX_REMEMBERED = 100_000;

    private final ObjectStore store;
    private final Set<StoreKey> recorded = ConcurrentHashMap.newKeySet();

    /**
     * Creates the index on a store.
     *
     * @param store the lake
     */
    public LineageIndex(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Writes an edge's entry; idempotent.
     *
     * @param edge the edge
     * @return true if the entry was missing and was written
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public boolean record(LineageEdge edge) {
        StoreKey key = keyOf(edge);
        return !recorded.contains(key) && write(key);
    }

    /**
     * Writes an edge's entry if the store lacks it, asking the store even when this instance wrote it before: what
     * verification calls, to rewrite entries a crash or a damaged lake lost.
     *
     * @param edge the edge
     * @return true if the entry was missing and was written
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public boolean repair(LineageEdge edge) {
        return write(keyOf(edge));
    }

    private boolean write(StoreKey key) {
        boolean created = store.createIfAbsent(key, EMPTY_ENTRY);
        if (recorded.size() >= MAX_REMEMBERED) {
            recorded.clear();
        }
        recorded.add(key);
        return created;
    }

    /**
     * Removes an edge's entry, once the record it was derived from is hidden (a model version superseded by a lower
     * twin); idempotent.
     *
     * @param edge the edge
     * @return true if the entry existed
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public boolean remove(LineageEdge edge) {
        StoreKey key = keyOf(edge);
        recorded.remove(key);
        return store.delete(key);
    }

    /**
     * Tells whether an edge's entry exists.
     *
     * @param edge the edge
     * @return true if it exists
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public boolean contains(LineageEdge edge) {
        return store.exists(keyOf(edge));
    }

    /**
     * Lists the edges out of a node, reading only the index.
     *
     * @param from the input
     * @return the edges, sorted by key
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public List<LineageEdge> edgesFrom(LineageNode from) {
        String prefix = LakeLayout.lineageEdgesFrom(from.keyPath());
        List<LineageEdge> edges = new ArrayList<>();
        for (StoreKey key : store.list(prefix)) {
            LineageEdge edge = parseEdge(from, key.value().substring(prefix.length()));
            if (edge != null) {
                edges.add(edge);
            }
        }
        return edges;
    }

    /** The edge a key names after its node's prefix, or null for a key this version of MLOps4J did not write. */
    private static @Nullable LineageEdge parseEdge(LineageNode from, String rest) {
        String[] parts = rest.split("/");
        if (parts.length != 4 || !parts[2].matches("[0-9]{8,19}")) {
            return null;
        }
        try {
            return new LineageEdge(from, new LineageNode(parts[0], parts[1], Long.parseLong(parts[2])), parts[3]);
        } catch (IllegalArgumentException e) {
            return null; // a kind, name or role that breaks today's rules: not an entry to follow
        }
    }

    static StoreKey keyOf(LineageEdge edge) {
        return LakeLayout.lineageEdge(edge.from().keyPath(), edge.to().keyPath(), edge.role());
    }
}
