package org.mlops4j.data;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.common.StorageException;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;

/**
 * Turns sources (a directory, files, streams) into stored contents and trees, in one pass per file: each file is read
 * once and hashed while it is written into the store, in parallel with a bound, in constant memory per file.
 */
final class Snapshotter {
    /** Supplies a stream's bytes; called once. */
    @FunctionalInterface
    interface StreamOpener {
        InputStream open() throws IOException;
    }

    sealed interface Source permits DirectorySource, FileSource, StreamSource {}

    record DirectorySource(Path directory) implements Source {}

    record FileSource(Path base, Path file) implements Source {}

    record StreamSource(String path, StreamOpener opener, boolean executable) implements Source {}

    /** A stored file, where its path and digest are known. */
    record StoredFile(String path, Trees.FileEntry entry) {}

    /** The snapshot's outcome; {@code csvFiles} only lists CSV files, which are profiled next (others need not wait). */
    record Result(Digest root, long files, long bytes, List<StoredFile> csvFiles, int cacheHits) {}

    /**
     * A directory being assembled; its children are sorted by UTF-8 bytes when its tree is built. Its tree is built
     * as soon as its last file is stored and its last subdirectory built ({@link #release}), and its children are
     * then dropped: a snapshot keeps objects per file only for the directories still open (the walk's frontier and
     * the files in flight), and a digest per finished directory.
     */
    private static final class Dir {
        final @Nullable Dir parent;
        final String path;
        final int depth;
        /** {@link Slot}s and {@link Dir}s by name; null once the tree is built. */
        @Nullable
        Map<String, Object> children = new HashMap<>();
        /** Whether every file was a stat-cache hit (set by the walking thread only). */
        boolean filesUnchanged = true;
        /** Whether the walking thread gave up its hold, after which nothing is added (walking thread only). */
        boolean closed;
        /** One hold while entries may still be added, plus one per unfinished file and subdirectory. */
        final AtomicInteger open = new AtomicInteger(1);
        /** The built tree; set before the parent learns of it. */
        volatile @Nullable BuiltTree built;

        Dir(@Nullable Dir parent, String name) {
            this.parent = parent;
            this.path = parent == null || parent.path.isEmpty() ? name : parent.path + "/" + name;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }
    }

    /** A file whose entry a worker fills in. */
    private static final class Slot {
        final String name;
        final Dir parent;
        volatile Trees.@Nullable FileEntry entry;

        Slot(String name, Dir parent) {
            this.name = name;
            this.parent = parent;
        }
    }

    /** Small files go to the workers in batches of this many, so that 100,000 files are not 100,000 hand-offs. */
    private static final int BATCH_FILES = 64;
    /** ... or of this many bytes, so that a batch of larger files does not hold a worker for long. */
    private static final long BATCH_BYTES = 1024 * 1024;

    /** A small file waiting in a batch. */
    private record SmallFile(String path, Path file, Attributes attributes, Slot slot) {}

    private final ObjectStore store;
    private final PackWriter packer;
    private final ExecutorService executor;
    /** Where requests to a remote store wait; see {@link #request}. */
    private final Executor requests;

    private final Semaphore requestWindow = new Semaphore(ContentTrees.REQUESTS_IN_FLIGHT);
    /** Bounds the tasks in flight; a task holds one permit until it ends, so holding them all means all ended. */
    private final Semaphore inFlight;

    private final int permits;
    private final @Nullable StatCache cache;
    private final ProgressListener progress;
    private final String operation;
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong filesSeen = new AtomicLong();
    private final AtomicLong bytesSeen = new AtomicLong();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    private final List<StoredFile> csvFiles = new ArrayList<>();
    /** Large files hashed and waiting for one lookup, on a store that cannot rename; guarded by itself. */
    private final List<HashedFile> hashed = new ArrayList<>();

    /** The mtimes of the one source directory the stat cache is about, for moved files; null otherwise. */
    private StatCache.@Nullable DirectoryTimes directoryTimes;

    private List<SmallFile> batch = new ArrayList<>();
    /** Whether the walk closes each directory it finishes (see {@link #run}). */
    private boolean closeWalkedDirectories;

    private long batchBytes;
    private volatile boolean walking = true;
    /** Files and bytes in the trees built so far. */
    private final AtomicLong treeFiles = new AtomicLong();

    private final AtomicLong treeBytes = new AtomicLong();
    /** New trees built and not yet written, oldest first; guarded by itself. See {@link #writeTree}. */
    private final ArrayDeque<NewTree> unwritten = new ArrayDeque<>();
    /** On a store without local calls: the new trees by depth, written at the end ({@link #storeTrees}). */
    private final List<List<NewTree>> levels = new ArrayList<>();

