package org.mlops4j.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.internal.VerifyingInputStream;

/**
 * Reads a pack the way the lake's reader does ({@code docs/lake-format.md} §11.5), for the golden-vector and fuzz
 * tests: the record under its key, the index and trailer from a ranged read of the pack's tail (short when the pack
 * is truncated, as a store's ranged read is), then every member through the {@link VerifyingInputStream} that guards
 * each read of a content.
 */
final class PackReading {
    private PackReading() {}

    /**
     * Reads a pack and all its members.
     *
     * @param record the record's bytes
     * @param key the key the record was read under
     * @param pack the pack's bytes
     * @return each member's bytes by digest, in index order
     * @throws org.mlops4j.common.IntegrityException if a check of §11.5 fails
     */
    static Map<Digest, byte[]> read(byte[] record, StoreKey key, byte[] pack) {
        Packs.PackRecord read = Packs.readRecord(record, key);
        byte[] entries = Packs.readIndex(range(pack, read.indexOffset(), read.tailBytes()), read);
        Map<Digest, byte[]> members = new LinkedHashMap<>();
        for (int at = 0; at < entries.length; at += Packs.ENTRY_BYTES) {
            Digest digest = Digest.ofHash(Arrays.copyOfRange(entries, at, at + 32));
            long offset = ByteBuffer.wrap(entries, at + 32, 8).getLong();
            long size = ByteBuffer.wrap(entries, at + 40, 8).getLong();
            members.put(digest, verified(range(pack, offset, size), digest, size, read.pack()));
        }
        return members;
    }

    /**
     * Reads an {@code INDEX} of invalid golden vectors: one vector a line, fields split at spaces; blank lines and
     * {@code #} comments left out.
     *
     * @param name the resource's name
     * @return each line's fields
     */
    static List<String[]> indexLines(String name) {
        List<String[]> lines = new ArrayList<>();
        for (String line : new String(resource(name), StandardCharsets.US_ASCII).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                lines.add(line.split(" "));
            }
        }
        return lines;
    }

    /** Whether a resource exists: an invalid vector's {@code .bin} is absent when its record is rejected first. */
    static boolean hasResource(String name) {
        return PackReading.class.getClassLoader().getResource(name) != null;
    }

    /** The bytes {@code [offset, offset + length)} of {@code data}, fewer when it ends first (a ranged read). */
    static byte[] range(byte[] data, long offset, long length) {
        int from = (int) Math.min(offset, data.length);
        return Arrays.copyOfRange(data, from, (int) Math.min(data.length, from + length));
    }

    /** Loads a test resource. */
    static byte[] resource(String name) {
        try (InputStream in = PackReading.class.getClassLoader().getResourceAsStream(name)) {
            return Objects.requireNonNull(in, name).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] verified(byte[] member, Digest digest, long size, Digest pack) {
        try (InputStream in = new VerifyingInputStream(
                new ByteArrayInputStream(member), digest, size, "member " + digest + " of pack " + pack)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
