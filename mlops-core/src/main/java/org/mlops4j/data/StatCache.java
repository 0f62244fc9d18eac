package org.mlops4j.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Redaction;
import org.mlops4j.store.Digest;
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
 * <p>Neither generation is held on the heap: the previous snapshot's file entries stay in the cache file, mapped
 * read-only (the file is only ever replaced by a rename, never written in place), found through an open-addressing
 * index of offsets (about 13 bytes a file on the heap); this snapshot's entries go to a scratch file as they are
 * recorded ({@link RecordedEntries}), copied into the new cache file when it is saved. A re-snapshot of a million
 * files then keeps neither a million objects nor two copies of the cache in the heap.
 *
 * <p>Git's "racy" rule: an entry whose mtime or ctime is not older than the cache's own timestamp minus the
 * timestamp granularity could hide a change made within the same tick, so it is re-hashed. The timestamp is taken
 * before the walk starts, so a file changed during a snapshot is always re-hashed next time.
 *
 * <p>A file found under a new path is matched by its device and inode ({@link #lookupMovedAndRecord}); see there
 * for when its remembered digest is trusted and when it is not.
 */
final class StatCache {
    private static final Logger LOG = LoggerFactory.getLogger(StatCache.class);
    static final int MAGIC = 0x4d4c5343; // "MLSC"
    static final int VERSION = 3;
    /** A file entry after its path: device, inode, size, mtime, ctime (8 bytes each), executable (1), hash (32). */
    static final int FILE_FIELDS = 5 * 8 + 1 + 32;

    /** What one stat of a file says. */
    record FileStat(long device, long inode, long size, long mtimeNanos, long ctimeNanos, boolean executable) {}

    /** Reads a source directory's modification time now, by its relative path ({@code ""} is the root). */
    @FunctionalInterface
    interface DirectoryTimes {
        /** Returns the directory's mtime in ns since the epoch; {@link Long#MIN_VALUE} if it is gone or no directory. */
        long mtimeNanos(String directory);

        /**
         * Reads the directories under a root, each once (a snapshot or status needs them for moved files only);
         * thread-safe. Reading a time once and early is the safe side: a later change only raises it.
         */
        static DirectoryTimes under(Path root) {
            Map<String, Long> read = new ConcurrentHashMap<>();
            return relative -> read.computeIfAbsent(relative, r -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(
                            r.isEmpty() ? root : root.resolve(r), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    return a.isDirectory() ? a.lastModifiedTime().to(TimeUnit.NANOSECONDS) : Long.MIN_VALUE;
                } catch (IOException e) {
                    return Long.MIN_VALUE;
                }
            });
        }
    }

    /** A directory's tree digest, and how many entries the tree has. */
    private record TreeEntry(int entries, Digest tree) {}

    private final FileIndex previous;
    private final Map<String, TreeEntry> previousTrees;
    private final long previousTimestampNanos;
    private final long granularityNanos;
    private final RecordedEntries current;
    private final Map<String, TreeEntry> currentTrees;
    private final AtomicInteger hits = new AtomicInteger();
    private int moveHits;
    private int treeHits;

    private StatCache(
            FileIndex previous,
            Map<String, TreeEntry> previousTrees,
            long previousTimestampNanos,
            long granularityNanos,
            Path scratchDirectory) {
        this.current = new RecordedEntries(scratchDirectory);
        this.previous = previous;
        this.previousTrees = previousTrees;
        this.previousTimestampNanos = previousTimestampNanos;
        this.granularityNanos = granularityNanos;
        this.currentTrees = new HashMap<>(capacity(previousTrees.size()));
    }

    private static int capacity(int entries) {
        return Math.max(16, (int) (entries / 0.75f) + 1);
    }

    /** A cache that remembers nothing. */
    static StatCache empty(long granularityNanos) {
        return empty(granularityNanos, Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static StatCache empty(long granularityNanos, Path scratchDirectory) {
        return new StatCache(FileIndex.EMPTY, Map.of(), Long.MIN_VALUE, granularityNanos, scratchDirectory);
    }

    /**
     * Loads a cache file; a missing, damaged or older-format file gives an empty cache (it is only a cache). Maps the
     * file (reads it, where a mapped file could not be replaced: Windows) and checks its checksum before parsing a
     * byte of it.
     */
    static StatCache load(Path file, long granularityNanos) {
        Path directory = file.toAbsolutePath().getParent();
        ByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 24 || size > Integer.MAX_VALUE) {
                return empty(granularityNanos, directory);
            }
            bytes = MAP ? channel.map(FileChannel.MapMode.READ_ONLY, 0, size) : readFully(channel, (int) size);
        } catch (NoSuchFileException e) {
            return empty(granularityNanos, directory);
        } catch (IOException e) {
            LOG.debug("cannot read stat cache {}", Redaction.redact(file), e);
            return empty(granularityNanos, directory);
        }
        int length = bytes.capacity();
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().limit(length - 4));
        ByteBuffer in = bytes.duplicate();
        if (in.getInt() != MAGIC || in.getInt() != VERSION) {
            return empty(granularityNanos, directory);
        }
        if (in.getInt(length - 4) != (int) crc.getValue()) {
            LOG.debug("ignoring damaged stat cache {}: its checksum does not match", Redaction.redact(file));
            return empty(granularityNanos, directory);
        }
        try {
            long timestamp = in.getLong();
            int count = in.getInt();
            if (count < 0 || count > length / (2 + FILE_FIELDS)) {
                throw new IllegalArgumentException("entry count " + count);
            }
            int[] offsets = new int[count];
            for (int i = 0; i < count; i++) {
                offsets[i] = in.position();
                in.position(in.position() + 2 + Short.toUnsignedInt(in.getShort(in.position())) + FILE_FIELDS);
            }
            int treeCount = in.getInt();
            Map<String, TreeEntry> trees = new HashMap<>(capacity(Math.min(treeCount, 1 << 20)));
            for (int i = 0; i < treeCount; i++) {
                byte[] path = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(path);
                int treeEntries = in.getInt();
                byte[] hash = new byte[32];
                in.get(hash);
                trees.put(new String(path, StandardCharsets.UTF_8), new TreeEntry(treeEntries, Digest.ofHash(hash)));
            }
            if (in.remaining() != 4) {
                throw new IllegalArgumentException(in.remaining() - 4 + " bytes after the entries");
            }
            return new StatCache(new FileIndex(bytes, offsets), trees, timestamp, granularityNanos, directory);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            LOG.debug("ignoring damaged stat cache {}", Redaction.redact(file), e);
            return empty(granularityNanos, directory);
        }
    }

    /** Whether cache files are mapped: not on Windows, where a mapped file cannot be replaced until unmapped. */
    private static final boolean MAP = !System.getProperty("os.name", "").startsWith("Windows");

    private static ByteBuffer readFully(FileChannel channel, int size) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
            // until full or at the end (a shorter file fails its checksum)
        }
        return bytes.clear();
    }

    /**
     * Returns the digest remembered for a file whose stat key is unchanged and not racy, and records it for the next
     * snapshot (as {@link #record} would); null to re-hash.
     */
    @Nullable
    Digest lookupAndRecord(String path, FileStat stat) {
        int entry = previous.find(path);
        if (entry < 0 || !previous.statEquals(entry, stat)) {
            return null;
        }
        long safeBefore = previousTimestampNanos - granularityNanos;
        if (stat.mtimeNanos() >= safeBefore || stat.ctimeNanos() >= safeBefore) {
            return null; // racy: changed within a timestamp tick of the last snapshot
        }
        if (previous.keep(entry)) { // no lock: status walks call this from many threads at once
            hits.incrementAndGet();
        }
        return previous.digest(entry);
    }

    /**
     * Returns the digest remembered for a file under another path whose bytes cannot have changed since (a move), and
     * records it under the new path; null to hash. Call it after {@link #lookupAndRecord} missed. The previous
     * snapshot's entries of the same device and inode are candidates; one is trusted only if its size, mtime and
     * executable bit are the file's, it was not racy when recorded, and either
     *
     * <ol>
     *   <li>the file's ctime is the one recorded: nothing changed the inode since, wherever its names are now (a
     *       renamed directory leaves its files' ctimes alone; some filesystems leave them on a file's rename too).
     *       The path rule's own guarantee, for another name of the same inode; or
     *   <li>its ctime is later, but no later than the current mtime of the directory the recorded path was in. A
     *       rename sets the file's ctime and then the mtime of the directory it leaves, in one call (so ext4 does;
     *       the kernel's timestamps never go backwards; a filesystem that stamps the directory first, as tmpfs
     *       does, fails this test and the file is hashed: slower, never wrong); a write, truncate, chmod or
     *       utimes <em>after</em> the move sets the file's ctime past that directory's last change. So a same-size
     *       rewrite with a restored mtime done after the move is caught, and so is an inode reused for a new file
     *       after the recorded one was deleted: its creation and writes come after the unlink that changed the old
     *       directory.
     * </ol>
     *
     * <p>Not caught, because stat cannot tell it from a plain move (ctime is the only trace of a rewrite that
     * restores the mtime, and a rename overwrites it): a same-size in-place rewrite that restores the mtime <em>and
     * is followed</em>, before the next snapshot, by a move of that file or by another change to the directory the
     * file left (or happens within the same timestamp tick as that directory's last change). The same holds for a
     * new file in another directory that reuses a deleted one's inode with the deleted one's exact size and mtime
     * (ns), under those conditions. Within one directory a rename must be strictly older than the directory's last
     * change (see {@link #explainedByMove}), so a file renamed there within the last tick is hashed. Tools that write a copy and rename it (editors, {@code sed -i}, {@code rsync} without
     * {@code --inplace}) give the file a new inode and are always caught; switch the stat cache off where files are
     * rewritten in place with forged mtimes. Same-path entries are never matched here: a file changed in place
     * (same path and inode, another ctime) is hashed.
     */
    @Nullable
    Digest lookupMovedAndRecord(String path, FileStat stat, DirectoryTimes directories) {
        if (previous.size() == 0) {
            return null;
        }
        int atPath = previous.find(path);
        if (atPath >= 0 && previous.sameInode(atPath, stat)) {
            return null; // changed in place
        }
        int[] candidates;
        synchronized (this) {
            candidates = previous.entriesOf(stat.device(), stat.inode());
        }
        long safeBefore = previousTimestampNanos - granularityNanos;
        for (int entry : candidates) {
            if (!previous.sameBytesKey(entry, stat)
                    || previous.mtimeNanos(entry) >= safeBefore
                    || previous.ctimeNanos(entry) >= safeBefore) {
                continue;
            }
            long recordedCtime = previous.ctimeNanos(entry);
            String left = parentOf(previous.path(entry));
            boolean trusted = stat.ctimeNanos() == recordedCtime
                    || (stat.ctimeNanos() > recordedCtime
                            && explainedByMove(stat.ctimeNanos(), left, path, directories));
            if (trusted) {
                Digest digest = previous.digest(entry);
                record(path, stat, digest);
                synchronized (this) {
                    moveHits++;
                }
                return digest;
            }
        }
        return null;
    }

    /**
     * Whether a file's new ctime is no later than the last change of the directory it left. Within one directory,
     * strictly earlier: there a file created after a delete (which may get the deleted inode) stamps the directory
     * first and itself after, a rename the other way round, and within one timestamp tick the two look alike.
     */
    private static boolean explainedByMove(long ctime, String left, String path, DirectoryTimes directories) {
        long changed = directories.mtimeNanos(left);
        return left.equals(parentOf(path)) ? ctime < changed : ctime <= changed;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** How many files {@link #lookupMovedAndRecord} matched under a new path. */
    synchronized int moveHits() {
        return moveHits;
    }

    /**
     * Records a file's stat key and digest for the next snapshot; at most once per path (a snapshot visits each
     * file once). A path longer than 65,535 UTF-8 bytes is not cached.
     */
    synchronized void record(String path, FileStat stat, Digest digest) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 0xffff) {
            current.add(utf8, stat, digest);
        }
    }

    /** Drops what this snapshot recorded without saving it (a snapshot that failed); saving does it too. */
    synchronized void discard() {
        current.close();
    }

    int hits() {
        return hits.get();
    }

    /**
     * Returns the root tree of the snapshot that saved this cache, whose subtrees are every tree the cache remembers;
     * null if none is remembered.
     */
    @Nullable
    Digest previousRoot() {
        TreeEntry root = previousTrees.get("");
        return root == null ? null : root.tree();
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
        try {
            saveOnce(file, timestampNanos);
        } finally {
            current.close();
        }
    }

    private void saveOnce(Path file, long timestampNanos) throws IOException {
        if (current.failed()) {
            return; // the scratch file could not be written: the cache on disk still tells no lies, keep it
        }
        if (hits.get() == previous.size()
                && current.count() == 0
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
            out.writeInt(hits.get() + current.count());
            previous.writeKept(out); // hits are never recorded again, so no path is written twice
            current.writeTo(out);
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

    /**
     * The file entries recorded in this snapshot, in the cache file's own format (path length, path, stat key, hash),
     * appended through a 64 KiB buffer to a scratch file that has no name (opened with {@code DELETE_ON_CLOSE}: on
     * Unix it is unlinked at once, so a killed process leaves nothing behind), in the cache's directory. A write
     * that fails stops the recording: that snapshot then saves no cache, and the previous one stays.
     */
    private static final class RecordedEntries {
        /** The largest entry: a path of 65,535 bytes. */
        private static final int BUFFER_BYTES = 2 + 0xffff + FILE_FIELDS;

        private final Path directory;
        private @Nullable FileChannel scratch;
        private @Nullable ByteBuffer buffer;
        private int count;
        private boolean failed;

        RecordedEntries(Path directory) {
            this.directory = directory;
        }

        void add(byte[] path, FileStat stat, Digest digest) {
            if (failed) {
                return;
            }
            try {
                ByteBuffer out = buffer();
                if (out.remaining() < 2 + path.length + FILE_FIELDS) {
                    spill();
                }
                out.putShort((short) path.length)
                        .put(path)
                        .putLong(stat.device())
                        .putLong(stat.inode())
                        .putLong(stat.size())
                        .putLong(stat.mtimeNanos())
                        .putLong(stat.ctimeNanos())
                        .put((byte) (stat.executable() ? 1 : 0))
                        .put(digest.toBytes());
                count++;
            } catch (IOException e) {
                LOG.debug("cannot write the stat cache's scratch file in {}", Redaction.redact(directory), e);
                failed = true;
                close();
            }
        }

        private ByteBuffer buffer() {
            if (buffer == null) {
                buffer = ByteBuffer.allocate(BUFFER_BYTES);
            }
            return buffer;
        }

        /** Moves the buffered entries to the scratch file, opening it on first use. */
        private void spill() throws IOException {
            ByteBuffer out = buffer();
            if (scratch == null) {
                Files.createDirectories(directory);
                Path file = Files.createTempFile(directory, "stat-cache.", ".records");
                scratch = FileChannel.open(
                        file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            }
            out.flip();
            while (out.hasRemaining()) {
                scratch.write(out);
            }
            out.clear();
        }

        int count() {
            return count;
        }

        boolean failed() {
            return failed;
        }

        void writeTo(OutputStream out) throws IOException {
            ByteBuffer in = buffer();
            if (scratch != null) {
                spill();
                long size = scratch.position();
                byte[] chunk = in.array();
                for (long at = 0; at < size; ) {
                    in.clear().limit((int) Math.min(chunk.length, size - at));
                    int n = scratch.read(in, at);
                    if (n < 0) {
                        throw new IOException("the stat cache's scratch file ended early");
                    }
                    out.write(chunk, 0, n);
                    at += n;
                }
                in.clear();
            } else {
                out.write(in.array(), 0, in.position());
            }
        }

        void close() {
            buffer = null;
            count = 0;
            if (scratch != null) {
                try {
                    scratch.close();
                } catch (IOException e) {
                    LOG.debug("cannot close the stat cache's scratch file", e);
                }
                scratch = null;
            }
        }
    }

    /**
     * The previous snapshot's file entries, left in the cache file's bytes: {@code offsets[i]} is where entry
     * {@code i} starts (its path length), and {@code slots} an open-addressing table (linear probing, at most half
     * full) of entry numbers plus one, keyed by a hash of the path's UTF-8 bytes. Lookups and {@link #keep} are
     * thread-safe; the cache guards {@link #entriesOf}.
     */
    private static final class FileIndex {
        static final FileIndex EMPTY = new FileIndex(ByteBuffer.allocate(0), new int[0]);
        private static final byte[] NO_KEY = new byte[0];
        private static final VarHandle KEPT = MethodHandles.arrayElementVarHandle(boolean[].class);

        /** The cache file, mapped; absolute reads only, which are thread-safe. */
        private final ByteBuffer bytes;

        private final int[] offsets;
        private final int[] slots;
        private final boolean[] kept;
        /** Like {@link #slots}, keyed by device and inode; built on the first lookup of a moved file. */
        private int @Nullable [] inodeSlots;

        FileIndex(ByteBuffer bytes, int[] offsets) {
            this.bytes = bytes;
            this.offsets = offsets;
            this.kept = new boolean[offsets.length];
            this.slots = new int[Math.max(2, Integer.highestOneBit(Math.max(1, offsets.length)) << 2)];
            int mask = slots.length - 1;
            for (int i = 0; i < offsets.length; i++) {
                int length = pathLength(i);
                int slot = hash(bytes, NO_KEY, offsets[i] + 2, length) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = i + 1;
            }
        }

        int size() {
            return offsets.length;
        }

        /** Returns the entry of a path, or -1. A later entry of the same path (a damaged file) is never found. */
        int find(String path) {
            if (offsets.length == 0) {
                return -1;
            }
            byte[] key = path.getBytes(StandardCharsets.UTF_8);
            int mask = slots.length - 1;
            for (int slot = hash(null, key, 0, key.length) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
                int entry = slots[slot] - 1;
                int start = offsets[entry] + 2;
                if (pathLength(entry) == key.length && samePath(start, key)) {
                    return entry;
                }
            }
            return -1;
        }

        private boolean samePath(int start, byte[] key) {
            for (int i = 0; i < key.length; i++) {
                if (bytes.get(start + i) != key[i]) {
                    return false;
                }
            }
            return true;
        }

        boolean sameInode(int entry, FileStat stat) {
            int at = fieldsOf(entry);
            return getLong(at) == stat.device() && getLong(at + 8) == stat.inode();
        }

        /** Whether size, mtime and executable bit match: what must hold for the bytes to be the recorded ones. */
        boolean sameBytesKey(int entry, FileStat stat) {
            int at = fieldsOf(entry);
            return getLong(at + 16) == stat.size()
                    && getLong(at + 24) == stat.mtimeNanos()
                    && (bytes.get(at + 40) != 0) == stat.executable();
        }

        long mtimeNanos(int entry) {
            return getLong(fieldsOf(entry) + 24);
        }

        long ctimeNanos(int entry) {
            return getLong(fieldsOf(entry) + 32);
        }

        String path(int entry) {
            byte[] path = new byte[pathLength(entry)];
            bytes.get(offsets[entry] + 2, path);
            return new String(path, StandardCharsets.UTF_8);
        }

        /** Returns the entries of an inode (more than one for hard links); not thread-safe. */
        int[] entriesOf(long device, long inode) {
            int[] table = inodeSlots;
            if (table == null) {
                table = new int[slots.length];
                for (int i = 0; i < offsets.length; i++) {
                    int at = fieldsOf(i);
                    int slot = inodeHash(getLong(at), getLong(at + 8)) & (table.length - 1);
                    while (table[slot] != 0) {
                        slot = (slot + 1) & (table.length - 1);
                    }
                    table[slot] = i + 1;
                }
                inodeSlots = table;
            }
            int[] found = new int[0];
            int mask = table.length - 1;
            for (int slot = inodeHash(device, inode) & mask; table[slot] != 0; slot = (slot + 1) & mask) {
                int entry = table[slot] - 1;
                int at = fieldsOf(entry);
                if (getLong(at) == device && getLong(at + 8) == inode) {
                    found = Arrays.copyOf(found, found.length + 1);
                    found[found.length - 1] = entry;
                }
            }
            return found;
        }

        private static int inodeHash(long device, long inode) {
            long h = (inode * 0x9E3779B97F4A7C15L) ^ (device * 0xC2B2AE3D27D4EB4FL);
            return (int) (h ^ (h >>> 32));
        }

        boolean statEquals(int entry, FileStat stat) {
            int at = fieldsOf(entry);
            return getLong(at) == stat.device()
                    && getLong(at + 8) == stat.inode()
                    && getLong(at + 16) == stat.size()
                    && getLong(at + 24) == stat.mtimeNanos()
                    && getLong(at + 32) == stat.ctimeNanos()
                    && (bytes.get(at + 40) != 0) == stat.executable();
        }

        Digest digest(int entry) {
            byte[] hash = new byte[32];
            bytes.get(fieldsOf(entry) + 41, hash);
            return Digest.ofHash(hash);
        }

        /** Marks an entry to be written again; returns false if it was marked already. Thread-safe. */
        boolean keep(int entry) {
            return KEPT.compareAndSet(kept, entry, false, true);
        }

        void writeKept(DataOutputStream out) throws IOException {
            byte[] entry = new byte[2 + 0xffff + FILE_FIELDS];
            for (int i = 0; i < offsets.length; i++) {
                if (kept[i]) {
                    int length = 2 + pathLength(i) + FILE_FIELDS;
                    bytes.get(offsets[i], entry, 0, length);
                    out.write(entry, 0, length);
                }
            }
        }

        private int pathLength(int entry) {
            return Short.toUnsignedInt(bytes.getShort(offsets[entry]));
        }

        private int fieldsOf(int entry) {
            return offsets[entry] + 2 + pathLength(entry);
        }

        private long getLong(int at) {
            return bytes.getLong(at);
        }

        /** FNV-1a of a path's UTF-8 bytes, read from {@code bytes} (null: from {@code key}). */
        private static int hash(@Nullable ByteBuffer bytes, byte[] key, int from, int length) {
            int h = 0x811c9dc5;
            for (int i = from; i < from + length; i++) {
                h = (h ^ (bytes == null ? key[i] : bytes.get(i))) * 0x01000193;
            }
            return h ^ (h >>> 16);
        }
    }
}