    private Consumer<Digest> hashObserver = digest -> {};
    /** Trees the caller knows the lake holds, with every tree below them (a committed version's root). */
    private Set<Digest> knownTrees = Set.of();
    /**
     * Whether to ask the store for the root before writing a new tree: when the caller knows nothing of the lake (the
     * same artifacts registered again write nothing). A dataset's snapshot knows its latest version's tree instead.
     */
    private boolean lookUpRoot = true;
    /** Whether the stat cache's last root is in the lake; null until asked. */
    private @Nullable Boolean cacheRootInLake;
    /** Whether content of unknown digest is written once and renamed (else see {@link #uploadHashedFiles}). */
    private final boolean hashWhileWriting;
    /** Whether calls are system calls on this host: lookups are then cheap enough to check each remembered tree. */
    private final boolean localCalls;

    Snapshotter(
            ObjectStore store,
            PackWriter packer,
            ExecutorService executor,
            Executor requests,
            int parallelism,
            @Nullable StatCache cache,
            ProgressListener progress,
            String operation) {
        this.store = store;
        this.packer = packer;
        this.executor = executor;
        this.requests = requests;
        this.permits = Math.max(1, parallelism) * 4;
        this.inFlight = new Semaphore(permits);
        this.cache = cache;
        this.progress = progress;
        this.operation = operation;
        this.hashWhileWriting = store.capabilities().hasAtomicRename();
        this.localCalls = store.capabilities().hasLocalCalls();
    }

    /** Tells the snapshot trees the lake holds, with everything below them: they are not written or asked for. */
    @CanIgnoreReturnValue
    Snapshotter knownTrees(Set<Digest> trees) {
        this.knownTrees = Set.copyOf(trees);
        this.lookUpRoot = false;
        return this;
    }

    @CanIgnoreReturnValue
    Snapshotter observeHashing(Consumer<Digest> observer) {
        this.hashObserver = observer;
        return this;
    }

