package org.mlops4j.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;

/**
 * The format of the lake's consolidated pack index ({@code docs/lake-format.md} §11.7), like git's multi-pack-index:
 * what every pack holds, in a few large contents instead of a record and an index tail per pack, so that a reader
 * learns every pack of the lake in a handful of requests however many packs it has.
 *
 * <p>The index is a pointer {@link LakeLayout#PACK_INDEX} that lists up to {@value #MAX_LAYERS} <em>layers</em>, oldest
 * first. A layer is a record named by the SHA-256 of its bytes, {@code packs/layers/<64 hex>}: per pack, sorted by
 * pack digest, a 48-byte header (pack digest, pack size, member count) followed by the pack's own index entries, then
 * a 24-byte trailer (the magic {@code MLOPS4J-PIDX-V1\n} and the number of packs). Layers are never changed: a writer adds one and merges the newest ones into a new layer,
 * then moves the pointer by compare-and-set, so the index only grows (packs leave it only through garbage collection).
 */
final class PackIndexFormat {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.pack-index", 1);
    /** Per pack in a layer: its digest, size and member count. */
    static final int HEADER_BYTES = 48;

    static final int TRAILER_BYTES = 24;
    /** A writer keeps at most this many layers: opening a lake reads the pointer and these. */
    static final int MAX_LAYERS = 3;
    /** A writer merges the newest layer into the one before it once it holds an eighth of that one's members. */
    static final int GROWTH = 8;
    /** A reader refuses a pointer with more layers than this; a writer never makes more than {@link #MAX_LAYERS}. */
    static final int MAX_READ_LAYERS = 64;
    /** A reader reads a layer into memory: about 2 GB, some 20 million packed contents. */
    static final long MAX_LAYER_BYTES = Integer.MAX_VALUE - 8;

    private static final byte[] MAGIC = "MLOPS4J-PIDX-V1\n".getBytes(StandardCharsets.US_ASCII);

    private PackIndexFormat() {}

    /**
     * A layer as the pointer names it.
     *
     * @param layer the digest of the layer's bytes, which name its record
     * @param packs how many packs it lists
     * @param members how many index entries, over all its packs
     * @param bytes its size
     */
    record Layer(Digest layer, long packs, long members, long bytes) {}

    /**
     * One pack in a layer.
     *
     * @param pack the pack's digest
     * @param bytes the pack's size
     * @param entries the pack's index entries, {@link Packs#ENTRY_BYTES} each, sorted by digest
     */
    record Section(Digest pack, long bytes, byte[] entries) {
        long members() {
            return entries.length / Packs.ENTRY_BYTES;
        }
    }

    /** A layer's bytes and what the pointer says of it. */
    record Encoded(Layer layer, byte[] bytes) {}

