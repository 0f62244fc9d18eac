package org.mlops4j.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.zip.CheckedInputStream;
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
 * <p>Git's "racy" rule: an entry whose mtime or ctime is not older than the cache's own timestamp minus the
 * timestamp granularity could hide a change made within the same tick, so it is re-hashed. The timestamp is taken
 * before the walk starts, so a file changed during a snapshot is always re-hashed next time.
 */
final class StatCache {
    private static final Logger LOG = LoggerFactory.getLogger(StatCache.class);
    private static final int MAGIC = 0x4d4c5343; // "MLSC"
    private static final int VERSION = 2;

    /** What one stat of a file says. */
    record FileStat(long device, long inode, long size, long mtimeNanos, long ctimeNanos, boolean executable) {}

    /** An entry; {@code hash} holds the digest's 32 bytes when known, so saving needs no hex parsing. */
    private record Entry(FileStat stat, Digest digest, byte @Nullable [] hash) {}

    private final Map<String, Entry> previous;
    private final long previousTimestampNanos;
    private final long granularityNanos;
    private final Map<String, Entry> current;
    private int hits;

    private StatCache(Map<String, Entry> previous, long previousTimestampNanos, long granularityNanos) {
        this.previous = previous;
        this.previousTimestampNanos = previousTimestampNanos;
        this.granularityNanos = granularityNanos;
        this.current = new HashMap<>(Math.max(16, (int) (previous.size() / 0.75f) + 1));
    }

    /** Loads a cache file; a missing, damaged or older-format file gives an empty cache (it is only a cache). */
    static StatCache load(Path file, long granularityNanos) {
        Map<String, Entry> entries = new HashMap<>();
        long timestamp = Long.MIN_VALUE;
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in =
                        new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                return new StatCache(Map.of(), Long.MIN_VALUE, granularityNanos);
            }
            timestamp = in.readLong();
            int count = in.readInt();
            entries = new HashMap<>(Math.max(16, (int) (Math.min(count, 1 << 24) / 0.75f) + 1));
            for (int i = 0; i < count; i++) {
                byte[] hash = new byte[32];
                byte[] pathBytes = new byte[in.readUnsignedShort()];
                in.readFully(pathBytes);
                FileStat stat = new FileStat(
                        in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readBoolean());
                in.readFully(hash);
                entries.put(new String(pathBytes, StandardCharsets.UTF_8), new Entry(stat, Digest.ofHash(hash), hash));
            }
            int expected = (int) crc.getValue();
            if (in.readInt() != expected || in.read() != -1) {
                LOG.debug("ignoring damaged stat cache {}: its checksum does not match", file);
                return new StatCache(Map.of(), Long.MIN_VALUE, granularityNanos);
            }
        } catch (NoSuchFileException e) {
            return new StatCache(Map.of(), Long.MIN_VALUE, granularityNanos);
        } catch (EOFException | RuntimeException e) {
            LOG.debug("ignoring damaged stat cache {}", file, e);
            return new StatCache(Map.of(), Long.MIN_VALUE, granularityNanos);
        } catch (IOException e) {
            LOG.debug("cannot read stat cache {}", file, e);
            return new StatCache(Map.of(), Long.MIN_VALUE, granularityNanos);
        }
        return new StatCache(entries, timestamp, granularityNanos);
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
     * Writes the entries recorded in this snapshot (files that are gone drop out), atomically. When every file was a
     * hit and none is gone, the file on disk already says all there is and is kept: a hit is not racy under the old
     * timestamp, and a later change alters the stat key, so a newer timestamp would change no later lookup.
     */
    synchronized void save(Path file, long timestampNanos) throws IOException {
        if (hits == previous.size() && current.size() == previous.size() && Files.exists(file)) {
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
            out.writeInt((int) crc.getValue());
        }
    }
}