    Result run(List<Source> sources) {
        Dir root = new Dir(null, "");
        // one directory source: each directory is complete when its walk ends; with more, a later source may add
        // to a directory an earlier one walked, so every directory stays open until all are read
        closeWalkedDirectories = sources.size() == 1;
        try {
            for (Source source : sources) {
                if (failure.get() != null) {
                    break;
                }
                if (source instanceof DirectorySource directory) {
                    requireDirectory(directory.directory());
                    requireUtf8FileNames(directory.directory());
                    Path real = directory.directory().toRealPath();
                    directoryTimes = sources.size() == 1 ? StatCache.DirectoryTimes.under(real) : null;
                    walkDirectory(real, real, "", root);
                } else if (source instanceof FileSource file) {
                    addFile(file, root);
                    checkFailure();
                } else {
                    addStream((StreamSource) source, root);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a rejected snapshot cancels its queued work: tasks not yet started see the failure and skip their file
            failure.compareAndSet(null, e);
        } finally {
            walking = false;
            submitBatch();
            awaitTasks();
        }
        checkFailure();
        uploadHashedFiles();
        closeAll(root);
        checkFailure();
        packer.flush();
        Digest digest =
                storeTrees(Objects.requireNonNull(root.built, "unbuilt root").digest());
        return new Result(digest, treeFiles.get(), treeBytes.get(), csvFiles, cache == null ? 0 : cache.hits());
    }

    // --- walking ---------------------------------------------------------------------------------------------

    /** A missing folder is the caller's mistake, not a file that vanished meanwhile: say so, with the full path. */
    private void requireDirectory(Path directory) {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path absolute = directory.toAbsolutePath();
        if (Files.exists(directory)) {
            throw new IllegalArgumentException(operation + ": " + absolute + " is a file, not a directory; give the"
                    + " directory that holds the files");
        }
        String relative = directory.isAbsolute()
                ? ""
                : " (a relative path starts at the working directory "
                        + directory.getFileSystem().getPath("").toAbsolutePath() + ")";
        throw new NotFoundException(operation + ": the directory " + absolute + " does not exist" + relative
                + "; create it, or give the right path");
    }

    /** Without a UTF-8 locale the JVM mangles non-ASCII file names it reads from the disk: refuse, don't guess. */
    private static void requireUtf8FileNames(Path directory) {
        String encoding = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (directory.getFileSystem() == FileSystems.getDefault()
                && !encoding.equalsIgnoreCase("UTF-8")
                && !encoding.equalsIgnoreCase("UTF8")) {
            throw new MlopsException("this JVM reads file names as " + encoding + ", not UTF-8, so non-ASCII names"
                    + " would be stored wrongly; start it with a UTF-8 locale (e.g. LANG=C.UTF-8)");
        }
    }

    private void walkDirectory(Path sourceRoot, Path dir, String relative, Dir node) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        requireTreeFits(relative, children);
        for (Path child : children) {
            if (failure.get() != null) {
                return;
            }
            String name = child.getFileName().toString();
            String path = relative.isEmpty() ? name : relative + "/" + name;
            if (relative.isEmpty()) {
                PathRules.checkRelativePath(name); // a top-level name must not read as a drive, as files() checks
            } else {
                PathRules.checkName(name, path);
            }
            Attributes attributes = Attributes.read(child);
            if (attributes.symbolicLink()) {
                Path target = child.toRealPath();
                if (!target.startsWith(sourceRoot)) {
                    throw new UnsafePathException(
                            path,
                            "a symbolic link that leaves the dataset's directory (to " + target
                                    + "); copy the file in, or snapshot its own directory");
                }
                // the target's type decides, before anything opens it: a FIFO would block the open for ever, a
                // device (/dev/zero) would be read without end
                attributes = Attributes.read(target);
                if (attributes.directory()) {
                    throw new UnsafePathException(
                            path,
                            "a symbolic link to a directory; snapshot the directory"
                                    + " itself, links to directories are not followed");
                }
                if (!attributes.regularFile()) {
                    throw new UnsafePathException(
                            path,
                            "a symbolic link to neither a file nor a directory (a device, socket or FIFO: " + target
                                    + "); links are followed to regular files only");
                }
                submitFile(path, target, attributes, node, name);
            } else if (attributes.directory()) {
                Dir sub = subdirectory(node, name);
                walkDirectory(sourceRoot, child, path, sub);
                if (closeWalkedDirectories) {
                    close(sub);
                }
            } else if (attributes.regularFile()) {
                submitFile(path, child, attributes, node, name);
            } else {
                throw new UnsafePathException(path, "neither a file nor a directory (a device, socket or FIFO)");
            }
        }
    }

    private void addFile(FileSource source, Dir root) throws IOException {
        Path base = source.base().toAbsolutePath().normalize();
        Path file = source.file().isAbsolute()
                ? source.file().normalize()
                : base.resolve(source.file()).normalize();
        if (!file.startsWith(base) || file.equals(base)) {
            throw new UnsafePathException(
                    source.file().toString(), "the file is not inside the base directory " + base);
        }
        String path =
                base.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        String[] segments = PathRules.checkRelativePath(path);
        Attributes attributes = Attributes.read(file);
        if (attributes.symbolicLink()) {
            Path target = file.toRealPath();
            if (!target.startsWith(base.toRealPath())) {
                throw new UnsafePathException(
                        path, "a symbolic link that leaves the base directory (to " + target + ")");
            }
            file = target;
            attributes = Attributes.read(target);
        }
        if (!attributes.regularFile()) {
            throw new UnsafePathException(path, "not a regular file; give files, or snapshot a whole directory");
        }
        Dir parent = directoryFor(root, segments, path);
        submitFile(path, file, attributes, parent, segments[segments.length - 1]);
    }

    private void addStream(StreamSource source, Dir root) {
        String[] segments = PathRules.checkRelativePath(source.path());
        Dir parent = directoryFor(root, segments, source.path());
        String name = segments[segments.length - 1];
        parent.filesUnchanged = false;
        Slot slot = claim(parent, name, source.path());
        submit(() -> {
            try (InputStream in = source.opener().open()) {
                ContentInfo info = storeUpTo(in, Packs.MAX_MEMBER_BYTES);
                finish(source.path(), slot, info, source.executable(), null);
            }
        });
    }

    private Dir directoryFor(Dir root, String[] segments, String path) {
        Dir node = root;
        for (int i = 0; i < segments.length - 1; i++) {
            Object child = childrenOf(node).get(segments[i]);
            if (child == null) {
                child = subdirectory(node, segments[i]);
            }
            if (!(child instanceof Dir dir)) {
                throw new UnsafePathException(path, "'" + segments[i] + "' is both a file and a directory");
            }
            node = dir;
        }
        return node;
    }

    /** Adds an open subdirectory; the walking thread's only. */
    private Dir subdirectory(Dir parent, String name) {
        Dir sub = new Dir(parent, name);
        parent.open.incrementAndGet();
        childrenOf(parent).put(name, sub);
        return sub;
    }

    private static Map<String, Object> childrenOf(Dir dir) {
        return Objects.requireNonNull(dir.children, "a built directory");
    }

    private Slot claim(Dir parent, String name, String path) {
        Slot slot = new Slot(name, parent);
        if (childrenOf(parent).putIfAbsent(name, slot) != null) {
            throw new UnsafePathException(path, "given twice");
        }
        parent.open.incrementAndGet();
        return slot;
    }

    /** Gives up the walking thread's hold on a directory: its tree is built once its files and subdirectories are. */
    private void close(Dir dir) {
        dir.closed = true;
        release(dir);
    }

    /** Closes, deepest first, every directory still open (all of them when there were several sources). */
    private void closeAll(Dir dir) {
        if (dir.closed) {
            return;
        }
        for (Object child : childrenOf(dir).values()) {
            if (child instanceof Dir sub) {
                closeAll(sub);
            }
        }
        close(dir);
    }

    /** Ends one piece of a directory's open work; the last one builds its tree, and so on up the parents. */
    private void release(Dir dir) {
        for (Dir at = dir; at != null && at.open.decrementAndGet() == 0; at = at.parent) {
            at.built = buildTree(at);
            at.children = null;
        }
    }

    /** Fills a file's entry in, and releases its directory. */
    private void fill(Slot slot, Trees.FileEntry entry) {
        slot.entry = entry;
        release(slot.parent);
    }

    private void submitFile(String path, Path file, Attributes attributes, Dir parent, String name) {
        Slot slot = claim(parent, name, path);
        filesSeen.incrementAndGet();
        bytesSeen.addAndGet(attributes.size());
        StatCache.FileStat stat = attributes.stat();
        if (cache != null && stat != null) {
            Digest known = cache.lookupAndRecord(path, stat);
            if (known == null && directoryTimes != null) {
                known = cache.lookupMovedAndRecord(path, stat, directoryTimes);
                if (known != null) {
                    parent.filesUnchanged = false; // a file moved in: the directory's remembered tree is not it
                }
            }
            if (known != null) {
                Trees.FileEntry entry = new Trees.FileEntry(name, attributes.size(), known, attributes.executable());
                rememberCsv(path, entry);
                report(1, attributes.size());
                fill(slot, entry);
                return;
            }
        }
        parent.filesUnchanged = false;
        if (attributes.size() <= Packs.MAX_MEMBER_BYTES) {
            batch.add(new SmallFile(path, file, attributes, slot));
            batchBytes += attributes.size();
            if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
                submitBatch();
            }
            return;
        }
        submit(() -> {
            if (hashWhileWriting) {
                ContentInfo info;
                try (FileChannel in = openBounded(path, file, attributes)) {
                    info = store.putContent(in);
                }
                if (info.size() != attributes.size()) {
                    throw changed(path, file, attributes, null);
                }
                requireUnchanged(path, file, attributes);
                finish(path, slot, info, attributes.executable(), stat);
            } else {
                HashedFile done = new HashedFile(path, file, slot, attributes, stat, hash(path, file, attributes));
                synchronized (hashed) {
                    hashed.add(done);
                }
            }
        });
    }

