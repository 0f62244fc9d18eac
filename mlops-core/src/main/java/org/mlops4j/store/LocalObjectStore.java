package org.mlops4j.store;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
import java.time.Clock;
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
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.StorageException;
import org.mlops4j.internal.Redaction;
import org.mlops4j.store.internal.LocalStoreSteps;
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
 *   <li>A key is a file, so it cannot also be a folder of other keys ({@code a/b} beside {@code a/b/c}): such a write
 *       throws a {@link ConflictException}. The lake's layout never makes one; other object stores have no such
 *       limit, and the {@link ObjectStore} contract does not require it.
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
    private static final String STEP_CONTENT_WRITTEN = LocalStoreSteps.CONTENT_WRITTEN;
    private static final String STEP_CONTENT_COMMITTED = LocalStoreSteps.CONTENT_COMMITTED;
    private static final String STEP_RECORD_WRITTEN = LocalStoreSteps.RECORD_WRITTEN;
    private static final String STEP_RECORD_COMMITTED = LocalStoreSteps.RECORD_COMMITTED;
    private static final String STEP_POINTER_WRITTEN = LocalStoreSteps.POINTER_WRITTEN;
    private static final String STEP_POINTER_MOVED = LocalStoreSteps.POINTER_MOVED;

    static {
        LocalStoreSteps.install(Builder::stepListener);
    }

    /** The default of {@link Builder#directWriteThreshold(long)}. */
    public static final long DEFAULT_DIRECT_WRITE_THRESHOLD = 64L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectStore.class);
    private static final byte[] POINTER_MAGIC = "\0mlops4j-pointer ".getBytes(StandardCharsets.US_ASCII);
    private static final int LOCK_STRIPES = 64;
    private static final long LOCK_POLL_MIN_NANOS = 2_000;
    private static final long LOCK_POLL_MAX_NANOS = 1_000_000;
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
    /** The default of {@link Builder#callTimeout(Duration)}. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(1);

    private static final StoreCapabilities CAPABILITIES = StoreCapabilities.none()
            .withRangedReads()
            .withNativeConditionalWrites()
            .withAtomicRename()
            .withLocalCalls();
    private static final ThreadLocal<byte[]> BUFFERS =
            ThreadLocal.withInitial(() -> new byte[HashingWriter.BUFFER_SIZE]);
    private final Path root;
    private final boolean defaultFileSystem;
    private final Path tempDir;
    private final boolean durable;
    private final BiConsumer<String, StoreKey> stepListener;
    private final SharedLocks locks;
    private final AtomicBoolean closed;
    private final Set<Path> knownDirectories;
    private final AtomicLong tempCounter;
    private final String tempPrefix;
    private final int staleTempFilesRemoved;
    /** Hash large contents while the writing thread copies them; threads end after a minute idle. */
    private final ExecutorService hashers;

    private final HashingWriter writer;
    private final Clock clock;
    private final Duration callTimeout;
    /** False for a view made by {@link #withCallTimeout}, which shares this store's resources and closes none. */
    private final boolean owner;

    private LocalObjectStore(Builder builder) {
        this.root = builder.root.toAbsolutePath().normalize();
        this.defaultFileSystem = root.getFileSystem() == FileSystems.getDefault();
        this.durable = builder.durable;
        this.stepListener = builder.stepListener;
        this.clock = builder.clock;
        this.callTimeout = builder.callTimeout;
        this.owner = true;
        this.closed = new AtomicBoolean();
        this.knownDirectories = ConcurrentHashMap.newKeySet();
        this.tempCounter = new AtomicLong();
        this.hashers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "mlops4j-store-hasher");
            thread.setDaemon(true);
            return thread;
        });
        Path internal = root.resolve(StoreKey.RESERVED_ROOT);
        this.tempDir = internal.resolve("tmp");
        this.tempPrefix = ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()) + "-";
        try {
            Files.createDirectories(tempDir);
            Files.createDirectories(internal.resolve("locks"));
            checkFilesystem();
            this.writer = new HashingWriter(
                    hashers,
                    durable,
                    defaultFileSystem ? builder.directWriteThreshold : Long.MAX_VALUE,
                    tempDir,
                    this::newTempPath);
            this.staleTempFilesRemoved = removeStaleTempFiles();
            this.locks = SharedLocks.acquire(internal.resolve("locks"));
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot open the local object store at " + root + ": " + e
                            + "; check that the directory is writable and its disk has space",
                    e);
        }
    }

    /** A view of {@code base} with another call timeout; see {@link #withCallTimeout}. */
    private LocalObjectStore(LocalObjectStore base, Duration callTimeout) {
        this.root = base.root;
        this.defaultFileSystem = base.defaultFileSystem;
        this.tempDir = base.tempDir;
        this.durable = base.durable;
        this.stepListener = base.stepListener;
        this.locks = base.locks;
        this.closed = base.closed;
        this.knownDirectories = base.knownDirectories;
        this.tempCounter = base.tempCounter;
        this.tempPrefix = base.tempPrefix;
        this.staleTempFilesRemoved = base.staleTempFilesRemoved;
        this.hashers = base.hashers;
        this.writer = base.writer;
        this.clock = base.clock;
        this.callTimeout = callTimeout;
        this.owner = false;
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
     * @throws IllegalArgumentException if the root is a URI, not a path (the message shows it redacted)
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

    /**
     * Returns ranged reads (a seek), native conditional writes ({@code link()}, and {@code fcntl} locks for pointers),
     * atomic rename and local calls; no server time: the clock is the host's, the only one that uses a local lake.
     */
    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Returns the clock set in the builder, the host's by default. */
    @Override
    public Clock clock() {
        return clock;
    }

    /**
     * Returns the longest a call waits for a pointer's lock ({@link #compareAndSet}, {@link #delete}); reads and
     * writes of a local disk themselves are not bounded.
     */
    @Override
    public Optional<Duration> getCallTimeout() {
        return Optional.of(callTimeout);
    }

    @Override
    public LocalObjectStore withCallTimeout(Duration timeout) {
        return new LocalObjectStore(this, ObjectStore.requirePositiveTimeout(timeout));
    }

    /**
     * Returns the size from which contents read from a file are written with direct I/O, past the page cache; empty
     * when they never are (turned off, or the filesystem does not support it: the store probes that once, when the
     * first large content or this method asks).
     */
    public OptionalLong getDirectWriteThreshold() {
        return writer.directWriteThreshold();
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
     * the source file to the store's file, and hashes them on a second thread while they are written. A large rest
     * of a file is written with direct I/O (see {@link Builder#directWriteThreshold(long)}).
     */
    @Override
    public ContentInfo putContent(ReadableByteChannel content) {
        Objects.requireNonNull(content, "content");
        return writeContent(null, (temp, stored) -> writer.write(content, temp, stored));
    }

    private ContentInfo writeContent(@Nullable Digest expected, InputStream content) {
        Objects.requireNonNull(content, "content");
        return writeContent(expected, (temp, stored) -> writer.write(content, temp, stored));
    }

    /** Writes a content into a temp file: one of {@link HashingWriter}'s {@code write} methods. */
    @FunctionalInterface
    private interface TempWrite {
        HashingWriter.Written write(Path temp, BiPredicate<Digest, Long> stored) throws IOException;
    }

    /**
     * Hashes and writes a content into a temp file, then renames it into place unless the store holds it already.
     * Content that fits one buffer and is stored already costs no temp file.
     */
    private ContentInfo writeContent(@Nullable Digest expected, TempWrite write) {
        Path temp = newTempPath();
        ExistingContent lookedUp = new ExistingContent(expected);
        HashingWriter.Written written = null;
        boolean renamed = false;
        try {
            written = write.write(temp, lookedUp);
            Digest digest = written.digest();
            long size = written.size();
            if (!written.fileWritten()) {
                return new ContentInfo(digest, size, false);
            }
            BasicFileAttributes existing = lookedUp.looked ? lookedUp.found : lookedUp.find(digest, size);
            StoreKey key = ObjectStore.contentKey(digest);
            stepListener.accept(STEP_CONTENT_WRITTEN, key);
            if (existing != null && existing.size() == size) {
                return new ContentInfo(digest, size, false);
            }
            if (existing != null) {
                LOG.warn("repairing content {}: {} bytes on disk, {} expected", digest, existing.size(), size);
            }
            moveIntoPlace(key, temp, pathOf(key));
            renamed = true;
            stepListener.accept(STEP_CONTENT_COMMITTED, key);
            return new ContentInfo(digest, size, true);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot store content in " + root + ": " + e + "; check the source and the lake's disk (space,"
                            + " permissions), then store it again: content is written idempotently",
                    e);
        } finally {
            // no temp file when small content was stored already; once renamed the name is gone (a failing lstat)
            if (!renamed && (written == null || written.fileWritten())) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * Checks a hashed content against the expected digest and looks for a stored copy, once: before anything is
     * written for content that fits one buffer (as {@link HashingWriter}'s {@code stored} test), after writing for
     * larger content.
     */
    private final class ExistingContent implements BiPredicate<Digest, Long> {
        private final @Nullable Digest expected;
        boolean looked;

        @Nullable
        BasicFileAttributes found;

        ExistingContent(@Nullable Digest expected) {
            this.expected = expected;
        }

        @Override
        public boolean test(Digest digest, Long size) {
            BasicFileAttributes existing = find(digest, size);
            return existing != null && existing.size() == size;
        }

        @Nullable
        BasicFileAttributes find(Digest digest, long size) {
            requireExpected(expected, digest, size);
            found = findExisting(digest);
            looked = true;
            return found;
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
            throw StorageException.of(
                    "cannot read content " + digest + " at " + path + ": " + e + "; check the lake's disk", e);
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
            throw StorageException.of(
                    "cannot read content " + digest + " at " + path + ": " + e + "; check the lake's disk", e);
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
            throw StorageException.of(
                    "cannot create record '" + key + "' in " + root + ": " + e
                            + "; check the lake's disk (space, permissions), then retry: creation is idempotent",
                    e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
        requireRecordKey(key);
        Objects.requireNonNull(bytes, "bytes");
        int stripe = Math.floorMod(key.value().hashCode(), LOCK_STRIPES);
        long deadline = System.nanoTime() + callTimeout.toNanos();
        ReentrantLock lock = lockInJvm(stripe, key, deadline);
        Path temp = newTempPath();
        try (FileLock ignored = lockStripe(stripe, key, deadline)) {
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
            throw StorageException.of(
                    "cannot move pointer '" + key + "' in " + root + ": " + e
                            + "; check the lake's disk, then re-read the pointer and decide again",
                    e);
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
     * and a rename, so short pauses suffice. The caller's {@code finally} releases the in-JVM lock. A holder that stops (a frozen or suspended process keeps its locks until
     * it dies) makes the wait end at the call timeout.
     */
    private FileLock lockStripe(int stripe, StoreKey key, long deadline) throws IOException {
        long pauseNanos = LOCK_POLL_MIN_NANOS;
        while (true) {
            FileLock lock = locks.channel.tryLock(stripe, 1, false);
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw lockTimeout(key, "another process");
            }
            LockSupport.parkNanos(pauseNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for pointer lock stripe " + stripe);
            }
            pauseNanos = Math.min(pauseNanos * 2, LOCK_POLL_MAX_NANOS);
        }
    }

    /** Takes a stripe's in-JVM lock, waiting until the deadline at most. */
    private ReentrantLock lockInJvm(int stripe, StoreKey key, long deadline) {
        ReentrantLock lock = locks.stripes[stripe];
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw lockTimeout(key, "another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(
                    "interrupted while waiting for the lock of '" + key + "' in " + root + "; nothing was written",
                    true,
                    e);
        }
        return lock;
    }

    private StorageException lockTimeout(StoreKey key, String holder) {
        return new StorageException(
                "timed out after " + callTimeout + " waiting for the lock of '" + key + "' in " + root + ", held by "
                        + holder + "; nothing was written. A process that is stopped or frozen keeps its locks until"
                        + " it dies: find it, or try again later",
                true,
                null);
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
            throw StorageException.of(
                    "cannot read '" + key + "' in " + root + ": " + e + "; check the file's permissions", e);
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
            throw StorageException.of(
                    "cannot list '" + prefix + "' in " + root + ": " + e + "; check the directories' permissions", e);
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
        long deadline = System.nanoTime() + callTimeout.toNanos();
        ReentrantLock lock = lockInJvm(stripe, key, deadline);
        try (FileLock ignored = lockStripe(stripe, key, deadline)) {
            return Files.deleteIfExists(pathOf(key));
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot delete '" + key + "' in " + root + ": " + e + "; check the file's permissions", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks every stored object: each content file hashes to its name, each pointer header parses, and no temp
     * file of a dead process is left. Reads the whole lake: meant for tests, repairs and audits. This checks the
     * store's own files only; {@code Datasets.verifyLake()} checks every object by its lake kind (packs, the pack
     * index, trees, records and their checksums) on any store.
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

    /** Closes the store; on a view made by {@link #withCallTimeout}, does nothing (close the store it came from). */
    @Override
    public void close() {
        if (owner && closed.compareAndSet(false, true)) {
            hashers.shutdown();
            locks.release();
        }
    }

    @Override
    public String toString() {
        return "LocalObjectStore{root=" + Redaction.redact(root) + ", durable=" + durable + "}";
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
                HashingWriter.writeFully(out, ByteBuffer.wrap(header));
            }
            HashingWriter.writeFully(out, ByteBuffer.wrap(bytes));
            if (durable) {
                out.force(true);
            }
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
                + " folders is an object; on a local disk a/b and a/b/c cannot both exist (the lake's layout never"
                + " makes such keys), so choose another key");
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
            throw StorageException.of("cannot stat " + path + ": " + e + "; check the lake's permissions", e);
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
            LOG.debug(
                    "cannot delete temp file {}; it is removed when a store is next opened", Redaction.redact(path), e);
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
            LOG.info("removed {} temp files left by killed processes in {}", removed, Redaction.redact(tempDir));
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

    private Duration ageOf(Path path) {
        try {
            Instant modified =
                    Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
            return Duration.between(modified, clock.instant());
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
                    throw StorageException.of("cannot close the lock file " + file + ": " + e, e);
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
        private long directWriteThreshold = DEFAULT_DIRECT_WRITE_THRESHOLD;
        private boolean directWriteThresholdSet;
        private Clock clock = Clock.systemUTC();
        private boolean clockSet;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private boolean callTimeoutSet;

        private Builder() {}

        /**
         * Sets the lake's directory (required); created if absent.
         *
         * @param root the directory
         * @return this builder
         * @throws IllegalStateException if set before
         * @throws IllegalArgumentException if the root is a URI, not a path (the message shows it redacted)
         */
        @CanIgnoreReturnValue
        public Builder root(Path root) {
            if (this.root != null) {
                throw new IllegalStateException("root was already set to " + Redaction.redact(this.root));
            }
            Redaction.requireLocalPath(
                    "root", Objects.requireNonNull(root, "root").toString());
            this.root = root;
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
         * Sets the size from which a content read from a file ({@link #putContent(ReadableByteChannel)} with a
         * {@link FileChannel}, as dataset snapshots do) is written with direct I/O ({@code O_DIRECT}), past the page
         * cache, where the filesystem supports it; 64 MiB by default, {@link Long#MAX_VALUE} turns it off. Such a
         * content is written once and read rarely: caching it evicts the application's working set, and on virtual
         * machines whose memory the host reclaims, filling fresh page cache costs several times the copy (a 2 GiB
         * file by {@code dd}: 3.3 to 6.2 s buffered, 1.5 to 1.8 s direct, {@code benchmarks/DATASETS.md}). Turn it off when the
         * lake is on a disk much slower than memory and its files fit the page cache: there a buffered write returns
         * before the disk has the bytes. At most two contents at a time are written directly (with 4 MiB of buffers
         * each); others meanwhile go through the page cache.
         *
         * @param bytes the smallest size written directly, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder directWriteThreshold(long bytes) {
            if (directWriteThresholdSet) {
                throw new IllegalStateException("directWriteThreshold was already set to " + directWriteThreshold);
            }
            if (bytes < 1) {
                throw new IllegalArgumentException("directWriteThreshold must be at least 1 byte, got " + bytes
                        + "; use Long.MAX_VALUE to turn" + " direct writes off");
            }
            this.directWriteThreshold = bytes;
            this.directWriteThresholdSet = true;
            return this;
        }

        /**
         * Sets the store's time ({@link #clock()}): what leases in the lake expire by, and what the age of a temp file
         * left by a dead process is measured against; the host's clock by default. Tests pass a manual clock.
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            if (clockSet) {
                throw new IllegalStateException("clock was already set to " + this.clock);
            }
            this.clock = Objects.requireNonNull(clock, "clock");
            this.clockSet = true;
            return this;
        }

        /**
         * Sets the longest a call waits for a pointer's lock before it fails with a transient
         * {@link StorageException}: one minute by default. Locks are held for a read, a small write and a rename; a
         * longer wait means a holder that is stopped or frozen, which keeps its lock until it dies.
         *
         * @param timeout the bound, positive
         * @return this builder
         * @throws IllegalArgumentException if the timeout is zero or negative
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        public Builder callTimeout(Duration timeout) {
            if (callTimeoutSet) {
                throw new IllegalStateException("callTimeout was already set to " + callTimeout);
            }
            this.callTimeout = ObjectStore.requirePositiveTimeout(timeout);
            this.callTimeoutSet = true;
            return this;
        }

        /**
         * Receives the name of each write step ({@link LocalStoreSteps}) as it completes: for crash tests that stop a
         * process at a named point, through the test kit. Must be fast and must not throw.
         *
         * @param listener the listener
         * @return this builder
         * @throws IllegalStateException if set before
         */
        @CanIgnoreReturnValue
        Builder stepListener(BiConsumer<String, StoreKey> listener) {
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
            return "LocalObjectStore.Builder{root=" + Redaction.redact(root) + ", durable=" + durable + "}";
        }
    }
}
