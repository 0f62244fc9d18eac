package org.mlops4j.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/**
 * The pack format of the lake ({@code docs/lake-format.md} §11). Small file contents are stored many to one content
 * object, a <em>pack</em>, as git and restic do: one write per few megabytes instead of one file per 4 KiB file, which
 * is what a snapshot of many small files spends its time on (and one blob upload instead of a thousand on Azure).
 *
 * <p>A pack is ordinary content (stored under its own SHA-256): its members' bytes back to back, then an index of
 * 48-byte entries (member SHA-256, offset, size; sorted by digest, each digest once), then a 24-byte trailer (the
 * magic {@code MLOPS4J-PACK-V1\n} and the member count). A record {@code packs/sha256/<hex>} written after the pack
 * announces it; readers find packs by listing those records. Integers are unsigned 64-bit big-endian.
 */
final class Packs {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.pack", 1);
    static final String PREFIX = LakeLayout.PACK_RECORDS;
    static final int ENTRY_BYTES = 48;
    static final int TRAILER_BYTES = 24;
    private static final byte[] MAGIC = "MLOPS4J-PACK-V1\n".getBytes(StandardCharsets.US_ASCII);

    /** Files up to this size are packed; larger ones are stored whole, where a pack would only add a copy. */
    static final int MAX_MEMBER_BYTES = 64 * 1024;
    /** A writer seals a pack once it holds this many bytes of members. */
    static final int TARGET_PACK_BYTES = 2 * 1024 * 1024;
    /** A writer seals a pack at this many members, so that an index stays below 3 MiB even for tiny files. */
    static final int MAX_WRITTEN_MEMBERS = 65_536;
    /** A reader refuses bigger indexes: it reads an index into memory. */
    static final long MAX_READ_MEMBERS = 1 << 20;

    /**
     * What the record of a pack says.
     *
     * @param pack the pack's digest
     * @param members how many members its index lists
     * @param bytes the pack's size
     */
    record PackRecord(Digest pack, long members, long bytes) {
        /** Where the index starts: members occupy the bytes before it. */
        long indexOffset() {
            return bytes - TRAILER_BYTES - members * ENTRY_BYTES;
        }

        /** The index and trailer: what a reader reads to learn the members. */
        int tailBytes() {
            return Math.toIntExact(members * ENTRY_BYTES + TRAILER_BYTES);
        }
    }

    private Packs() {}

    static StoreKey key(Digest pack) {
        return LakeLayout.packRecord(pack);
    }

    /** The pack a record key names, or null for any other key under {@link #PREFIX}. */
    static @Nullable Digest packOf(StoreKey key) {
        String value = key.value();
        if (!value.startsWith(PREFIX)) {
            return null;
        }
        String hex = value.substring(PREFIX.length());
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return null;
        }
        return new Digest(hex);
    }

    static byte[] encodeRecord(PackRecord record) {
        return RecordWriter.create(FORMAT)
                .put("pack", record.pack())
                .put("members", record.members())
                .put("bytes", record.bytes())
                .toBytes();
    }

    /**
     * Reads a pack record strictly.
     *
     * @throws org.mlops4j.lake.LakeFormatException if it breaks the record rules
     * @throws IntegrityException if it names another pack than its key, or sizes that cannot hold its index
     */
    static PackRecord readRecord(byte[] bytes, StoreKey key) {
        RecordReader reader = RecordReader.parse(bytes, FORMAT, "pack record '" + key + "'");
        Digest pack = reader.getDigest("pack");
        long members = reader.getLong("members", 1, MAX_READ_MEMBERS);
        long size = reader.getLong("bytes", TRAILER_BYTES, Long.MAX_VALUE);
        reader.finish();
        if (!key.equals(key(pack))) {
            throw new IntegrityException("pack record '" + key + "' names pack " + pack + "; the lake is damaged");
        }
        PackRecord record = new PackRecord(pack, members, size);
        if (record.indexOffset() < 0) {
            throw new IntegrityException("pack record '" + key + "' says " + members + " members in " + size
                    + " bytes, too few for its index; the lake is damaged");
        }
        return record;
    }

    /**
     * Encodes the index and trailer that follow the members.
     *
     * @param entries the members' entries, {@link #entry encoded}, in any order; sorted here
     */
    static byte[] encodeIndex(byte[][] entries) {
        byte[][] sorted = entries.clone();
        Arrays.sort(sorted, (a, b) -> Arrays.compareUnsigned(a, 0, 32, b, 0, 32));
        ByteBuffer out = ByteBuffer.allocate(sorted.length * ENTRY_BYTES + TRAILER_BYTES);
        for (byte[] entry : sorted) {
            out.put(entry);
        }
        out.put(MAGIC).putLong(sorted.length);
        return out.array();
    }

    /** One index entry: the member's 32-byte SHA-256, its offset in the pack and its size. */
    static byte[] entry(byte[] sha256, long offset, long size) {
        return ByteBuffer.allocate(ENTRY_BYTES)
                .put(sha256, 0, 32)
                .putLong(offset)
                .putLong(size)
                .array();
    }

    /**
     * Checks a pack's tail (index and trailer) against its record.
     *
     * @param tail the pack's last {@link PackRecord#tailBytes()} bytes
     * @return the index entries, {@link #ENTRY_BYTES} each, sorted by digest
     * @throws IntegrityException naming the pack and what is wrong
     */
    static byte[] readIndex(byte[] tail, PackRecord record) {
        String where = "pack " + record.pack();
        if (tail.length != record.tailBytes()) {
            throw new IntegrityException(where + " ends after " + tail.length + " of the " + record.tailBytes()
                    + " index bytes its record announces; the lake is damaged");
        }
        int indexBytes = tail.length - TRAILER_BYTES;
        if (!Arrays.equals(tail, indexBytes, indexBytes + MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IntegrityException(where + " has no pack trailer where its record says; the lake is damaged");
        }
        long count = ByteBuffer.wrap(tail, indexBytes + MAGIC.length, 8).getLong();
        if (count != record.members()) {
            throw new IntegrityException(where + " lists " + Long.toUnsignedString(count) + " members, its record "
                    + record.members() + "; the lake is damaged");
        }
        checkEntries(tail, 0, (int) count, record.indexOffset(), where);
        return Arrays.copyOf(tail, indexBytes);
    }

    /**
     * Checks {@code count} index entries at {@code from}: sorted by digest, each digest once, each member inside the
     * pack's {@code limit} bytes of members (§11.5, checks {@code order}, {@code duplicate} and {@code range}).
     *
     * @param where names the pack in messages
     * @throws IntegrityException at the first entry that breaks a rule
     */
    static void checkEntries(byte[] bytes, int from, int count, long limit, String where) {
        ByteBuffer entries = ByteBuffer.wrap(bytes);
        for (int i = 0; i < count; i++) {
            int at = from + i * ENTRY_BYTES;
            if (i > 0
                    && Arrays.compareUnsigned(bytes, at - ENTRY_BYTES, at - ENTRY_BYTES + 32, bytes, at, at + 32)
                            >= 0) {
                throw new IntegrityException(
                        where + " lists member " + i + " out of digest order or twice; the lake is damaged");
            }
            long offset = entries.getLong(at + 32);
            long size = entries.getLong(at + 40);
            if (offset < 0 || size < 0 || offset > limit - size) {
                throw new IntegrityException(where + " places member " + i + " at " + Long.toUnsignedString(offset)
                        + " (" + Long.toUnsignedString(size) + " bytes), outside its " + limit
                        + " bytes of members; the lake is damaged");
            }
        }
    }
}