    private void submitBatch() {
        if (batch.isEmpty() || failure.get() != null) {
            return;
        }
        List<SmallFile> files = batch;
        batch = new ArrayList<>();
        batchBytes = 0;
        submit(() -> {
            for (SmallFile small : files) {
                if (failure.get() != null) {
                    return;
                }
                try (InputStream in = openRegular(small.path(), small.file(), small.attributes())) {
                    int size = (int) small.attributes().size();
                    byte[] bytes = ThreadBuffers.bytes(size); // PackWriter.add copies it
                    int n = in.readNBytes(bytes, 0, size);
                    if (n < size || in.read() >= 0) {
                        throw changed(small.path(), small.file(), small.attributes(), null);
                    }
                    requireUnchanged(small.path(), small.file(), small.attributes());
                    ContentInfo info = packer.add(bytes, n);
                    finish(
                            small.path(),
                            small.slot(),
                            info,
                            small.attributes().executable(),
                            small.attributes().stat());
                }
            }
        });
    }

    /** A large file hashed before it is uploaded, on a store that cannot rename. */
    private record HashedFile(
            String path,
            Path file,
            Slot slot,
            Attributes attributes,
            StatCache.@Nullable FileStat stat,
            ContentInfo content) {
        boolean executable() {
            return attributes.executable();
        }
    }

