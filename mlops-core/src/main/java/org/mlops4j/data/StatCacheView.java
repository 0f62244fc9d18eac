package org.mlops4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Redaction;
import org.mlops4j.store.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only view of a {@link StatCache} file (format 3, see {@code docs/stat-cache.md}) for a status walk: the file
 * is mapped, not read onto the heap, its entries stay where they are, and a file is looked up by its directory's
 * UTF-8 prefix and its name without building its path. It answers only the same-path rule ({@link #unchanged}) and
 * the remembered tree digests; what it does not vouch for, the status asks {@link StatCache} (moves) or hashes.
 *
 * <p>The cache file is replaced by a rename, never rewritten in place, so the mapped bytes cannot change under the
 * view. Like {@link StatCache#load}, a missing, damaged or older-format file gives an empty view. Thread-safe.
 */
final class StatCacheView {
    private static final Logger LOG = LoggerFactory.getLogger(StatCacheView.class);
    private static final int FNV_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    private static final StatCacheView EMPTY =
            new StatCacheView(ByteBuffer.allocate(0), new int[0], new int[0], Map.of(), Long.MIN_VALUE);

    /** A directory's remembered tree digest and its number of entries. */
    private record Tree(int entries, Digest digest) {}

    private final ByteBuffer bytes;
    /** Where entry {@code i}'s path starts, and where its fields (after the path) start. */
    private final int[] paths;

    private final int[] fields;
    /** Open addressing (linear probing, at most a quarter full): entry numbers plus one, by {@link #hash} of path. */
    private final int[] slots;

    private final Map<String, Tree> trees;
    /** Entries whose mtime or ctime is not older than this are racy (see {@link StatCache}). */
    private final long safeBeforeNanos;

    private StatCacheView(ByteBuffer bytes, int[] paths, int[] fields, Map<String, Tree> trees, long safeBeforeNanos) {
        this.bytes = bytes;
        this.paths = paths;
        this.fields = fields;
        this.trees = trees;
        this.safeBeforeNanos = safeBeforeNanos;
        this.slots = new int[Math.max(2, Integer.highestOneBit(Math.max(1, paths.length)) << 2)];
        int mask = slots.length - 1;
        for (int i = 0; i < paths.length; i++) {
            int h = FNV_BASIS;
            for (int at = paths[i]; at < fields[i]; at++) {
                h = (h ^ bytes.get(at)) * FNV_PRIME;
            }
            int slot = mix(h) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = i + 1;
        }
    }

    /** A view that remembers nothing. */
    static StatCacheView empty() {
        return EMPTY;
    }

    /**
     * Maps a cache file and checks its checksum before parsing a byte of it; an empty view if it is missing, damaged
     * or of another format.
     */
    static StatCacheView open(Path file, long granularityNanos) {
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 24 || size > Integer.MAX_VALUE) {
                return EMPTY;
            }
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            return EMPTY;
        } catch (IOException e) {
            LOG.debug("cannot read stat cache {}", Redaction.redact(file), e);
            return EMPTY;
        }
        int size = bytes.capacity();
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().limit(size - 4));
        if (bytes.getInt(0) != StatCache.MAGIC || bytes.getInt(4) != StatCache.VERSION) {
            return EMPTY;
        }
        if (bytes.getInt(size - 4) != (int) crc.getValue()) {
            LOG.debug("ignoring damaged stat cache {}: its checksum does not match", Redaction.redact(file));
            return EMPTY;
        }
        try {
            long timestamp = bytes.getLong(8);
            int count = bytes.getInt(16);
            if (count < 0 || count > size / (2 + StatCache.FILE_FIELDS)) {
                throw new IllegalArgumentException("entry count " + count);
            }
            int[] paths = new int[count];
            int[] fields = new int[count];
            int at = 20;
            for (int i = 0; i < count; i++) {
                paths[i] = at + 2;
                fields[i] = at + 2 + Short.toUnsignedInt(bytes.getShort(at));
                at = fields[i] + StatCache.FILE_FIELDS;
            }
            int treeCount = bytes.getInt(at);
            at += 4;
            if (treeCount < 0 || treeCount > size / (2 + 4 + 32)) {
                throw new IllegalArgumentException("tree count " + treeCount);
            }
            Map<String, Tree> trees = new HashMap<>(Math.max(16, (int) (treeCount / 0.75f) + 1));
            for (int i = 0; i < treeCount; i++) {
                byte[] path = new byte[Short.toUnsignedInt(bytes.getShort(at))];
                bytes.get(at + 2, path);
                at += 2 + path.length;
                int entries = bytes.getInt(at);
                trees.put(new String(path, StandardCharsets.UTF_8), new Tree(entries, digestAt(bytes, at + 4)));
                at += 4 + 32;
            }
            if (at != size - 4) {
                throw new IllegalArgumentException(size - 4 - at + " bytes after the entries");
            }
            return new StatCacheView(
                    bytes,
                    paths,
                    fields,
                    trees,
                    timestamp == Long.MIN_VALUE ? Long.MIN_VALUE : timestamp - granularityNanos);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            LOG.debug("ignoring damaged stat cache {}", Redaction.redact(file), e);
            return EMPTY;
        }
    }

    /** Whether the view remembers no file. */
    boolean isEmpty() {
        return paths.length == 0;
    }

    /**
     * The hash state after a directory's prefix ({@code "dir/sub/"}, or empty for the root), to pass to
     * {@link #find}: each directory's prefix is hashed once, not once per file.
     */
    static int prefixHash(byte[] prefix) {
        int h = FNV_BASIS;
        for (byte b : prefix) {
            h = (h ^ b) * FNV_PRIME;
        }
        return h;
    }

    /**
     * Returns the entry of the file {@code prefix + name}, or -1; {@code prefixState} is {@link #prefixHash} of the
     * prefix. Builds no path: an ASCII name is hashed and compared char by char against the mapped bytes.
     */
    int find(byte[] prefix, int prefixState, String name) {
        if (paths.length == 0) {
            return -1;
        }
        int h = prefixState;
        int n = name.length();
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c >= 0x80) {
                return find(prefix, prefixState, name.getBytes(StandardCharsets.UTF_8));
            }
            h = (h ^ c) * FNV_PRIME;
        }
        int mask = slots.length - 1;
        for (int slot = mix(h) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int entry = slots[slot] - 1;
            int start = paths[entry];
            if (fields[entry] - start == prefix.length + n && regionEquals(start, prefix)) {
                int at = start + prefix.length;
                int i = 0;
                while (i < n && bytes.get(at + i) == name.charAt(i)) {
                    i++;
                }
                if (i == n) {
                    return entry;
                }
            }
        }
        return -1;
    }

    /** Returns the entry of a file by its whole path ({@code /}-separated, relative to the root), or -1. */
    int find(String path) {
        return find(new byte[0], FNV_BASIS, path.getBytes(StandardCharsets.UTF_8));
    }

    private int find(byte[] prefix, int prefixState, byte[] name) {
        int h = prefixState;
        for (byte b : name) {
            h = (h ^ b) * FNV_PRIME;
        }
        int mask = slots.length - 1;
        for (int slot = mix(h) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int entry = slots[slot] - 1;
            int start = paths[entry];
            if (fields[entry] - start == prefix.length + name.length
                    && regionEquals(start, prefix)
                    && regionEquals(start + prefix.length, name)) {
                return entry;
            }
        }
        return -1;
    }

    /**
     * The same-path rule of {@link StatCache#lookupAndRecord}: whether an entry's recorded stat key is the file's
     * now and the entry is not racy, so that its recorded digest holds for the file's bytes.
     */
    boolean unchanged(int entry, long device, long inode, long size, long mtimeNanos, long ctimeNanos, boolean exec) {
        int at = fieldsOf(entry);
        return bytes.getLong(at) == device
                && bytes.getLong(at + 8) == inode
                && bytes.getLong(at + 16) == size
                && bytes.getLong(at + 24) == mtimeNanos
                && bytes.getLong(at + 32) == ctimeNanos
                && (bytes.get(at + 40) != 0) == exec
                && mtimeNanos < safeBeforeNanos
                && ctimeNanos < safeBeforeNanos;
    }

    /** An entry's recorded size. */
    long size(int entry) {
        return bytes.getLong(fieldsOf(entry) + 16);
    }

    /** An entry's recorded executable bit. */
    boolean executable(int entry) {
        return bytes.get(fieldsOf(entry) + 40) != 0;
    }

    /** An entry's recorded digest. */
    Digest digest(int entry) {
        return digestAt(bytes, fieldsOf(entry) + 41);
    }

    /**
     * The tree digest remembered for a directory with this many entries, or null; usable on the terms of
     * {@link StatCache#lookupTreeAndRecord} (every file unchanged by {@link #unchanged}, every subdirectory's tree
     * remembered).
     */
    @Nullable
    Digest tree(String directory, int entries) {
        Tree tree = trees.get(directory);
        return tree == null || tree.entries() != entries ? null : tree.digest();
    }

    private static Digest digestAt(ByteBuffer bytes, int at) {
        byte[] hash = new byte[32];
        bytes.get(at, hash);
        return Digest.ofHash(hash);
    }

    private boolean regionEquals(int at, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (bytes.get(at + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private int fieldsOf(int entry) {
        return fields[entry];
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }
}
