package org.mlops4j.store;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.mlops4j.ConflictException;
import org.mlops4j.IntegrityException;
import org.mlops4j.MlopsException;
import org.mlops4j.NotFoundException;
import org.mlops4j.Page;
import org.mlops4j.lake.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} in a directory on a local filesystem, safe for many threads and processes on one host.
 *
 * <ul>
 *   <li>Content is written to a temp file while it is hashed, then renamed into place.
 *   <li>Records are written to a temp file and hard-linked into place: {@code link()} fails if the name exists, so
 *       a record is never replaced and never seen half-written.
 *   <li>Pointers move under an in-JVM striped lock plus an {@code fcntl} lock on a dedicated lock file; the tag is a
 *       generation counter kept in a one-line header of the pointer's file.
 *   <li>Temp files left by killed processes are removed when a store is opened.
 * </ul>
 *
 * <p>By default a write survives a killed process but not a power loss; {@link Builder#durableWrites(boolean)}
 * fsyncs contents, then records, then their directories. The store refuses network and FAT filesystems and
 * case-insensitive ones, where {@code link()}, locks or key uniqueness are not reliable: share a lake between
 * machines through Azure Blob instead.
 *
 * <p>Thread-safe. Example:
 *
 * <pre>{@code
 * try (LocalObjectStore store = LocalObjectStore.builder().root(Path.of("lake")).build()) {
 *     ContentInfo info = store.putContent(new ByteArrayInputStream(bytes));
 * }
 * }</pre>
 */
public final class LocalObjectStore implements ObjectStore {
    /** Step: content bytes are in a temp file, not yet renamed into place. */
    public static final String STEP_CONTENT_WRITTEN = "content.temp-written";
    /** Step: content renamed into place. */
    public static final String STEP_CONTENT_COMMITTED = "content.committed";
    /** Step: a record's bytes are in a temp file, not yet linked. */
    public static final String STEP_RECORD_WRITTEN = "record.temp-written";
    /** Step: a record linked into place. */
    public static final String STEP_RECORD_COMMITTED = "record.committed";
    /** Step: a pointer's new bytes are in a temp file, the locks held. */
    public static final String STEP_POINTER_WRITTEN = "pointer.temp-written";
    /** Step: a pointer renamed into place, the locks still held. */
    public static final String STEP_POINTER_MOVED = "pointer.moved";

    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectStore.class);
    private static final byte[] POINTER_MAGIC = "\0mlops4j-pointer ".getBytes(StandardCharsets.US_ASCII);
    private static final int LOCK_STRIPES = 64;
    private static final long LOCK_POLL_MIN_NANOS = 2_000;
    private static final long LOCK_POLL_MAX_NANOS = 1_000_000;
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final Duration STALE_TEMP_AGE = Duration.ofHours(24);
    private static final Set<String> UNSAFE_FILESYSTEMS = Set.of(
            "nfs",
            "nfs4",
            "cifs",
            "smb",
            "smb2",
            "smb3",
            "smbfs",
            "9p",
            "afs",
            "vfat",
            "msdos",
            "fat",
            "exfat",
            "fuse.sshfs",
            "sshfs",
            "fuse.s3fs",
            "fuse.gcsfuse",
            "fuse.blobfuse",
            "davfs",
            "ncpfs");
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);
    /** Buffers per content write, so that reading and writing run ahead of hashing by up to three chunks. */
    private static final int RING_SIZE = 4;
    /** Bytes per in-kernel copy of a large file: the hasher follows one such step behind. */
    private static final long TRANSFER_BYTES = 8L * 1024 * 1024;
    /** Each thread's buffers for content writes: direct ones for channels, heap ones for streams. */
    private static final ThreadLocal<Chunk[]> DIRECT_RINGS = ThreadLocal.withInitial(() -> ring(true));

    private static final ThreadLocal<Chunk[]> HEAP_RINGS = ThreadLocal.withInitial(() -> ring(false));

    private final Path root;
    private final boolean defaultFileSystem;
    private final Path tempDir;
    private final boolean durable;
    private final BiConsumer<String, StoreKey> stepListener;
    private final SharedLocks locks;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<Path> knownDirectories = ConcurrentHashMap.newKeySet();
    private final AtomicLong tempCounter = new AtomicLong();
    private final String tempPrefix;
    private final int staleTempFilesRemoved;
    /** Hash large contents while the writing thread copies them; threads end after a minute idle. */
    private final ExecutorService hashers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "mlops4j-store-hasher");
        thread.setDaemon(true);
        return thread;
    });

    private LocalObjectStore(Builder builder) {
        this.root = builder.root.toAbsolutePath().normalize();
        this.defaultFileSystem = root.getFileSystem() == FileSystems.getDefault();
        this.durable = builder.durable;
        this.stepListener = builder.stepListener;
        Path internal = root.resolve(StoreKey.RESERVED_ROOT);
        this.tempDir = internal.resolve("tmp");
        this.tempPrefix = ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()) + "-";
        try {
            Files.createDirectories(tempDir);
            Files.createDirectories(internal.resolve("locks"));
            checkFilesystem();
            this.staleTempFilesRemoved = removeStaleTempFiles();
            this.locks = SharedLocks.acquire(internal.resolve("locks"));
        } catch (IOException e) {
            throw new MlopsException("cannot open the local object store at " + root + ": " + e, e);
        }
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens a store with default settings.
     *
     * @param root the lake's directory, created if absent
     * @return the store
     * @throws MlopsException if the directory cannot be used (unwritable, a network or FAT filesystem)
     */
    public static LocalObjectStore open(Path root) {
        return builder().root(root).build();
    }

    /** Returns the lake's directory. */
    public Path getRoot() {
        return root;
    }

    /** Returns true when writes are fsynced before they are acknowledged. */
    public boolean isDurable() {
        return durable;
    }

    /** Returns how many temp files of dead processes were removed when this store was opened. */
    public int getStaleTempFilesRemoved() {
        return staleTempFilesRemoved;
    }

    @Override
    public ContentInfo putContent(InputStream content) {
        return writeContent(null, content);
    }

    @Override
    public ContentInfo putContent(Digest expected, InputStream content) {
        return writeContent(Objects.requireNonNull(expected, "expected"), content);
    }

    /**
     * Stores a channel's bytes; reads them into direct buffers, so they cross no Java heap array on their way from
     * the source file to the store's file, and hashes them on a second thread while they are written.
     */
    @Override
    public ContentInfo putContent(ReadableByteChannel content) {
        Objects.requireNonNull(content, "content");
        return writeContent(null, content::read, DIRECT_RINGS.get(), content instanceof FileChannel file ? file : null);
    }

    private ContentInfo writeContent(@Nullable Digest expected, InputStream content) {
        Objects.requireNonNull(content, "content");
        return writeContent(expected, buffer -> readInto(content, buffer), HEAP_RINGS.get(), null);
    }

    /**
     * Content that fits one buffer is hashed before anything is written, so content the store already holds costs
     * no temp file; larger content goes through {@link #writeWhileHashing}. Either way each byte is read once, and
     * what is hashed is what was written.
     */
    private ContentInfo writeContent(
            @Nullable Digest expected, ChunkReader reader, Chunk[] ring, @Nullable FileChannel sourceFile) {
        Path temp = null;
        boolean tempRenamed = false;
        try {
            Chunk first = ring[0];
            boolean more = first.fill(reader);
            MessageDigest sha = Digest.newSha256();
            long size;
            Digest digest;
            BasicFileAttributes existing;
            if (!more) {
                size = first.length;
                first.hashInto(sha);
                digest = Digest.ofHash(sha.digest());
                requireExpected(expected, digest, size);
                existing = findExisting(digest);
                if (existing != null && existing.size() == size) {
                    return new ContentInfo(digest, size, false);
                }
                temp = newTempPath();
                try (FileChannel out =
                        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    writeFully(out, first.io);
                    if (durable) {
                        out.force(true);
                    }
                }
            } else {
                temp = newTempPath();
                size = sourceFile != null
                        ? copyThenHash(sourceFile, ring, temp, sha)
                        : writeWhileHashing(reader, ring, temp, sha);
                digest = Digest.ofHash(sha.digest());
                requireExpected(expected, digest, size);
                existing = findExisting(digest);
            }
            StoreKey key = ObjectStore.contentKey(digest);
            stepListener.accept(STEP_CONTENT_WRITTEN, key);
            if (existing != null && existing.size() == size) {
                return new ContentInfo(digest, size, false);
            }
            if (existing != null) {
                LOG.warn("repairing content {}: {} bytes on disk, {} expected", digest, existing.size(), size);
            }
            moveIntoPlace(key, temp, pathOf(key));
            tempRenamed = true;
            stepListener.accept(STEP_CONTENT_COMMITTED, key);
            return new ContentInfo(digest, size, true);
        } catch (IOException e) {
            throw new MlopsException("cannot store content in " + root + ": " + e, e);
        } finally {
            if (temp != null && !tempRenamed) { // once renamed the name is gone: deleting it would cost a failing lstat
                deleteQuietly(temp);
            }
        }
    }

    private static void requireExpected(@Nullable Digest expected, Digest digest, long size) {
        if (expected != null && !expected.equals(digest)) {
            throw new IntegrityException("content does not match its expected digest: expected " + expected + ", got "
                    + digest + " (" + size + " bytes); nothing was stored");
        }
    }

    private @Nullable BasicFileAttributes findExisting(Digest digest) {
        Path target = pathOf(ObjectStore.contentKey(digest));
        return certainlyAbsent(target) ? null : readAttributes(target);
    }

    /**
     * Writes the content into {@code temp} while a hasher thread hashes each chunk already read: SHA-256 runs at
     * about the speed of the copy, so overlapping them nearly halves the time for large files. {@code ring[0]}
     * holds the first chunk. Chunk {@code j} uses {@code ring[j % ring.length]}; the semaphore holds one permit per
     * buffer that neither thread uses, so a buffer is refilled only after the hasher is done with it (the writer is
     * done with it already: it writes in order). Always waits for the hasher, because the ring belongs to this
     * thread and the next write reuses it.
     *
     * @return the number of bytes written
     */
    private long writeWhileHashing(ChunkReader reader, Chunk[] ring, Path temp, MessageDigest sha) throws IOException {
        BlockingQueue<Chunk> toHash = new ArrayBlockingQueue<>(ring.length + 1); // every chunk, plus the end
        Semaphore free = new Semaphore(ring.length - 1);
        Future<?> hasher = startHasher(toHash, free, sha);
        long size = 0;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Chunk chunk = ring[0]; // full, so more may follow
            boolean more = true;
            for (int j = 1; ; j++) {
                if (chunk.length > 0) {
                    size += chunk.length;
                    toHash.add(chunk); // never full: at most ring.length chunks are out, plus the end
                    writeFully(out, chunk.io);
                }
                if (!more) {
                    break;
                }
                acquire(free, hasher);
                chunk = ring[j % ring.length];
                more = chunk.fill(reader);
            }
            if (durable) {
                out.force(true);
            }
        } finally {
            toHash.add(Chunk.END);
            awaitHasher(hasher);
        }
        return size;
    }
    /**
     * Large content from a file: the kernel copies the rest of the file into {@code temp} ({@code transferTo}, which
     * Linux does with sendfile, without passing the bytes through this process); a reader thread reads what has
     * landed in {@code temp} back from the page cache into the ring, and the hasher hashes it. So what is hashed is
     * what is stored, even if the source changes meanwhile, and the source is read once. Why: on some VMs, writing
     * from user memory costs several times the kernel time of an in-kernel copy (2 GiB: 0.8 to 4.8 s of system time
     * from run to run, against a steady 0.6 s). The ring works as in {@link #writeWhileHashing}; {@code ring[0]} holds
     * the first chunk, already read. Three threads, so that the hasher, the slowest, only hashes.
     *
     * @return the number of bytes written
     */
    private long copyThenHash(FileChannel source, Chunk[] ring, Path temp, MessageDigest sha) throws IOException {
        BlockingQueue<Chunk> toHash = new ArrayBlockingQueue<>(ring.length + 1); // every chunk, plus the end
        Semaphore free = new Semaphore(ring.length - 1);
        Future<?> hasher = startHasher(toHash, free, sha);
        try (FileChannel out = FileChannel.open(
                temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Chunk first = ring[0];
            long start = first.length;
            toHash.add(first);
            writeFully(out, first.io);
            BlockingQueue<Long> copiedUpTo = new LinkedBlockingQueue<>(); // ends with -1
            Future<?> reader = hashers.submit(() -> {
                long queued = start;
                int j = 1;
                for (long end = copiedUpTo.take(); end >= 0; end = copiedUpTo.take()) {
                    while (queued < end) {
                        acquire(free, hasher);
                        Chunk chunk = ring[j++ % ring.length];
                        chunk.fillFrom(out, queued, (int) Math.min(BUFFER_SIZE, end - queued));
                        toHash.add(chunk);
                        queued += chunk.length;
                    }
                }
                return null;
            });
            long sourceStart = source.position();
            long size = start;
            try {
                for (long n; (n = source.transferTo(sourceStart + size - start, TRANSFER_BYTES, out)) > 0; ) {
                    size += n;
                    copiedUpTo.add(size);
                }
                if (durable) {
                    out.force(true);
                }
            } finally {
                copiedUpTo.add(-1L);
                awaitHasher(reader);
            }
            return size;
        } finally {
            toHash.add(Chunk.END);
            awaitHasher(hasher);
        }
    }

    /** Hashes the chunks of {@code toHash} in order until {@link Chunk#END}, releasing a permit after each. */
    private Future<?> startHasher(BlockingQueue<Chunk> toHash, Semaphore free, MessageDigest sha) {
        return hashers.submit(() -> {
            for (Chunk chunk = toHash.take(); chunk != Chunk.END; chunk = toHash.take()) {
                chunk.hashInto(sha);
                free.release();
            }
            return null;
        });
    }

    /** Takes a free buffer's permit; fails if the hasher ended early (it never does unless it failed). */
    private static void acquire(Semaphore free, Future<?> hasher) throws IOException {
        try {
            while (!free.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (hasher.isDone()) {
                    awaitHasher(hasher);
                    throw new IllegalStateException("the hasher ended before the content did");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing content");
        }
    }

    /** Waits for the hasher, even when interrupted: it still reads this thread's buffers until it ends. */
    private static void awaitHasher(Future<?> hasher) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    hasher.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new MlopsException("hashing content failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads into a buffer from its position, as a channel would. */
    @FunctionalInterface
    private interface ChunkReader {
        int read(ByteBuffer into) throws IOException;
    }

    /** Reads into a heap buffer's array directly (no intermediate copy). */
    private static int readInto(InputStream in, ByteBuffer buffer) throws IOException {
        int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        if (n > 0) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }

    private static Chunk[] ring(boolean direct) {
        Chunk[] ring = new Chunk[RING_SIZE];
        for (int i = 0; i < RING_SIZE; i++) {
            ring[i] = direct
                    ? new Chunk(ByteBuffer.allocateDirect(BUFFER_SIZE), new byte[BUFFER_SIZE])
                    : Chunk.onHeap(new byte[BUFFER_SIZE]);
        }
        return ring;
    }

    /**
     * One buffer of a content write: {@code io} is read into and written from, {@code hashed} holds the same bytes
     * for the hasher. A direct {@code io} is copied into {@code hashed} in one bulk copy by the reading thread, so
     * that the hasher, the slower side, only hashes (the JDK would copy a direct buffer into 4 KiB arrays for it);
     * a heap {@code io} shares its array. Used by one write at a time: its thread, then the hasher.
     */
    private static final class Chunk {
        /** Ends the hasher's queue. */
        static final Chunk END = onHeap(new byte[0]);

        final ByteBuffer io;
        final byte[] hashed;
        /** The bytes read by the last {@link #fill}. */
        int length;

        Chunk(ByteBuffer io, byte[] hashed) {
            this.io = io;
            this.hashed = hashed;
        }

        static Chunk onHeap(byte[] array) {
            return new Chunk(ByteBuffer.wrap(array), array);
        }

        /**
         * Fills the buffer, flips it for writing and mirrors it for hashing.
         *
         * @return true if it is full, so more may follow; false at the end of the content
         */
        boolean fill(ChunkReader reader) throws IOException {
            io.clear();
            boolean full = true;
            while (io.hasRemaining()) {
                if (reader.read(io) < 0) {
                    full = false;
                    break;
                }
            }
            io.flip();
            length = io.remaining();
            if (io.isDirect()) {
                io.get(0, hashed, 0, length);
            }
            return full;
        }

        /** Reads {@code length} bytes of a file from {@code position} and mirrors them for hashing. */
        void fillFrom(FileChannel file, long position, int length) throws IOException {
            io.clear().limit(length);
            while (io.hasRemaining()) {
                if (file.read(io, position + io.position()) < 0) {
                    throw new IOException("the file ends at " + (position + io.position()) + ", before the "
                            + (position + length) + " bytes copied into it");
                }
            }
            io.flip();
            this.length = length;
            io.get(0, hashed, 0, length);
        }

        void hashInto(MessageDigest sha) {
            sha.update(hashed, 0, length);
        }
    }

    @Override
    public Optional<ContentInfo> findContent(Digest digest) {
        BasicFileAttributes attributes = readAttributes(pathOf(ObjectStore.contentKey(digest)));
        return attributes == null ? Optional.empty() : Optional.of(new ContentInfo(digest, attributes.size(), false));
    }

    @Override
    public InputStream openContent(Digest digest) {
        Path path = pathOf(ObjectStore.contentKey(digest));
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw contentNotFound(digest, e);
        } catch (IOException e) {
            throw new MlopsException("cannot read content " + digest + " at " + path + ": " + e, e);
        }
    }

    @Override
    public InputStream openContent(Digest digest, long offset, long length) {
        ContentRange.check(offset, length);
        Path path = pathOf(ObjectStore.contentKey(digest));
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            return ContentRange.limit(Channels.newInputStream(channel.position(offset)), length);
        } catch (NoSuchFileException e) {
            throw contentNotFound(digest, e);
        } catch (IOException e) {
            throw new MlopsException("cannot read content " + digest + " at " + path + ": " + e, e);
        }
    }

    private NotFoundException contentNotFound(Digest digest, NoSuchFileException e) {
        return new NotFoundException(
                "no content " + digest + " in the lake at " + root
                        + "; it was never stored there, or was garbage-collected",
                e);
    }

    @Override
    public boolean createIfAbsent(StoreKey key, byte[] bytes) {
        requireRecordKey(key);
        if (startsWithPointerMagic(bytes)) {
            throw new IllegalArgumentException("record bytes for '" + key
                    + "' start with the store's reserved pointer header; records cannot start with a NUL byte"
                    + " followed by 'mlops4j-pointer'");
        }
        if (isRegularFileQuietly(pathOf(key))) {
            return false; // exists: no temp file to write, link and delete (a re-snapshot re-offers every tree)
        }
        Path temp = newTempPath();
        try {
            writeFile(temp, null, bytes);
            stepListener.accept(STEP_RECORD_WRITTEN, key);
            Path target = pathOf(key);
            try {
                linkIntoPlace(key, target, temp);
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw folderConflict(key);
                }
                return false;
            }
            if (durable) {
                fsyncDirectory(target.getParent());
            }
            stepListener.accept(STEP_RECORD_COMMITTED, key);
            return true;
        } catch (IOException e) {
            throw new MlopsException("cannot create record '" + key + "' in " + root + ": " + e, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        requireRecordKey(key);
        Objects.requireNonNull(bytes, "bytes");
        int stripe = Math.floorMod(key.value().hashCode(), LOCK_STRIPES);
        ReentrantLock lock = locks.stripes[stripe];
        lock.lock();
        Path temp = newTempPath();
        try (FileLock ignored = lockStripe(stripe)) {
            Optional<StoredObject> current = find(key);
            if (expected == null
                    ? current.isPresent()
                    : current.isEmpty() || !current.get().getTag().equals(expected)) {
                return Optional.empty();
            }
            long generation =
                    current.map(o -> Long.parseLong(o.getTag().value())).orElse(0L) + 1;
            Path target = pathOf(key);
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw folderConflict(key);
            }
            writeFile(temp, generation, bytes);
            stepListener.accept(STEP_POINTER_WRITTEN, key);
            moveIntoPlace(key, temp, target);
            stepListener.accept(STEP_POINTER_MOVED, key);
            return Optional.of(new ObjectTag(Long.toString(generation)));
        } catch (IOException e) {
            throw new MlopsException("cannot move pointer '" + key + "' in " + root + ": " + e, e);
        } finally {
            deleteQuietly(temp);
            lock.unlock();
        }
    }

    /**
     * Takes the cross-process lock of a stripe; the caller holds the stripe's in-JVM lock. Polls with
     * {@code tryLock} ({@code F_SETLK}) instead of blocking in {@code lock} ({@code F_SETLKW}): the kernel's deadlock
     * detection for POSIX locks sees each process as one owner, so when one thread of process A holds stripe X while
     * another waits for stripe Y, and process B does the reverse, {@code F_SETLKW} fails with {@code EDEADLK}
     * ("Resource deadlock avoided") although no thread waits for itself. Locks are held for a read, a small write
     * and a rename, so short pauses suffice.
     */
    private FileLock lockStripe(int stripe) throws IOException {
        long pauseNanos = LOCK_POLL_MIN_NANOS;
        while (true) {
            FileLock lock = locks.channel.tryLock(stripe, 1, false);
            if (lock != null) {
                return lock;
            }
            LockSupport.parkNanos(pauseNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for pointer lock stripe " + stripe);
            }
            pauseNanos = Math.min(pauseNanos * 2, LOCK_POLL_MAX_NANOS);
        }
    }

    @Override
    public Optional<StoredObject> find(StoreKey key) {
        byte[] raw;
        Path path = pathOf(key);
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty(); // a folder of other keys, not an object
            }
            throw new MlopsException("cannot read '" + key + "' in " + root + ": " + e, e);
        }
        if (!startsWithPointerMagic(raw)) {
            return Optional.of(new StoredObject(key, raw, new ObjectTag("0")));
        }
        int newline = indexOf(raw, (byte) '\n', POINTER_MAGIC.length);
        String generation = newline < 0
                ? ""
                : new String(raw, POINTER_MAGIC.length, newline - POINTER_MAGIC.length, StandardCharsets.US_ASCII);
        if (!generation.matches("[1-9][0-9]{0,18}")) {
            throw new IntegrityException("pointer '" + key + "' in " + root + " has a damaged header; restore it from"
                    + " its history under the pointer's log, or delete it to start over");
        }
        return Optional.of(
                new StoredObject(key, Arrays.copyOfRange(raw, newline + 1, raw.length), new ObjectTag(generation)));
    }

    @Override
    public boolean exists(StoreKey key) {
        BasicFileAttributes attributes = readAttributes(pathOf(key));
        return attributes != null && attributes.isRegularFile();
    }

    @Override
    public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
        Objects.requireNonNull(prefix, "prefix");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be >= 1, got " + maxResults);
        }
        if (prefix.contains("\\") || prefix.contains("\0") || prefix.startsWith("/")) {
            throw new IllegalArgumentException(
                    "invalid list prefix '" + prefix + "': no backslash, NUL or leading '/'");
        }
        if (continuationToken != null) {
            StoreKey token = new StoreKey(continuationToken);
            if (!token.value().startsWith(prefix)) {
                throw new IllegalArgumentException(
                        "continuation token '" + continuationToken + "' was not issued for prefix '" + prefix + "'");
            }
        }
        int slash = prefix.lastIndexOf('/');
        String directoryPart = slash < 0 ? "" : prefix.substring(0, slash);
        if (!directoryPart.isEmpty()) {
            for (String segment : directoryPart.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    return new Page<>(List.of(), null);
                }
            }
        }
        List<StoreKey> found = new ArrayList<>();
        Path start = directoryPart.isEmpty() ? root : root.resolve(directoryPart);
        String startKeyPrefix = directoryPart.isEmpty() ? "" : directoryPart + "/";
        try {
            walk(start, startKeyPrefix, prefix, continuationToken, maxResults + 1, found);
        } catch (IOException e) {
            throw new MlopsException("cannot list '" + prefix + "' in " + root + ": " + e, e);
        }
        if (found.size() > maxResults) {
            List<StoreKey> page = found.subList(0, maxResults);
            return new Page<>(page, page.get(maxResults - 1).value());
        }
        return new Page<>(found, null);
    }

    /** Depth-first, each directory sorted so that the keys come out in ascending UTF-8 order. */
    private void walk(Path dir, String keyPrefix, String prefix, @Nullable String after, int limit, List<StoreKey> out)
            throws IOException {
        record Entry(String name, String sortKey, boolean directory) {}
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                if (keyPrefix.isEmpty() && name.equals(StoreKey.RESERVED_ROOT)) {
                    continue;
                }
                boolean directory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
                entries.add(new Entry(name, directory ? name + "/" : name, directory));
            }
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return;
        }
        entries.sort((a, b) -> StoreKey.compareUtf8(a.sortKey(), b.sortKey()));
        for (Entry entry : entries) {
            if (out.size() >= limit) {
                return;
            }
            String key = keyPrefix + entry.sortKey();
            if (!couldMatch(key, prefix, entry.directory())) {
                continue;
            }
            if (after != null
                    && StoreKey.compareUtf8(key, after) <= 0
                    && !(entry.directory() && after.startsWith(key))) {
                continue;
            }
            if (entry.directory()) {
                walk(dir.resolve(entry.name()), key, prefix, after, limit, out);
            } else {
                out.add(new StoreKey(key));
            }
        }
    }

    private static boolean couldMatch(String key, String prefix, boolean directory) {
        return key.startsWith(prefix) || (directory && prefix.startsWith(key));
    }

    @Override
    public boolean delete(StoreKey key) {
        int stripe = Math.floorMod(key.value().hashCode(), LOCK_STRIPES);
        ReentrantLock lock = locks.stripes[stripe];
        lock.lock();
        try (FileLock ignored = lockStripe(stripe)) {
            return Files.deleteIfExists(pathOf(key));
        } catch (IOException e) {
            throw new MlopsException("cannot delete '" + key + "' in " + root + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks every stored object: each content file hashes to its name, each pointer header parses, and no temp
     * file of a dead process is left. Reads the whole lake: meant for tests, repairs and audits.
     *
     * @return what was checked, and every problem found
     */
    public StoreVerification verify() {
        List<String> problems = new ArrayList<>();
        long contents = 0;
        long others = 0;
        for (StoreKey key : list("")) {
            if (ObjectStore.isContentKey(key)) {
                contents++;
                Digest claimed;
                try {
                    claimed = new Digest(key.name());
                } catch (IllegalArgumentException e) {
                    problems.add("content key " + key + " is not named by a digest");
                    continue;
                }
                try (InputStream in = openContent(claimed)) {
                    Digest actual = hash(in);
                    if (!actual.equals(claimed)) {
                        problems.add("content " + key + " hashes to " + actual);
                    }
                } catch (IOException e) {
                    problems.add("content " + key + " cannot be read: " + e);
                }
            } else {
                others++;
                try {
                    var unused = find(key);
                } catch (MlopsException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDir)) {
            for (Path temp : temps) {
                if (isStale(temp)) {
                    problems.add("stale temp file " + temp.getFileName());
                }
            }
        } catch (IOException e) {
            problems.add("cannot read the temp directory: " + e);
        }
        return new StoreVerification(contents, others, problems);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            hashers.shutdown();
            locks.release();
        }
    }

    @Override
    public String toString() {
        return "LocalObjectStore{root=" + root + ", durable=" + durable + "}";
    }

    // --- files -----------------------------------------------------------------------------------------------

    private Path pathOf(StoreKey key) {
        return root.resolve(key.value());
    }

    private Path newTempPath() {
        return tempDir.resolve(tempPrefix + tempCounter.incrementAndGet() + ".tmp");
    }

    private void writeFile(Path path, @Nullable Long pointerGeneration, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (pointerGeneration != null) {
                byte[] header = (new String(POINTER_MAGIC, StandardCharsets.US_ASCII) + pointerGeneration + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
                writeFully(out, ByteBuffer.wrap(header));
            }
            writeFully(out, ByteBuffer.wrap(bytes));
            if (durable) {
                out.force(true);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private void linkIntoPlace(StoreKey key, Path target, Path temp) throws IOException {
        ensureParent(key, target);
        try {
            Files.createLink(target, temp);
        } catch (NoSuchFileException e) {
            knownDirectories.remove(target.getParent());
            ensureParent(key, target);
            Files.createLink(target, temp);
        }
    }

    private void moveIntoPlace(StoreKey key, Path temp, Path target) throws IOException {
        ensureParent(key, target);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            knownDirectories.remove(target.getParent());
            ensureParent(key, target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        if (durable) {
            fsyncDirectory(target.getParent());
        }
    }

    private void ensureParent(StoreKey key, Path target) throws IOException {
        Path parent = target.getParent();
        if (!knownDirectories.contains(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (FileAlreadyExistsException e) {
                throw folderConflict(key);
            }
            knownDirectories.add(parent);
        }
    }

    private static ConflictException folderConflict(StoreKey key) {
        return new ConflictException("cannot write '" + key + "': it is a folder of other keys, or one of its parent"
                + " folders is an object; keys form a tree (a/b and a/b/c cannot both exist), so choose another key");
    }

    private static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Tells cheaply that nothing is at {@code path}, the common case of {@link #putContent}; false means "look with
     * {@link #readAttributes}". On JDK 17, NIO reports a missing file only by throwing (a {@code UnixException}
     * created through JNI, then a {@code NoSuchFileException} with its stack trace), which costs two to three times
     * the {@code stat} itself; {@code java.io.File#exists()} returns false without an exception. It follows symbolic
     * links, so a dangling link also counts as absent and is renamed over, as the slow path would do after a
     * warning. Other filesystem providers (an in-memory one in tests) have no {@code File}: they take the slow path.
     */
    private boolean certainlyAbsent(Path path) {
        return defaultFileSystem && !path.toFile().exists();
    }

    private static @Nullable BasicFileAttributes readAttributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new MlopsException("cannot stat " + path + ": " + e, e);
        }
    }

    /** True if a regular file is there; false if not, or if stat fails (the caller then takes the general path). */
    private static boolean isRegularFileQuietly(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isRegularFile();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("cannot delete temp file {}; it is removed when a store is next opened", path, e);
        }
    }

    private static Digest hash(InputStream in) throws IOException {
        MessageDigest sha = Digest.newSha256();
        byte[] buffer = BUFFERS.get();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
        }
        return Digest.ofHash(sha.digest());
    }

    private static void requireRecordKey(StoreKey key) {
        Objects.requireNonNull(key, "key");
        if (ObjectStore.isContentKey(key)) {
            throw new IllegalArgumentException(
                    "'" + key + "' is a content key; store content with putContent, which checks its digest");
        }
    }

    private static boolean startsWithPointerMagic(byte[] bytes) {
        return bytes.length >= POINTER_MAGIC.length
                && Arrays.equals(bytes, 0, POINTER_MAGIC.length, POINTER_MAGIC, 0, POINTER_MAGIC.length);
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    // --- opening -----------------------------------------------------------------------------------------------

    private void checkFilesystem() throws IOException {
        FileStore fileStore = Files.getFileStore(root);
        String type = fileStore.type().toLowerCase(Locale.ROOT);
        if (UNSAFE_FILESYSTEMS.contains(type)) {
            throw new MlopsException("the local object store refuses " + root + ": it lies on a '" + type
                    + "' filesystem, where hard links or fcntl locks are not reliable; put the lake on a local disk"
                    + " (ext4, xfs, btrfs, apfs, tmpfs) or share it through Azure Blob Storage");
        }
        Path probe = newTempPath();
        Path link = tempDir.resolve(probe.getFileName() + ".LINK");
        try {
            Files.write(probe, new byte[] {1}, StandardOpenOption.CREATE_NEW);
            try {
                Files.createLink(link, probe);
            } catch (UnsupportedOperationException | IOException e) {
                throw new MlopsException(
                        "the local object store refuses " + root + ": its filesystem ('" + type
                                + "') does not support hard links, which atomic create-if-absent needs",
                        e);
            }
            Path caseTwin = tempDir.resolve(link.getFileName().toString().toLowerCase(Locale.ROOT));
            if (Files.exists(caseTwin)) {
                throw new MlopsException("the local object store refuses " + root + ": its filesystem ('" + type
                        + "') is case-insensitive, so keys that differ only by case would collide");
            }
            Files.move(link, probe, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new MlopsException(
                    "the local object store refuses " + root + ": its filesystem ('" + type + "') has no atomic rename",
                    e);
        } finally {
            deleteQuietly(link);
            deleteQuietly(probe);
        }
    }

    private int removeStaleTempFiles() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDir)) {
            for (Path temp : temps) {
                if (isStale(temp)) {
                    deleteQuietly(temp);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            LOG.info("removed {} temp files left by killed processes in {}", removed, tempDir);
        }
        return removed;
    }

    /** A temp file is stale when the process in its name is gone, or when it is older than a day. */
    private boolean isStale(Path temp) {
        String name = temp.getFileName().toString();
        if (name.startsWith(tempPrefix)) {
            return false;
        }
        int dash = name.indexOf('-');
        if (dash > 0) {
            try {
                long pid = Long.parseLong(name.substring(0, dash));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return ageOf(temp).compareTo(STALE_TEMP_AGE) > 0;
                }
                return true;
            } catch (NumberFormatException e) {
                return ageOf(temp).compareTo(STALE_TEMP_AGE) > 0;
            }
        }
        return ageOf(temp).compareTo(STALE_TEMP_AGE) > 0;
    }

    private static Duration ageOf(Path path) {
        try {
            Instant modified =
                    Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
            return Duration.between(modified, Instant.now());
        } catch (IOException e) {
            return Duration.ZERO;
        }
    }

    /**
     * The pointer locks of one lake, shared by every store open on it in this JVM. {@code fcntl} locks belong to the
     * process, and the JDK tracks them per JVM: two stores on one lake with a lock file each would fail with
     * {@code OverlappingFileLockException} when both lock a stripe, and closing either file would drop the other's
     * locks. Reference-counted; the file is closed with the last store.
     */
    private static final class SharedLocks {
        private static final Map<Path, SharedLocks> OPEN = new HashMap<>(); // guarded by OPEN

        private final Path file;
        private final FileChannel channel;
        private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
        private int users; // guarded by OPEN

        private SharedLocks(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
            for (int i = 0; i < LOCK_STRIPES; i++) {
                stripes[i] = new ReentrantLock();
            }
        }

        static SharedLocks acquire(Path lockDirectory) throws IOException {
            Path file = lockDirectory.toRealPath().resolve("pointers.lock");
            synchronized (OPEN) {
                SharedLocks locks = OPEN.get(file);
                if (locks == null) {
                    FileChannel channel = FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    locks = new SharedLocks(file, channel);
                    OPEN.put(file, locks);
                }
                locks.users++;
                return locks;
            }
        }

        void release() {
            synchronized (OPEN) {
                if (--users > 0) {
                    return;
                }
                OPEN.remove(file);
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close the lock file " + file, e);
                }
            }
        }
    }

    /**
     * Configures a {@link LocalObjectStore}. Each setter may be called once; {@link #build()} opens the store.
     */
    public static final class Builder {
        private @Nullable Path root;
        private boolean durable;
        private boolean durableSet;
        private BiConsumer<String, StoreKey> stepListener = (step, key) -> {};
        private boolean stepListenerSet;

        private Builder() {}

        /**
         * Sets the lake's directory (required); created if absent.
         *
         * @param root the directory
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder root(Path root) {
            if (this.root != null) {
                throw new IllegalStateException("root was already set to " + this.root);
            }
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Makes every acknowledged write survive a power loss: contents, records and their directories are fsynced,
         * in that order. Costs about one disk flush per write; off by default.
         *
         * @param durable true to fsync
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder durableWrites(boolean durable) {
            if (durableSet) {
                throw new IllegalStateException("durableWrites was already set to " + this.durable);
            }
            this.durable = durable;
            this.durableSet = true;
            return this;
        }

        /**
         * Receives the name of each write step ({@code STEP_*} constants) as it completes: for tracing, and for
         * crash tests that stop a process at a named point. Must be fast and must not throw.
         *
         * @param listener the listener
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder stepListener(BiConsumer<String, StoreKey> listener) {
            if (stepListenerSet) {
                throw new IllegalStateException("stepListener was already set");
            }
            this.stepListener = Objects.requireNonNull(listener, "listener");
            this.stepListenerSet = true;
            return this;
        }

        /**
         * Opens the store: creates the directory, checks the filesystem and removes stale temp files.
         *
         * @return the store
         * @throws IllegalStateException if no root was set
         * @throws MlopsException if the directory cannot be used
         */
        public LocalObjectStore build() {
            if (root == null) {
                throw new IllegalStateException("root is required: LocalObjectStore.builder().root(path).build()");
            }
            return new LocalObjectStore(this);
        }

        @Override
        public String toString() {
            return "LocalObjectStore.Builder{root=" + root + ", durable=" + durable + "}";
        }
    }
}