    /** How many digests one {@link ObjectStore#findContents} asks for. */
    private static final int LOOKUP_BATCH = 1000;

    private ContentInfo hash(String path, Path file, Attributes attributes) throws IOException {
        MessageDigest sha = Digest.newSha256();
        long size = 0;
        try (InputStream in = java.nio.channels.Channels.newInputStream(openBounded(path, file, attributes))) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
        }
        if (size != attributes.size()) {
            throw changed(path, file, attributes, null);
        }
        requireUnchanged(path, file, attributes);
        return new ContentInfo(Digest.ofHash(sha.digest()), size, false);
    }

    /**
     * Uploads the large files hashed on a store that cannot rename (a blob store): where the store renames, each was
     * written as it was hashed, in one read. Here the files were hashed first, the store is asked for their digests
     * in batches ({@link ObjectStore#findContents}: one round trip per thousand files), and only the ones it lacks
     * are read again and uploaded, under their digest, with nothing to stage.
     */
    private void uploadHashedFiles() {
        List<HashedFile> files;
        synchronized (hashed) {
            files = List.copyOf(hashed);
            hashed.clear();
        }
        for (int from = 0; from < files.size(); from += LOOKUP_BATCH) {
            List<HashedFile> batch = files.subList(from, Math.min(files.size(), from + LOOKUP_BATCH));
            List<Digest> digests = new ArrayList<>(batch.size());
            batch.forEach(f -> digests.add(f.content().digest()));
            Map<Digest, ContentInfo> stored = store.findContents(digests);
            for (HashedFile file : batch) {
                ContentInfo found = stored.get(file.content().digest());
                if (found != null && found.size() == file.content().size()) {
                    finish(file.path(), file.slot(), found, file.executable(), file.stat());
                } else {
                    submit(() -> finish(file.path(), file.slot(), upload(file), file.executable(), file.stat()));
                }
            }
        }
        awaitTasks();
        checkFailure();
    }

    private ContentInfo upload(HashedFile file) throws IOException {
        ContentInfo info;
        try (InputStream in =
                java.nio.channels.Channels.newInputStream(openBounded(file.path(), file.file(), file.attributes()))) {
            info = store.putContent(file.content().digest(), in);
        } catch (IntegrityException e) {
            throw changed(file.path(), file.file(), file.attributes(), e);
        }
        requireUnchanged(file.path(), file.file(), file.attributes());
        return info;
    }

    // --- reading a file that may change -------------------------------------------------------------------------

    /**
     * Opens a file the walk listed, after checking that it is still the regular file the walk saw (no link is
     * followed): a FIFO put in its place would block the open for ever, a device would never end. A swap in the
     * microseconds between this check and the open is not caught here; the bounded read and the final comparison
     * ({@link #requireUnchanged}) still keep what is stored to what was listed.
     */
    private InputStream openRegular(String path, Path file, Attributes seen) throws IOException {
        return java.nio.channels.Channels.newInputStream(openBounded(path, file, seen));
    }

    /** Opens at most the size the walk saw of a file ({@link #openRegular}): a file appended to is not read to EOF. */
    private FileChannel openBounded(String path, Path file, Attributes seen) throws IOException {
        if (!Attributes.readBasic(file).regularFile()) {
            throw changed(path, file, seen, null);
        }
        return new BoundedFileChannel(
                FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), seen.size());
    }

    /** Compares a file's size and modification time (and inode, where known) with what the walk saw, as git does. */
    private void requireUnchanged(String path, Path file, Attributes seen) throws IOException {
        Attributes now;
        try {
            now = Attributes.readBasic(file);
        } catch (NoSuchFileException e) {
            throw changed(path, file, seen, e);
        }
        Object a = seen.fileKey();
        Object b = now.fileKey();
        boolean sameFile = a == null || b == null || a.equals(b); // device and inode, on Unix
        if (!now.regularFile()
                || now.size() != seen.size()
                || now.modifiedNanos() != seen.modifiedNanos()
                || !sameFile) {
            throw changed(path, file, seen, null);
        }
    }

    private SourceChangedException changed(String path, Path file, Attributes seen, @Nullable Throwable cause) {
        String now;
        try {
            Attributes a = Attributes.read(file);
            now = a.regularFile() ? a.size() + " bytes" : "no longer a regular file";
        } catch (IOException e) {
            now = "gone";
        }
        return new SourceChangedException(
                path,
                "file '" + path + "' (" + file + ") changed while " + operation + " read it: " + seen.size()
                        + " bytes when listed, " + now + " now (or modified meanwhile); nothing was committed;"
                        + " snapshot again when writers are done",
                cause);
    }

    /**
     * Refuses, before any file is read, a directory whose tree would exceed {@link Trees#MAX_BYTES}: the bound is
     * computed from the names alone, so a directory that fits is never refused after the work.
     */
    private static void requireTreeFits(String relative, List<Path> children) {
        long bound = Trees.EMPTY_BYTES;
        for (Path child : children) {
            bound += Trees.entryBound(child.getFileName().toString());
        }
        if (bound > Trees.MAX_BYTES) {
            throw new UnsafePathException(
                    relative.isEmpty() ? "." : relative,
                    "the directory holds " + children.size() + " entries, more than one tree can list (its"
                            + " manifest could exceed " + Trees.MAX_BYTES + " bytes, see docs/lake-format.md);"
                            + " split it into subdirectories");
        }
    }

    /**
     * Packs content of at most {@code limit} bytes; longer content (a file that grew since its stat, a long stream)
     * is stored whole.
     */
    private ContentInfo storeUpTo(InputStream in, int limit) throws IOException {
        byte[] buffer = new byte[limit + 1];
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n > limit) {
            return store.putContent(new SequenceInputStream(new ByteArrayInputStream(buffer, 0, n), in));
        }
        return packer.add(buffer, n);
    }

    private void finish(
            String path, Slot slot, ContentInfo info, boolean executable, StatCache.@Nullable FileStat stat) {
        hashObserver.accept(info.digest());
        Trees.FileEntry entry = new Trees.FileEntry(slot.name, info.size(), info.digest(), executable);
        if (cache != null && stat != null && stat.size() == info.size()) {
            cache.record(path, stat, info.digest());
        }
        rememberCsv(path, entry);
        report(1, info.size());
        fill(slot, entry);
    }

    private void rememberCsv(String path, Trees.FileEntry entry) {
        if (Profiles.isCsv(path)) {
            synchronized (csvFiles) {
                csvFiles.add(new StoredFile(path, entry));
            }
        }
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws IOException;
    }

    private void submit(IoTask task) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
            return;
        }
        runHolding(executor, inFlight, task);
    }

    /**
     * Makes a request to a remote store on the requests' threads, where up to {@link ContentTrees#REQUESTS_IN_FLIGHT}
     * wait at once: a request waits on the network rather than computes, so it does not take one of the workers, and
     * a level of 100 trees costs a few round trips, not 100 / workers.
     */
    private void request(IoTask task) {
        requestWindow.acquireUninterruptibly();
        runHolding(requests, requestWindow, task);
    }

    /**
     * Runs a task on an executor while it holds a permit the caller took: the task releases it when it ends, and
     * records its failure instead of throwing; the permit goes back at once if the executor refuses the task.
     */
    private void runHolding(Executor on, Semaphore permit, IoTask task) {
        try {
            on.execute(() -> {
                try {
                    if (failure.get() == null) {
                        task.run();
                    }
                } catch (IOException | RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    permit.release();
                }
            });
        } catch (RejectedExecutionException e) {
            permit.release();
            throw refused(e);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    /** A closed {@code Mlops} (or a host's executor shut down) is a wrong state, not a foreign failure. */
    static IllegalStateException refused(RejectedExecutionException e) {
        return new IllegalStateException(
                "the executor refused the snapshot's work: the Mlops instance was closed, or"
                        + " the executor the host gave it was shut down; snapshot through an open Mlops",
                e);
    }

    private void awaitRequests() {
        requestWindow.acquireUninterruptibly(ContentTrees.REQUESTS_IN_FLIGHT);
        requestWindow.release(ContentTrees.REQUESTS_IN_FLIGHT);
    }

    /**
     * Waits until every submitted task has ended: each holds a permit until its end and records its own failure, so
     * no future per file needs to be kept (100,000 files would keep 100,000 futures alive until the end).
     */
    private void awaitTasks() {
        inFlight.acquireUninterruptibly(permits);
        inFlight.release(permits);
    }

    private void checkFailure() {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        if (t instanceof NoSuchFileException missing) {
            throw new MlopsException(
                    "a file vanished while " + operation + " read it: " + missing.getFile()
                            + "; snapshot a directory that nobody changes meanwhile",
                    t);
        }
        if (t instanceof IOException io) {
            throw StorageException.of(
                    operation + " could not read its source: " + io
                            + "; check that the files are readable and their disk is reachable, then snapshot again",
                    io);
        }
        throw new MlopsException(operation + " failed: " + t, t);
    }

    private void report(long files, long bytes) {
        long f = filesDone.addAndGet(files);
        long b = bytesDone.addAndGet(bytes);
        boolean counted = !walking;
        progress.onProgress(new ProgressListener.ProgressEvent(
                operation, f, counted ? filesSeen.get() : -1, b, counted ? bytesSeen.get() : -1));
    }

    // --- trees -----------------------------------------------------------------------------------------------

    /** A directory's tree, and whether it is the one the stat cache remembered. */
    private record BuiltTree(Digest digest, boolean unchanged) {}

    /**
     * A tree to store, with its encoding; on a store with local calls, written once the first {@code packsBefore}
     * packs of the snapshot are sealed.
     */
    private record NewTree(Digest digest, byte[] bytes, int depth, long packsBefore) {}

    /**
     * Stores the trees not written yet, the root last; returns the root.
     *
     * <p>A tree is written only after every tree it names exists, and after the contents it names: a tree in the
     * lake means its whole subtree is, so a tree the lake is known to hold (the caller's, or the stat cache's last
     * root) needs no request for anything below it. On a store with local calls each tree was written as soon as it
     * was built and the packs its files may be in were sealed ({@link #writeTree}): only the last ones are left. On a
     * remote store the trees wait here, encoded, so that one request can tell that the whole tree is in the lake
     * already (the same artifacts registered again write nothing); then they are written level by level, deepest
     * first, each level in parallel: one round trip per level, not one per directory.
     */
    private Digest storeTrees(Digest root) {
        if (localCalls) {
            synchronized (unwritten) {
                writeReadyTrees(true);
            }
            return root;
        }
        int count = levels.stream().mapToInt(List::size).sum();
        if (count == 0) {
            return root;
        }
        if (knownTrees.contains(root) || (lookUpRoot && count > 1 && store.exists(Trees.key(root)))) {
            return root; // the whole tree is in the lake already: one request at most instead of one per tree
        }
        for (int depth = levels.size() - 1; depth >= 0; depth--) {
            for (NewTree tree : levels.get(depth)) {
                request(() -> {
                    boolean unused = store.createIfAbsent(Trees.key(tree.digest()), tree.bytes());
                });
            }
            awaitRequests();
            checkFailure();
        }
        return root;
    }

    /**
     * Hands a new tree to be written. On a store with local calls it is written at once if the packs that may hold
     * its files are sealed, else as soon as they are (a pack holds at most {@link Packs#TARGET_PACK_BYTES}, so few
     * trees wait); in the order built, so a tree is written after its subtrees. One thread writes at a time: a
     * system call each, nothing to overlap, and one writing thread leaves one temp file if killed.
     */
    private void writeTree(NewTree tree) {
        if (!localCalls) {
            synchronized (levels) {
                while (levels.size() <= tree.depth()) {
                    levels.add(new ArrayList<>());
                }
                levels.get(tree.depth()).add(tree);
            }
            return;
        }
        synchronized (unwritten) {
            unwritten.add(tree);
            writeReadyTrees(false);
        }
    }

    /** Writes the waiting trees whose packs are sealed, or all of them; the caller holds {@link #unwritten}. */
    private void writeReadyTrees(boolean all) {
        for (NewTree tree; (tree = unwritten.peek()) != null; unwritten.poll()) {
            if (!all && packer.sealedPacks() < tree.packsBefore()) {
                return;
            }
            boolean unused = store.createIfAbsent(Trees.key(tree.digest()), tree.bytes());
        }
    }

    /** Builds a directory whose files and subdirectories are all done, and hands its tree to be written if new. */
    private BuiltTree buildTree(Dir dir) {
        Map<String, Object> children = childrenOf(dir);
        boolean unchanged = cache != null && dir.filesUnchanged;
        List<Trees.Entry> entries = new ArrayList<>(children.size());
        long files = 0;
        long bytes = 0;
        for (Map.Entry<String, Object> child : children.entrySet()) {
            if (child.getValue() instanceof Dir sub) {
                BuiltTree tree = Objects.requireNonNull(sub.built, "unbuilt directory");
                unchanged &= tree.unchanged();
                entries.add(new Trees.DirEntry(child.getKey(), tree.digest()));
            } else {
                Trees.FileEntry entry = Objects.requireNonNull(((Slot) child.getValue()).entry, "unfinished file");
                files++;
                bytes += entry.size();
                entries.add(entry);
            }
        }
        treeFiles.addAndGet(files);
        treeBytes.addAndGet(bytes);
        if (cache != null && unchanged) {
            Digest known = cache.lookupTreeAndRecord(dir.path, entries.size());
            if (known != null && rememberedTreeInLake(known)) {
                return new BuiltTree(known, true);
            }
        }
        // the mark is taken before the encoding: every file of this directory was added to the packer by now
        long packsBefore = localCalls ? packer.packsToSeal() : 0;
        byte[] encoded = Trees.encode(entries);
        Digest digest = Digest.of(encoded);
        if (cache != null) {
            cache.recordTree(dir.path, entries.size(), digest);
        }
        if (!knownTrees.contains(digest)) {
            writeTree(new NewTree(digest, encoded, dir.depth, packsBefore));
        }
        return new BuiltTree(digest, false);
    }

    /**
     * Whether a tree the stat cache remembers is in the lake. On a local store each one is looked up (a stat), so a
     * re-snapshot rewrites a tree a damaged lake lost; on a remote one, a request per directory would cost more than
     * the snapshot, so the cache's last root is looked up once, and every tree it remembers is below that root.
     */
    private boolean rememberedTreeInLake(Digest tree) {
        if (localCalls) {
            return store.exists(Trees.key(tree));
        }
        return cacheRootInLake();
    }

    /**
     * Whether the root the stat cache remembers is in the lake, so that every tree the cache remembers is too; asked
     * at most once per snapshot, and not at all when the caller knows that root.
     */
    private synchronized boolean cacheRootInLake() {
        if (cacheRootInLake == null) {
            Digest previous = Objects.requireNonNull(cache).previousRoot();
            cacheRootInLake = previous != null && (knownTrees.contains(previous) || store.exists(Trees.key(previous)));
        }
        return cacheRootInLake;
    }

    // --- attributes: one stat per file -------------------------------------------------------------------------

    record Attributes(
            boolean directory,
            boolean regularFile,
            boolean symbolicLink,
            long size,
            boolean executable,
            long modifiedNanos,
            StatCache.@Nullable FileStat stat,
            @Nullable Object fileKey) {

        static Attributes read(Path path) throws IOException {
            if (path.getFileSystem() == FileSystems.getDefault() || supportsUnix(path)) {
                try {
                    Map<String, Object> a = Files.readAttributes(
                            path,
                            "unix:mode,ino,dev,size,lastModifiedTime,ctime,isDirectory,isRegularFile,isSymbolicLink,fileKey",
                            LinkOption.NOFOLLOW_LINKS);
                    int mode = ((Number) a.get("mode")).intValue();
                    long size = (Long) a.get("size");
                    boolean executable = (mode & 0100) != 0;
                    StatCache.FileStat stat = new StatCache.FileStat(
                            ((Number) a.get("dev")).longValue(),
                            ((Number) a.get("ino")).longValue(),
                            size,
                            nanos((FileTime) a.get("lastModifiedTime")),
                            nanos((FileTime) a.get("ctime")),
                            executable);
                    return new Attributes(
                            (Boolean) a.get("isDirectory"),
                            (Boolean) a.get("isRegularFile"),
                            (Boolean) a.get("isSymbolicLink"),
                            size,
                            executable,
                            stat.mtimeNanos(),
                            stat,
                            a.get("fileKey"));
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    // no "unix" view here: fall through
                }
            }
            try {
                PosixFileAttributes a =
                        Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new Attributes(
                        a.isDirectory(),
                        a.isRegularFile(),
                        a.isSymbolicLink(),
                        a.size(),
                        a.permissions().contains(PosixFilePermission.OWNER_EXECUTE),
                        nanos(a.lastModifiedTime()),
                        null,
                        a.fileKey());
            } catch (UnsupportedOperationException e) {
                return readBasic(path);
            }
        }

        /**
         * Reads type, size, modification time and file key, without the executable bit or the stat cache's fields:
         * what the checks around each read compare. One object per call, where the {@code unix:} view builds a map of
         * boxed values from a parsed list of names (most of a cold snapshot's garbage per file, issue 19).
         */
        static Attributes readBasic(Path path) throws IOException {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Attributes(
                    a.isDirectory(),
                    a.isRegularFile(),
                    a.isSymbolicLink(),
                    a.size(),
                    false,
                    nanos(a.lastModifiedTime()),
                    null,
                    a.fileKey());
        }

        private static boolean supportsUnix(Path path) {
            return path.getFileSystem().supportedFileAttributeViews().contains("unix");
        }

        private static long nanos(FileTime time) {
            return time.to(TimeUnit.NANOSECONDS);
        }
    }
}