    /** Encodes a layer of the given packs, sorted here by pack digest; each pack at most once. */
    static Encoded encodeLayer(Collection<Section> sections) {
        List<Section> sorted = new ArrayList<>(sections);
        sorted.sort(Comparator.comparing(s -> s.pack().toBytes(), Arrays::compareUnsigned));
        long size = TRAILER_BYTES;
        long members = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0 && sorted.get(i).pack().equals(sorted.get(i - 1).pack())) {
                throw new IllegalArgumentException("pack " + sorted.get(i).pack() + " given twice");
            }
            size += HEADER_BYTES + sorted.get(i).entries().length;
            members += sorted.get(i).members();
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size));
        for (Section section : sorted) {
            out.put(section.pack().toBytes())
                    .putLong(section.bytes())
                    .putLong(section.members())
                    .put(section.entries());
        }
        out.put(MAGIC).putLong(sorted.size());
        byte[] bytes = out.array();
        return new Encoded(new Layer(Digest.of(bytes), sorted.size(), members, bytes.length), bytes);
    }

    /**
     * Reads a layer as the pointer names it, with the checks of {@code docs/lake-format.md} §11.7 in their order: its
     * size and digest, its trailer, then each pack and its entries.
     *
     * @return its packs, in digest order
     * @throws IntegrityException naming the layer and the first rule it breaks
     */
    static List<Section> readLayer(byte[] bytes, Layer layer) {
        String where = "pack index layer " + layer.layer();
        if (bytes.length != layer.bytes()) {
            throw new IntegrityException(where + " has " + bytes.length + " bytes, the pack index says " + layer.bytes()
                    + "; the lake is damaged");
        }
        Digest actual = Digest.of(bytes);
        if (!actual.equals(layer.layer())) {
            throw new IntegrityException(where + " hashes to " + actual + "; the lake is damaged");
        }
        if (bytes.length < TRAILER_BYTES
                || !Arrays.equals(
                        bytes,
                        bytes.length - TRAILER_BYTES,
                        bytes.length - TRAILER_BYTES + MAGIC.length,
                        MAGIC,
                        0,
                        MAGIC.length)) {
            throw new IntegrityException(where + " has no layer trailer; the lake is damaged");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long count = in.getLong(bytes.length - 8);
        if (count != layer.packs()) {
            throw new IntegrityException(where + " lists " + Long.toUnsignedString(count) + " packs, the pack index "
                    + layer.packs() + "; the lake is damaged");
        }
        List<Section> sections = new ArrayList<>();
        int end = bytes.length - TRAILER_BYTES;
        int at = 0;
        long members = 0;
        byte[] previous = null;
        for (long i = 0; i < count; i++) {
            if (end - at < HEADER_BYTES) {
                throw new IntegrityException(where + " ends within pack " + i + "; the lake is damaged");
            }
            byte[] pack = Arrays.copyOfRange(bytes, at, at + 32);
            if (previous != null && Arrays.compareUnsigned(previous, pack) >= 0) {
                throw new IntegrityException(
                        where + " lists pack " + i + " out of digest order or twice; the lake is damaged");
            }
            previous = pack;
            Digest digest = Digest.ofHash(pack);
            long size = in.getLong(at + 32);
            long n = in.getLong(at + 40);
            String section = where + ", pack " + digest;
            if (n < 1 || n > Packs.MAX_READ_MEMBERS || size < 0 || size - Packs.TRAILER_BYTES < n * Packs.ENTRY_BYTES) {
                throw new IntegrityException(section + ", says " + Long.toUnsignedString(n) + " members in "
                        + Long.toUnsignedString(size) + " bytes; the lake is damaged");
            }
            at += HEADER_BYTES;
            if ((end - at) / Packs.ENTRY_BYTES < n) {
                throw new IntegrityException(section + ", ends within its entries; the lake is damaged");
            }
            Packs.checkEntries(bytes, at, (int) n, size - Packs.TRAILER_BYTES - n * Packs.ENTRY_BYTES, section);
            int length = (int) n * Packs.ENTRY_BYTES;
            sections.add(new Section(digest, size, Arrays.copyOfRange(bytes, at, at + length)));
            at += length;
            members += n;
        }
        if (at != end) {
            throw new IntegrityException(
                    where + " has " + (end - at) + " bytes after its last pack; the lake is" + " damaged");
        }
        if (members != layer.members()) {
            throw new IntegrityException(where + " lists " + members + " members, the pack index " + layer.members()
                    + "; the lake is damaged");
        }
        return sections;
    }

    /** Encodes the pointer: its layers, oldest first. */
    static byte[] encodePointer(List<Layer> layers) {
        List<RecordWriter> items = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            items.add(RecordWriter.object()
                    .put("layer", layer.layer())
                    .put("packs", layer.packs())
                    .put("members", layer.members())
                    .put("bytes", layer.bytes()));
        }
        return RecordWriter.create(FORMAT).put("layers", items).toBytes();
    }

    /**
     * Reads the pointer strictly.
     *
     * @throws org.mlops4j.lake.LakeFormatException if it breaks the record rules
     * @throws IntegrityException if it names too many layers, or a layer twice
     */
    static List<Layer> readPointer(byte[] bytes) {
        String where = "pack index '" + LakeLayout.PACK_INDEX + "'";
        RecordReader reader = RecordReader.parse(bytes, FORMAT, where);
        List<RecordReader> items = reader.getObjectList("layers");
        if (items.size() > MAX_READ_LAYERS) {
            throw new IntegrityException(where + " names " + items.size() + " layers, more than the " + MAX_READ_LAYERS
                    + " a reader reads; the lake is damaged");
        }
        List<Layer> layers = new ArrayList<>(items.size());
        Set<Digest> seen = new HashSet<>();
        for (RecordReader item : items) {
            Layer layer = new Layer(
                    item.getDigest("layer"),
                    item.getLong("packs", 1, Long.MAX_VALUE),
                    item.getLong("members", 1, Long.MAX_VALUE),
                    item.getLong("bytes", TRAILER_BYTES, MAX_LAYER_BYTES));
            item.finish();
            if (!seen.add(layer.layer())) {
                throw new IntegrityException(where + " names layer " + layer.layer() + " twice; the lake is damaged");
            }
            layers.add(layer);
        }
        reader.finish();
        return layers;
    }
}
