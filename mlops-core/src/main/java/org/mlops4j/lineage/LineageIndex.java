package org.mlops4j.lineage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * The reverse-edge index: for each input, one small entry per thing made from it, written with create-if-absent at
 * commit time, so that "what was made from this?" is one listing, not a scan of every record.
 *
 * <p>Key: {@code lineage/by-parent/<kind>/<name>/<8-digit version>/<child kind>/<child name>/<8-digit version>/<role>}.
 * Entries are derived from records: a crash between a record and its entries leaves them missing until
 * {@code verify} (datasets) or a retry of the registration (models) rewrites them, idempotently; the entries of a
 * model version hidden as a superseded twin are removed. Thread-safe.
 */
public final class LineageIndex {
    static final String PREFIX = "lineage/by-parent/";
    private static final byte[] EMPTY_ENTRY =
            "{\"format\":\"mlops4j.lineage-edge/1\"}".getBytes(StandardCharsets.UTF_8);

    private final ObjectStore store;

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
     */
    public boolean record(LineageEdge edge) {
        return store.createIfAbsent(keyOf(edge), EMPTY_ENTRY);
    }

    /**
     * Removes an edge's entry, once the record it was derived from is hidden (a model version superseded by a lower
     * twin); idempotent.
     *
     * @param edge the edge
     * @return true if the entry existed
     */
    public boolean remove(LineageEdge edge) {
        return store.delete(keyOf(edge));
    }

    /**
     * Tells whether an edge's entry exists.
     *
     * @param edge the edge
     * @return true if it exists
     */
    public boolean contains(LineageEdge edge) {
        return store.exists(keyOf(edge));
    }

    /**
     * Lists the edges out of a node, reading only the index.
     *
     * @param from the input
     * @return the edges, sorted by key
     */
    public List<LineageEdge> edgesFrom(LineageNode from) {
        String prefix = PREFIX + from.keySegment() + "/";
        List<LineageEdge> edges = new ArrayList<>();
        for (StoreKey key : store.list(prefix)) {
            String[] parts = key.value().substring(prefix.length()).split("/");
            if (parts.length != 4) {
                continue; // not an edge entry written by this version of MLOps4J
            }
            edges.add(new LineageEdge(from, new LineageNode(parts[0], parts[1], Long.parseLong(parts[2])), parts[3]));
        }
        return edges;
    }

    static StoreKey keyOf(LineageEdge edge) {
        return StoreKey.of(PREFIX + edge.from().keySegment() + "/" + edge.to().keySegment() + "/" + edge.role());
    }
}
