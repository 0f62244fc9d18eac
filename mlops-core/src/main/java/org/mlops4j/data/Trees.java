package org.mlops4j.data;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlops4j.IntegrityException;
import org.mlops4j.lake.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * Canonical directory manifests (a Merkle tree, like git's): one per directory, its entries sorted by name, each a
 * file (size, digest, executable bit) or a directory (its tree's digest). No mtimes, so the same bytes and names give
 * the same digest anywhere.
 */
final class Trees {
    static final String FORMAT = "mlops4j.tree/1";

    sealed interface Entry permits FileEntry, DirEntry {
        String name();
    }

    record FileEntry(String name, long size, Digest digest, boolean executable) implements Entry {}

    record DirEntry(String name, Digest tree) implements Entry {}

    private Trees() {}

    static StoreKey key(Digest tree) {
        String hex = tree.hex();
        return StoreKey.of("trees/sha256/" + hex.substring(0, 2) + "/" + hex);
    }

    /**
     * Encodes entries that are already sorted by name (UTF-8 bytes): the canonical JSON of
     * {@code {"entries":[{"digest":…,"executable":…,"name":…,"size":…,"type":"file"} | {"digest":…,"name":…,
     * "type":"dir"}, …],"format":…}}, written straight in canonical key order (the bytes {@link Json#write} gives
     * for the same maps, without a sorted map per entry: a snapshot encodes every tree, changed or not).
     */
    static byte[] encode(List<Entry> sortedEntries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 160 * sortedEntries.size());
        try (JsonGenerator generator = Json.FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeFieldName("entries");
            generator.writeStartArray();
            for (Entry entry : sortedEntries) {
                generator.writeStartObject();
                if (entry instanceof FileEntry file) {
                    generator.writeFieldName("digest");
                    generator.writeString(file.digest().toString());
                    generator.writeFieldName("executable");
                    generator.writeBoolean(file.executable());
                    generator.writeFieldName("name");
                    generator.writeString(file.name());
                    generator.writeFieldName("size");
                    generator.writeNumber(file.size());
                    generator.writeFieldName("type");
                    generator.writeString("file");
                } else {
                    generator.writeFieldName("digest");
                    generator.writeString(((DirEntry) entry).tree().toString());
                    generator.writeFieldName("name");
                    generator.writeString(entry.name());
                    generator.writeFieldName("type");
                    generator.writeString("dir");
                }
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeFieldName("format");
            generator.writeString(FORMAT);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
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
        Map<String, Object> record = Json.read(bytes, "tree " + tree);
        if (!FORMAT.equals(record.get("format"))) {
            throw new IntegrityException("tree " + tree + " has format '" + record.get("format") + "', expected '"
                    + FORMAT + "'; a newer MLOps4J wrote it, upgrade to read it");
        }
        List<Entry> entries = new ArrayList<>();
        for (Object item : (List<?>) record.get("entries")) {
            Map<?, ?> map = (Map<?, ?>) item;
            String name = (String) map.get("name");
            PathRules.checkName(name, where + ":" + name);
            if ("file".equals(map.get("type"))) {
                entries.add(new FileEntry(
                        name,
                        ((Number) map.get("size")).longValue(),
                        Digest.parse((String) map.get("digest")),
                        (Boolean) map.get("executable")));
            } else if ("dir".equals(map.get("type"))) {
                entries.add(new DirEntry(name, Digest.parse((String) map.get("digest"))));
            } else {
                throw new IntegrityException("tree " + tree + " has an entry of unknown type " + map.get("type"));
            }
        }
        return entries;
    }
}
