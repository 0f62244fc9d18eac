package org.mlops4j.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.jspecify.annotations.Nullable;
import org.mlops4j.lake.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the digests of files by their stat key (device, inode, size, mtime ns, ctime ns), so that re-snapshotting
 * a mostly unchanged directory costs O(changes). One cache per host, source root and lake, in a compact binary file
 * written atomically and ended by a CRC-32C of everything before it: a damaged file, which could otherwise hand out
 * a wrong digest, is ignored as a whole.
 *
 * <p>It also remembers each directory's tree digest with its number of entries, so that a directory whose entries
 * are all unchanged is neither re-encoded nor re-hashed (see {@link #lookupTreeAndRecord}).
 *
 * <p>Git's "racy" rule: an entry whose mtime or ctime is not older than the cache's own timestamp minus the
 * timestamp granularity could hide a change made within the same tick, so it is re-hashed. The timestamp is taken
 * before the walk starts, so a file changed during a snapshot is always re-hashed next time.
 */
final class StatCache {
    private static final Logger LOG = LoggerFactory.getLogger(StatCache.class);
    private static final int MAGIC = 0x4d4c5343; // "MLSC"
    private static final int VERSION = 3;

    /** What one stat of a file says. */
    record FileStat(long device, long inode, long size, long mtimeNanos, long ctimeNanos, boolean executable) {}

    /** An entry; {@code hash} holds the digest's 32 bytes when known, so saving needs no hex parsing. */
    private record Entry(FileStat stat, Digest digest, byte @Nullable [] hash) {}

    /** A directory's tree digest, and how many entries the tree has. */
    private record TreeEntry(int entries, Digest tree) {}

    private final Map<String, Entry> previous;
    private final Map<String, TreeEntry> previousTrees;
    private final long previousTimestampNanos;
    private final long granularityNanos;
    private final Map<String, Entry> current;
    private final Map<String, TreeEntry> currentTrees;
    private int hits;
    private int treeHits;

    private StatCache(
            Map<String, Entry> previous,
            Map<String, TreeEntry> previousTrees,
            long previousTimestampNanos,
            long granularityNanos) {
        this.previous = previous;
        this.previousTrees = previousTrees;
        this.previousTimestampNanos = previousTimestampNanos;
        this.granularityNanos = granularityNanos;
        this.current = new HashMap<>(capacity(previous.size()));
        this.currentTrees = new HashMap<>(capacity(previousTrees.size()));
    }

    private static int capacity(int entries) {
        return Math.max(16, (int) (entries / 0.75f) + 1);
    }

    private static StatCache empty(long granularityNanos) {
        return new StatCache(Map.of(), Map.of(), Long.MIN_VALUE, granularityNanos);
    }

    /**
     * Loads a cache file; a missing, damaged or older-format file gives an empty cache (it is only a cache). Reads
     * the file whole and checks its checksum before parsing a byte of it.
     */
    static StatCache load(Path file, long granularityNanos) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return empty(granularityNanos);
        } catch (IOException e) {
            LOG.debug("cannot read stat cache {}", file, e);
            return empty(granularityNanos);
        }
        if (bytes.length < 24) {
            return empty(granularityNanos);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC || in.getInt() != VERSION) {
            return empty(granularityNanos);
        }
        if (in.getInt(bytes.length - 4) != (int) crc.getValue()) {
            LOG.debug("ignoring damaged stat cache {}: its checksum does not match", file);
            return empty(granularityNanos);
        }
        try {
            long timestamp = in.getLong();
            int count = in.getInt();
            Map<String, Entry> entries = new HashMap<>(capacity(Math.min(count, 1 << 24)));
            for (int i = 0; i < count; i++) {
                String path = readPath(in);
                FileStat stat = new FileStat(
                        in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.get() != 0);
                byte[] hash = new byte[32];
                in.get(hash);
                entries.put(path, new Entry(stat, Digest.ofHash(hash), hash));
            }
            int treeCount = in.getInt();
            Map<String, TreeEntry> trees = new HashMap<>(capacity(Math.min(treeCount, 1 << 24)));
            for (int i = 0; i < treeCount; i++) {
                String path = readPath(in);
                int treeEntries = in.getInt();
                byte[] hash = new byte[32];
                in.get(hash);
                trees.put(path, new TreeEntry(treeEntries, Digest.ofHash(hash)));
            }
            if (in.remaining() != 4) {
                LOG.debug("ignoring damaged stat cache {}: {} bytes after its entries", file, in.remaining() - 4);
                return empty(granularityNanos);
            }
            return new StatCache(entries, trees, timestamp, granularityNanos);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            LOG.debug("ignoring damaged stat cache {}", file, e);
            return empty(granularityNanos);
        }
    }

    private static String readPath(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        String path = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return path;
    }

    /**
     * Returns the digest remembered for a file whose stat key is unchanged and not racy, and records it for the next
     * snapshot (as {@link #record} would); null to re-hash.
     */
    @Nullable
    Digest lookupAndRecord(String path, FileStat stat) {
        Entry entry = previous.get(path);
        if (entry == null || !entry.stat().equals(stat)) {
            return null;
        }
        long safeBefore = previousTimestampNanos - granularityNanos;
        if (stat.mtimeNanos() >= safeBefore || stat.ctimeNanos() >= safeBefore) {
            return null; // racy: changed within a timestamp tick of the last snapshot
        }
        synchronized (this) {
            hits++;
            current.put(path, entry);
        }
        return entry.digest();
    }

    /** Records a file's stat key and digest for the next snapshot. */
    synchronized void record(String path, FileStat stat, Digest digest) {
        current.put(path, new Entry(stat, digest, null));
    }

    synchronized int hits() {
        return hits;
    }

    /**
     * Returns the tree digest remembered for a directory, and records it for the next snapshot; null if none. The
     * caller may use it only when every entry of the directory is unchanged: each file a hit of
     * {@link #lookupAndRecord}, each subdirectory's tree reused the same way, and as many entries as
     * {@code entries}. Then the directory holds exactly the entries it held when the digest was recorded (each
     * current entry was one of them, and there are as many), so its tree encodes to the same bytes.
     */
    synchronized @Nullable Digest lookupTreeAndRecord(String path, int entries) {
        TreeEntry entry = previousTrees.get(path);
        if (entry == null || entry.entries() != entries) {
            return null;
        }
        treeHits++;
        currentTrees.put(path, entry);
        return entry.tree();
    }

    /** Records a directory's tree digest for the next snapshot. */
    synchronized void recordTree(String path, int entries, Digest tree) {
        currentTrees.put(path, new TreeEntry(entries, tree));
    }

    /**
     * Writes the entries recorded in this snapshot (files that are gone drop out), atomically. When every file was a
     * hit and none is gone, the file on disk already says all there is and is kept: a hit is not racy under the old
     * timestamp, and a later change alters the stat key, so a newer timestamp would change no later lookup.
     */
    synchronized void save(Path file, long timestampNanos) throws IOException {
        if (hits == previous.size()
                && current.size() == previous.size()
                && treeHits == previousTrees.size()
                && currentTrees.size() == previousTrees.size()
                && Files.exists(file)) {
            return;
        }
        Files.createDirectories(file.getParent());
        // a unique temp file: two snapshots of one source in one process must not write into the same one
        Path temp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
        try {
            write(temp, timestampNanos);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void write(Path temp, long timestampNanos) throws IOException {
        CRC32C crc = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(temp);
                DataOutputStream out =
                        new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(timestampNanos);
            List<byte[]> paths = new ArrayList<>(current.size());
            List<Entry> entries = new ArrayList<>(current.size());
            for (Map.Entry<String, Entry> e : current.entrySet()) {
                byte[] path = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (path.length <= 0xffff) {
                    paths.add(path);
                    entries.add(e.getValue());
                }
            }
            out.writeInt(paths.size());
            for (int i = 0; i < paths.size(); i++) {
                byte[] path = paths.get(i);
                Entry entry = entries.get(i);
                FileStat stat = entry.stat();
                out.writeShort(path.length);
                out.write(path);
                out.writeLong(stat.device());
                out.writeLong(stat.inode());
                out.writeLong(stat.size());
                out.writeLong(stat.mtimeNanos());
                out.writeLong(stat.ctimeNanos());
                out.writeBoolean(stat.executable());
                byte[] hash = entry.hash();
                out.write(hash != null ? hash : entry.digest().toBytes());
            }
            List<byte[]> treePaths = new ArrayList<>(currentTrees.size());
            List<TreeEntry> trees = new ArrayList<>(currentTrees.size());
            for (Map.Entry<String, TreeEntry> e : currentTrees.entrySet()) {
                byte[] path = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (path.length <= 0xffff) {
                    treePaths.add(path);
                    trees.add(e.getValue());
                }
            }
            out.writeInt(treePaths.size());
            for (int i = 0; i < treePaths.size(); i++) {
                out.writeShort(treePaths.get(i).length);
                out.write(treePaths.get(i));
                out.writeInt(trees.get(i).entries());
                out.write(trees.get(i).tree().toBytes());
            }
            out.writeInt((int) crc.getValue());
        }
    }
}
