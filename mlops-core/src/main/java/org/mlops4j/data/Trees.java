package org.mlops4j.data;

import java.util.ArrayList;
import java.util.List;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.JsonLimits;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * Canonical directory manifests (a Merkle tree, like git's): one per directory, its entries sorted by name, each a
 * file (size, digest, executable bit) or a directory (its tree's digest). No mtimes, so the same bytes and names give
 * the same digest anywhere.
 */
final class Trees {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.tree", 1);
    /**
     * The largest tree, in bytes, that MLOps4J writes and reads: one limit for both (lake format §4.3). A directory of
     * a million files with 20-byte names has a manifest of about 150 MB; 100,000 files with 105-byte names, about
     * 25 MB. Trees are digest-checked before parsing.
     */
    static final int MAX_BYTES = 512 * 1024 * 1024;

    private static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 8);

    /** An upper bound on the bytes of a tree without entries: {@code {"entries":[],"format":"mlops4j.tree/1"}}. */
    static final long EMPTY_BYTES = 64;

    /**
     * An upper bound on the bytes one entry adds to a tree's encoding, from its name alone: the fixed fields of a file
     * entry (the longer kind) with a 19-digit size, and the name's UTF-8 bytes twice over (escaped quotes and
     * backslashes).
     */
    static long entryBound(String name) {
        return 170 + 2L * name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    sealed interface Entry permits FileEntry, DirEntry {
        String name();
    }

    record FileEntry(String name, long size, Digest digest, boolean executable) implements Entry {}

    record DirEntry(String name, Digest tree) implements Entry {}

    private Trees() {}

    static StoreKey key(Digest tree) {
        return LakeLayout.tree(tree);
    }

    /** Encodes entries that are already sorted by name (UTF-8 bytes). */
    static byte[] encode(List<Entry> sortedEntries) {
        List<RecordWriter> entries = new ArrayList<>(sortedEntries.size());
        for (Entry entry : sortedEntries) {
            RecordWriter item = RecordWriter.object().put("name", entry.name());
            if (entry instanceof FileEntry file) {
                item.put("type", "file")
                        .put("size", file.size())
                        .put("digest", file.digest())
                        .put("executable", file.executable());
            } else {
                item.put("type", "dir").put("digest", ((DirEntry) entry).tree());
            }
            entries.add(item);
        }
        return org.mlops4j.lake.internal.CanonicalJson.write(
                RecordWriter.createWithoutChecksum(FORMAT).put("entries", entries), LIMITS);
    }

    /** Reads a tree and checks that its bytes hash to its digest and that its names are safe. */
    static List<Entry> read(ObjectStore store, Digest tree, String where) {
        StoredObject object = store.find(key(tree))
                .orElseThrow(() -> new IntegrityException("tree " + tree + " of " + where + " is missing from the lake;"
                        + " the lake is damaged or was garbage-collected too eagerly"));
        byte[] bytes = object.getBytes();
        Digest actual = Digest.of(bytes);
        if (!actual.equals(tree)) {
            throw new IntegrityException(
                    "tree " + tree + " of " + where + " hashes to " + actual + "; the lake is damaged");
        }
        RecordReader record = RecordReader.parse(bytes, FORMAT, "tree " + tree, LIMITS);
        List<Entry> entries = new ArrayList<>();
        String previous = null;
        for (RecordReader item : record.getObjectList("entries")) {
            String name = item.getString("name");
            PathRules.checkName(name, where + ":" + name);
            if (previous != null && StoreKey.compareUtf8(previous, name) >= 0) {
                throw new IntegrityException("tree " + tree + " lists '" + name + "' out of order or twice");
            }
            previous = name;
            String type = item.getString("type");
            if (type.equals("file")) {
                entries.add(new FileEntry(
                        name,
                        item.getLong("size", 0, Long.MAX_VALUE),
                        item.getDigest("digest"),
                        item.getBoolean("executable")));
            } else if (type.equals("dir")) {
                entries.add(new DirEntry(name, item.getDigest("digest")));
            } else {
                throw new IntegrityException("tree " + tree + " has an entry of unknown type '" + type + "'");
            }
            item.finish();
        }
        record.finish();
        return entries;
    }
}
