package org.mlops4j.data;

import java.util.ArrayList;
import java.util.List;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.data.internal.TreeEntry;
import org.mlops4j.internal.Quoting;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.JsonLimits;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * Canonical directory manifests (a Merkle tree, like git's): one per directory, its entries sorted by name, each a
 * file (size, digest, executable bit) or a directory (its tree's digest). No mtimes, so the same bytes and names give
 * the same digest anywhere. Writers write {@code tree/2} ({@link TreeEncoding}, binary); readers read it and the
 * {@code tree/1} JSON of older lakes, which may name each other (lake format §14).
 */
final class Trees {
    /** The JSON encoding of older writers, still read. */
    static final RecordFormat JSON_FORMAT = RecordFormat.of("mlops4j.tree", 1);
    /**
     * The largest tree, in bytes, that MLOps4J writes and reads: one limit for both (lake format §4.4), for a
     * {@code tree/2} counted with every name in full. A directory of a million files with 20-byte names has a
     * {@code tree/2} of about 55 MB (150 MB in {@code tree/1}). Trees are digest-checked before parsing.
     */
    static final int MAX_BYTES = 512 * 1024 * 1024;

    private static final JsonLimits LIMITS = new JsonLimits(MAX_BYTES, 8);

    /** An upper bound on the bytes of a tree without entries: the header and a 10-byte count. */
    static final long EMPTY_BYTES = 64;

    /**
     * An upper bound on the bytes one entry adds to a {@code tree/2} with its name in full, from its name alone: the
     * kind, two 5-byte lengths, a 10-byte size and the digest, and the name's UTF-8 bytes.
     */
    static long entryBound(String name) {
        return 53 + (long) name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
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

    /** Encodes entries, in any order, as a {@code tree/2}. */
    static byte[] encode(List<Entry> entries) {
        return TreeEncoding.encode(entries);
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
        return decode(bytes, tree, where);
    }

    /** Reads a tree's bytes in either encoding; the caller checked their digest. */
    static List<Entry> decode(byte[] bytes, Digest tree, String where) {
        if (TreeEncoding.isBinary(bytes)) {
            return TreeEncoding.decode(bytes, "tree " + tree, where);
        }
        // A JSON tree: tree/1, or a newer binary one whose header the format scan reports as UNSUPPORTED_FORMAT
        RecordReader record = RecordReader.parse(bytes, TreeEncoding.FORMAT, "tree " + tree, LIMITS);
        if (record.getFormatVersion() != JSON_FORMAT.version()) {
            throw damaged(
                    LakeFormatException.Reason.INVALID_VALUE,
                    "$.format",
                    tree,
                    "a " + TreeEncoding.FORMAT + " is binary and starts with its header, never JSON");
        }
        List<Entry> entries = new ArrayList<>();
        String previous = null;
        for (RecordReader item : record.getObjectList("entries")) {
            String name = item.getString("name");
            PathRules.checkName(name, where + ":" + name);
            int order = previous == null ? -1 : StoreKey.compareUtf8(previous, name);
            if (order >= 0) {
                // the same rejection classes as tree/2 (§14.3), so both encodings fail alike
                throw damaged(
                        order == 0
                                ? LakeFormatException.Reason.DUPLICATE_KEY
                                : LakeFormatException.Reason.UNSORTED_KEYS,
                        item.getPath() + ".name",
                        tree,
                        "the tree lists " + Quoting.abbreviate(name) + " out of order or twice");
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
                throw damaged(
                        LakeFormatException.Reason.INVALID_VALUE,
                        item.getPath() + ".type",
                        tree,
                        "the tree has an entry of unknown type " + Quoting.abbreviate(type));
            }
            item.finish();
        }
        record.finish();
        return entries;
    }

    /** {@link #decode}, as the entries other modules of the project see (through {@code DataServices.TREES}). */
    static List<TreeEntry> decodeEntries(byte[] bytes, Digest tree, String where) {
        List<TreeEntry> entries = new ArrayList<>();
        for (Entry entry : decode(bytes, tree, where)) {
            entries.add(
                    entry instanceof FileEntry file
                            ? new TreeEntry(file.name(), false, file.digest(), file.size())
                            : new TreeEntry(entry.name(), true, ((DirEntry) entry).tree(), 0));
        }
        return entries;
    }

    private static LakeFormatException damaged(
            LakeFormatException.Reason reason, String path, Digest tree, String what) {
        return new LakeFormatException(
                reason,
                path,
                -1,
                "tree " + tree,
                what + "; the lake is damaged, or a tool wrote this tree against the format",
                null);
    }
}
