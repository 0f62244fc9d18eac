package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/**
 * Fuzzes the pack reader ({@code docs/lake-format.md} §11) with untrusted bytes, as a pack and as a pack record. Each
 * read must return or throw {@link IntegrityException} (a {@link LakeFormatException} for a record that breaks the
 * record rules) whose message names the pack; anything else (an index out of bounds, an arithmetic overflow, an
 * allocation sized by a hostile count) is a finding. What is accepted must be canonical: the Java writer gives the
 * same bytes back.
 *
 * <p>{@code ./mvnw verify} replays the seeds in {@code src/test/resources/org/mlops4j/data/PackFormatFuzzTestInputs/
 * <method>/}: the golden pack vectors, valid and invalid. {@code docs/lake-format.md} §10 has the command for a
 * fuzzing run.
 */
class PackFormatFuzzTest {
    /** Where a record names its pack: the fuzzer's record is read under that key, so it can get past the key check. */
    private static final Pattern PACK_FIELD = Pattern.compile("\"pack\":\"sha256:([0-9a-f]{64})\"");

    private static final AtomicLong INPUTS = new AtomicLong();

    /**
     * The input is a whole pack. Its record is derived from it, as an honest writer would write it (the input's
     * SHA-256 and size) with the member count of its trailer when a reader would accept that count, or else the count
     * its size could hold; then the pack is read like a stored one: index by a ranged read, every member verified. A
     * first byte from 0 to 7 says how many bytes the stored pack lost at its end after its record was written, so
     * that truncated packs are fuzzed too; no seed starts with such a byte.
     */
    @FuzzTest(maxDuration = "10m")
    void fuzzPackTail(byte[] data) {
        INPUTS.incrementAndGet();
        Digest pack = Digest.of(data);
        StoreKey key = Packs.key(pack);
        byte[] record = Packs.encodeRecord(new Packs.PackRecord(pack, derivedCount(data), data.length));
        int lost = data.length > 0 && data[0] >= 0 && data[0] < 8 ? Math.min(data[0], data.length) : 0;
        byte[] stored = Arrays.copyOf(data, data.length - lost);
        try {
            Map<Digest, byte[]> members = PackReading.read(record, key, stored);
            if (stored.length != data.length) {
                throw new AssertionError(
                        "accepted a pack that lost its last " + (data.length - stored.length) + " bytes");
            }
            // accepted: the index is canonical, so the writer's encoding of its entries is the pack's tail
            byte[][] entries = new byte[members.size()][];
            int i = 0;
            for (Map.Entry<Digest, byte[]> member : members.entrySet()) {
                int at = data.length - Packs.TRAILER_BYTES - (members.size() - i) * Packs.ENTRY_BYTES;
                entries[i++] = Arrays.copyOfRange(data, at, at + Packs.ENTRY_BYTES);
                if (!Digest.of(member.getValue()).equals(member.getKey())) {
                    throw new AssertionError("accepted member " + member.getKey() + " with other bytes");
                }
            }
            byte[] index = Packs.encodeIndex(entries);
            if (!Arrays.equals(index, 0, index.length, data, data.length - index.length, data.length)) {
                throw new AssertionError("accepted a pack whose index the writer would not write");
            }
        } catch (IntegrityException e) {
            checkMessage(e, key);
        }
    }

    /**
     * The input is a pack record, read under the key it names when it names one (so that the fuzzer gets past the
     * key check to the size checks), else under the key of its own SHA-256.
     */
    @FuzzTest(maxDuration = "10m")
    void fuzzPackRecord(byte[] data) {
        INPUTS.incrementAndGet();
        Matcher named = PACK_FIELD.matcher(new String(data, StandardCharsets.ISO_8859_1));
        StoreKey key = Packs.key(named.find() ? new Digest(named.group(1)) : Digest.of(data));
        try {
            Packs.PackRecord record = Packs.readRecord(data, key);
            byte[] written = Packs.encodeRecord(record);
            if (!Arrays.equals(written, data) && !Arrays.equals(withoutChecksum(written), data)) {
                throw new AssertionError("accepted a record the writer would not write");
            }
            if (record.indexOffset() < 0 || record.tailBytes() < Packs.TRAILER_BYTES) {
                throw new AssertionError("accepted a record whose sizes cannot hold its index: " + record);
            }
        } catch (IntegrityException e) {
            checkMessage(e, key);
        }
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
        System.out.println("PackFormatFuzzTest ran " + INPUTS.get() + " inputs");
    }

    /** The trailer's count if a reader accepts it, else as many members as the size can hold (at least one). */
    private static long derivedCount(byte[] data) {
        if (data.length >= 8) {
            long count = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
            if (count >= 1 && count <= Packs.MAX_READ_MEMBERS) {
                return count;
            }
        }
        return Math.max(1, Math.min(Packs.MAX_READ_MEMBERS, (data.length - Packs.TRAILER_BYTES) / Packs.ENTRY_BYTES));
    }

    /** A rejection must say which pack: by its record's key or by its digest. */
    private static void checkMessage(IntegrityException e, StoreKey key) {
        String message = e.getMessage();
        String hex = key.value().substring(Packs.PREFIX.length());
        if (message == null || !message.contains(hex)) {
            throw new AssertionError("a rejection that does not name pack " + hex, e);
        }
    }

    /** The record as written before record checksums (§5.1), which readers still accept. */
    static byte[] withoutChecksum(byte[] record) {
        Map<String, Object> fields =
                new java.util.LinkedHashMap<>(org.mlops4j.lake.internal.CanonicalJson.readObject(record));
        fields.remove(org.mlops4j.lake.internal.RecordFormat.CHECKSUM_FIELD);
        return org.mlops4j.lake.internal.CanonicalJson.write(fields);
    }
}
