package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.mlops4j.IntegrityException;
import org.mlops4j.MlopsException;
import org.mlops4j.NotFoundException;
import org.mlops4j.Page;
import org.mlops4j.Paged;
import org.mlops4j.lake.Digest;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.lineage.UpstreamResolver;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.VersionAllocator;

/**
 * Versioned, content-addressed datasets with lineage (DESIGN §3.2): snapshot a directory, files or streams into an
 * immutable {@link DatasetVersion}; read it back, compare it, check it.
 *
 * <p>Thread-safe; obtain it from {@code Mlops.datasets()}. Example:
 *
 * <pre>{@code
 * DatasetVersion v1 = mlops.datasets().snapshot("churn-raw").directory(Path.of("data")).commit();
 * mlops.datasets().checkout(v1, Path.of("/tmp/churn-v1"));
 * }</pre>
 */
public final class Datasets {
    private static final long RACY_GRANULARITY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ObjectStore store;
    private final VersionAllocator versions;
    private final ExecutorService executor;
    private final int parallelism;
    private final Clock clock;
    private final @Nullable Path statCacheDirectory;
    private final LineageIndex lineageIndex;

    /**
     * Creates the dataset API on a lake; {@code Mlops} does this for you.
     *
     * @param store the lake
     * @param versions the lake's version allocator
     * @param executor runs hashing and transfers in parallel
     * @param parallelism the bound on files in flight per worker
     * @param clock timestamps records
     * @param statCacheDirectory where stat caches live; null switches them off
     */
    public Datasets(
            ObjectStore store,
            VersionAllocator versions,
            ExecutorService executor,
            int parallelism,
            Clock clock,
            @Nullable Path statCacheDirectory) {
        this.store = Objects.requireNonNull(store, "store");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.parallelism = parallelism;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.statCacheDirectory = statCacheDirectory;
        this.lineageIndex = new LineageIndex(store);
    }

    /**
     * Starts a snapshot of raw data.
     *
     * @param name the dataset's name
     * @return a builder; call {@link SnapshotBuilder#commit()}
     * @throws IllegalArgumentException if the name is invalid
     */
    public SnapshotBuilder snapshot(String name) {
        return new SnapshotBuilder(this, name);
    }

    /**
     * Starts a snapshot of data derived from other versions: give {@code from(…)} and {@code transform(…)}.
     *
     * @param name the derived dataset's name
     * @return a builder; call {@link SnapshotBuilder#commit()}
     * @throws IllegalArgumentException if the name is invalid
     */
    public SnapshotBuilder derive(String name) {
        return new SnapshotBuilder(this, name);
    }

    /**
     * Reads a version.
     *
     * @param ref the version
     * @return the version
     * @throws NotFoundException if it does not exist
     */
    public DatasetVersion get(DatasetRef ref) {
        return find(ref)
                .orElseThrow(() -> new NotFoundException("dataset version " + ref + " does not exist;"
                        + " list versions with history(\"" + ref.name() + "\")"));
    }

    /**
     * Reads a version.
     *
     * @param name the dataset's name
     * @param number the version number
     * @return the version
     * @throws NotFoundException if it does not exist
     */
    public DatasetVersion get(String name, long number) {
        return get(new DatasetRef(name, number));
    }

    /**
     * Looks up a version.
     *
     * @param ref the version
     * @return the version, or empty
     */
    public Optional<DatasetVersion> find(DatasetRef ref) {
        return store.find(VersionAllocator.versionKey(series(ref.name()), ref.version()))
                .map(object -> DatasetRecords.decode(object.getBytes(), ref));
    }

    /**
     * Looks up the newest version of a dataset.
     *
     * @param name the dataset's name
     * @return the newest version, or empty if the dataset has none
     */
    public Optional<DatasetVersion> findLatest(String name) {
        long highest = versions.findHighest(series(DatasetRef.requireValidName(name)));
        return highest == 0 ? Optional.empty() : find(new DatasetRef(name, highest));
    }

    /**
     * Lists a dataset's versions, newest first, page by page.
     *
     * @param name the dataset's name
     * @return the versions
     */
    public Paged<DatasetVersion> history(String name) {
        StoreKey series = series(DatasetRef.requireValidName(name));
        return Paged.of(token -> {
            long next = token == null ? versions.findHighest(series) : Long.parseLong(token);
            List<DatasetVersion> page = new ArrayList<>();
            while (next >= 1 && page.size() < 100) {
                find(new DatasetRef(name, next)).ifPresent(page::add); // gaps only where GC removed versions
                next--;
            }
            return new Page<>(page, next >= 1 ? Long.toString(next) : null);
        });
    }

    /**
     * Compares two versions path by path; identical subtrees are skipped by their digests.
     *
     * @param older the first version
     * @param newer the second version
     * @return the added, removed and changed paths
     */
    public DatasetDiff diff(DatasetVersion older, DatasetVersion newer) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        diffTrees(older.getDigest(), newer.getDigest(), "", added, removed, changed);
        added.sort(StoreKey::compareUtf8);
        removed.sort(StoreKey::compareUtf8);
        changed.sort(StoreKey::compareUtf8);
        return new DatasetDiff(added, removed, changed);
    }

    /**
     * Writes a version's files into a directory: each file goes to a temp file, is hashed, and is renamed into place
     * only when its digest matched. Empty directories and executable bits are restored.
     *
     * @param version the version
     * @param directory an absent or empty directory
     * @return the number of files written
     * @throws IllegalStateException if the directory is not empty
     * @throws UnsafePathException if names would collide on this (case-insensitive) filesystem, or a stored name is
     *     unsafe; nothing is written then
     * @throws IntegrityException if stored bytes do not match their digest
     */
    public long checkout(DatasetVersion version, Path directory) {
        Objects.requireNonNull(version, "version");
        List<Placed> files = new ArrayList<>();
        List<String> emptyDirectories = new ArrayList<>();
        List<List<String>> directoryNames = new ArrayList<>();
        collect(version.getDigest(), "", version.getRef().toString(), files, emptyDirectories, directoryNames);
        try {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> existing = Files.newDirectoryStream(directory)) {
                if (existing.iterator().hasNext()) {
                    throw new IllegalStateException("checkout of " + version.getRef() + " needs an empty directory; "
                            + directory + " is not empty");
                }
            }
            if (hasCaseCollisions(directoryNames) && isCaseInsensitive(directory)) {
                throw new UnsafePathException(
                        caseCollision(directoryNames),
                        "names differ only by case, and " + directory + " is on a case-insensitive filesystem;"
                                + " check out on a case-sensitive one");
            }
            for (String empty : emptyDirectories) {
                Files.createDirectories(resolveInside(directory, empty));
            }
        } catch (IOException e) {
            throw new MlopsException("cannot check out " + version.getRef() + " into " + directory + ": " + e, e);
        }
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (Placed file : files) {
            Path target = resolveInside(directory, file.path());
            tasks.add(CompletableFuture.runAsync(() -> writeVerified(version, file, target), executor));
        }
        joinAll(tasks);
        return files.size();
    }

    /**
     * Opens one file of a version. The stream checks the bytes: at the end of the stream, or on close after the last
     * byte, it throws {@link IntegrityException} if they do not match the recorded digest.
     *
     * @param version the version
     * @param path the file's path in the dataset, {@code /}-separated
     * @return the stream; the caller closes it
     * @throws NotFoundException if the version has no such file
     */
    public InputStream open(DatasetVersion version, String path) {
        String[] segments = PathRules.checkRelativePath(path);
        Digest tree = version.getDigest();
        for (int i = 0; i < segments.length; i++) {
            Trees.Entry found = null;
            for (Trees.Entry entry : Trees.read(store, tree, version.getRef().toString())) {
                if (entry.name().equals(segments[i])) {
                    found = entry;
                    break;
                }
            }
            boolean last = i == segments.length - 1;
            if (found instanceof Trees.FileEntry file && last) {
                return new VerifyingInputStream(
                        store.openContent(file.digest()),
                        file.digest(),
                        file.size(),
                        "file '" + path + "' of " + version.getRef());
            }
            if (!(found instanceof Trees.DirEntry dir) || last) {
                throw new NotFoundException("dataset version " + version.getRef() + " has no file '" + path + "'");
            }
            tree = dir.tree();
        }
        throw new NotFoundException("dataset version " + version.getRef() + " has no file '" + path + "'");
    }

    /**
     * Re-hashes every file and tree of a version, and rewrites missing lineage index entries of its parents.
     *
     * @param version the version
     * @return what was checked and every problem found
     */
    public DatasetVerification verify(DatasetVersion version) {
        List<String> problems = new ArrayList<>();
        List<Placed> files = new ArrayList<>();
        try {
            collect(version.getDigest(), "", version.getRef().toString(), files, new ArrayList<>(), new ArrayList<>());
        } catch (IntegrityException | UnsafePathException e) {
            problems.add(e.getMessage());
        }
        long bytes = 0;
        for (Placed file : files) {
            try (InputStream in = new VerifyingInputStream(
                    store.openContent(file.entry().digest()),
                    file.entry().digest(),
                    file.entry().size(),
                    "file '" + file.path() + "'")) {
                in.transferTo(OutputStream.nullOutputStream());
                bytes += file.entry().size();
            } catch (IntegrityException | NotFoundException e) {
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add("cannot read file '" + file.path() + "': " + e);
            }
        }
        int repaired = 0;
        for (LineageEdge edge : inputEdges(version)) {
            if (lineageIndex.record(edge)) {
                repaired++;
            }
        }
        return new DatasetVerification(version.getRef(), files.size(), bytes, problems, repaired);
    }

    /** Returns the reader of dataset versions' inputs, for {@link org.mlops4j.lineage.Lineage}. */
    public UpstreamResolver upstreamResolver() {
        return node -> {
            if (!LineageNode.DATASET.equals(node.kind())) {
                return Optional.empty();
            }
            return Optional.of(inputEdges(get(node.name(), node.version())));
        };
    }

    /** Returns the lineage index this API writes. */
    public LineageIndex lineageIndex() {
        return lineageIndex;
    }

    @Override
    public String toString() {
        return "Datasets{lake=" + store + "}";
    }

    // --- commit ------------------------------------------------------------------------------------------------

    DatasetVersion commit(SnapshotBuilder builder) {
        String name = builder.name();
        List<DatasetRef> parents = List.copyOf(builder.parents);
        for (DatasetRef parent : parents) {
            if (!store.exists(VersionAllocator.versionKey(series(parent.name()), parent.version()))) {
                throw new NotFoundException(
                        "parent " + parent + " of dataset '" + name + "' does not exist;" + " snapshot it first");
            }
        }
        Instant started = clock.instant();
        StatCache cache = null;
        Path cacheFile = null;
        if (builder.statCache && statCacheDirectory != null) {
            cacheFile = statCacheFile(builder);
            if (cacheFile != null) {
                cache = StatCache.load(cacheFile, RACY_GRANULARITY_NANOS);
            }
        }
        Snapshotter.Result result = new Snapshotter(
                        store, executor, parallelism, cache, builder.progress, "snapshot " + name)
                .run(builder.sources);
        if (cache != null) {
            try {
                cache.save(cacheFile, nanosOf(started));
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(Datasets.class)
                        .debug("cannot write the stat cache {}; the next snapshot hashes everything", cacheFile, e);
            }
        }
        Optional<DatasetVersion> latest = findLatest(name);
        if (latest.isPresent()
                && latest.get().getDigest().equals(result.root())
                && latest.get().getParents().equals(parents)
                && latest.get().getTransform().equals(Optional.ofNullable(builder.transform))) {
            return latest.get();
        }
        Map<String, Digest> profiles =
                builder.profileCsv ? Profiles.profileCsvFiles(store, result.storedFiles()) : Map.of();
        String commitId = UUID.randomUUID().toString();
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String author = builder.author != null ? builder.author : System.getProperty("user.name", "unknown");
        String message = builder.message != null ? builder.message : "";
        VersionAllocator.AllocatedVersion allocated = versions.allocate(
                series(name),
                commitId,
                n -> DatasetRecords.encode(new DatasetVersion(
                        new DatasetRef(name, n),
                        result.root(),
                        result.files(),
                        result.bytes(),
                        created,
                        author,
                        message,
                        builder.tags,
                        parents,
                        builder.transform,
                        profiles,
                        commitId)),
                DatasetRecords::commitIdOf);
        DatasetVersion version = get(new DatasetRef(name, allocated.number()));
        for (LineageEdge edge : inputEdges(version)) {
            boolean unused = lineageIndex.record(edge);
        }
        return version;
    }

    private @Nullable Path statCacheFile(SnapshotBuilder builder) {
        if (builder.sources.size() != 1
                || !(builder.sources.get(0) instanceof Snapshotter.DirectorySource source)
                || source.directory().getFileSystem() != FileSystems.getDefault()) {
            return null; // the cache is keyed by one source directory on this host's disk
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            String identity = host + "\n" + source.directory().toRealPath() + "\n" + store;
            return Objects.requireNonNull(statCacheDirectory)
                    .resolve(
                            Digest.of(identity.getBytes(StandardCharsets.UTF_8)).hex() + ".statcache");
        } catch (IOException e) {
            return null;
        }
    }

    private static long nanosOf(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    private List<LineageEdge> inputEdges(DatasetVersion version) {
        List<LineageEdge> edges = new ArrayList<>();
        LineageNode child = LineageNode.dataset(version.getName(), version.getNumber());
        for (DatasetRef parent : version.getParents()) {
            edges.add(new LineageEdge(LineageNode.dataset(parent.name(), parent.version()), child, LineageEdge.PARENT));
        }
        return edges;
    }

    static StoreKey series(String name) {
        return StoreKey.of("datasets/" + name + "/v");
    }

    // --- reading trees -----------------------------------------------------------------------------------------

    private record Placed(String path, Trees.FileEntry entry) {}

    private void collect(
            Digest tree,
            String prefix,
            String where,
            List<Placed> files,
            List<String> emptyDirectories,
            List<List<String>> directoryNames) {
        List<Trees.Entry> entries = Trees.read(store, tree, where);
        if (entries.isEmpty() && !prefix.isEmpty()) {
            emptyDirectories.add(prefix);
        }
        List<String> names = new ArrayList<>(entries.size());
        for (Trees.Entry entry : entries) {
            names.add(prefix.isEmpty() ? entry.name() : prefix + "/" + entry.name());
        }
        directoryNames.add(names);
        for (Trees.Entry entry : entries) {
            String path = prefix.isEmpty() ? entry.name() : prefix + "/" + entry.name();
            if (entry instanceof Trees.FileEntry file) {
                files.add(new Placed(path, file));
            } else {
                collect(((Trees.DirEntry) entry).tree(), path, where, files, emptyDirectories, directoryNames);
            }
        }
    }

    private void diffTrees(
            @Nullable Digest older,
            @Nullable Digest newer,
            String prefix,
            List<String> added,
            List<String> removed,
            List<String> changed) {
        if (Objects.equals(older, newer)) {
            return;
        }
        Map<String, Trees.Entry> before = entriesByName(older);
        Map<String, Trees.Entry> after = entriesByName(newer);
        if (older != null && newer != null && before.isEmpty() != after.isEmpty() && !prefix.isEmpty()) {
            // an empty directory gained or lost its last entry
            (before.isEmpty() ? removed : added).add(prefix + "/");
        }
        Set<String> names = new HashSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            Trees.Entry a = before.get(name);
            Trees.Entry b = after.get(name);
            if (a instanceof Trees.FileEntry fa && b instanceof Trees.FileEntry fb) {
                if (!fa.digest().equals(fb.digest()) || fa.executable() != fb.executable()) {
                    changed.add(path);
                }
                continue;
            }
            if (a instanceof Trees.DirEntry da && b instanceof Trees.DirEntry db) {
                diffTrees(da.tree(), db.tree(), path, added, removed, changed);
                continue;
            }
            if (a != null) {
                listAll(a, path, removed);
            }
            if (b != null) {
                listAll(b, path, added);
            }
        }
    }

    private Map<String, Trees.Entry> entriesByName(@Nullable Digest tree) {
        Map<String, Trees.Entry> map = new LinkedHashMap<>();
        if (tree != null) {
            for (Trees.Entry entry : Trees.read(store, tree, "diff")) {
                map.put(entry.name(), entry);
            }
        }
        return map;
    }

    /** Adds an entry's path, or for a directory every path under it (an empty one as {@code path/}). */
    private void listAll(Trees.Entry entry, String path, List<String> out) {
        if (entry instanceof Trees.FileEntry) {
            out.add(path);
            return;
        }
        List<Trees.Entry> entries = Trees.read(store, ((Trees.DirEntry) entry).tree(), "diff");
        if (entries.isEmpty()) {
            out.add(path + "/");
        }
        for (Trees.Entry child : entries) {
            listAll(child, path + "/" + child.name(), out);
        }
    }

    // --- checkout ----------------------------------------------------------------------------------------------

    private void writeVerified(DatasetVersion version, Placed file, Path target) {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".mlops4j-tmp");
        try {
            Files.createDirectories(target.getParent());
            MessageDigest sha = Digest.newSha256();
            long size = 0;
            try (InputStream in = store.openContent(file.entry().digest());
                    OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[128 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            Digest actual = Digest.ofHash(sha.digest());
            if (!actual.equals(file.entry().digest()) || size != file.entry().size()) {
                throw new IntegrityException("file '" + file.path() + "' of " + version.getRef() + " is damaged in the"
                        + " lake: expected " + file.entry().digest() + ", read " + actual + "; it was not written");
            }
            if (file.entry().executable()) {
                makeExecutable(temp);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MlopsException("cannot write '" + file.path() + "' of " + version.getRef() + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a leftover temp file is harmless and clearly named
            }
        }
    }

    private static void makeExecutable(Path path) throws IOException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = new HashSet<>(Files.getPosixFilePermissions(path));
        permissions.add(PosixFilePermission.OWNER_EXECUTE);
        if (permissions.contains(PosixFilePermission.GROUP_READ)) {
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(path, permissions);
    }

    private static Path resolveInside(Path directory, String path) {
        PathRules.checkRelativePath(path);
        Path resolved = directory;
        for (String segment : path.split("/")) {
            resolved = resolved.resolve(segment);
        }
        Path normalized = resolved.normalize();
        if (!normalized.startsWith(directory.normalize())) {
            throw new UnsafePathException(path, "it would be written outside " + directory);
        }
        return normalized;
    }

    private static boolean hasCaseCollisions(List<List<String>> directoryNames) {
        return !caseCollision(directoryNames).isEmpty();
    }

    private static String caseCollision(List<List<String>> directoryNames) {
        for (List<String> names : directoryNames) {
            Map<String, String> folded = new HashMap<>();
            for (String name : names) {
                String key = name.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
                String other = folded.putIfAbsent(key, name);
                if (other != null) {
                    return other + "' and '" + name;
                }
            }
        }
        return "";
    }

    private static boolean isCaseInsensitive(Path directory) throws IOException {
        Path probe = Files.createTempFile(directory, ".mlops4j-case-probe-", ".tmp");
        try {
            Path twin = probe.resolveSibling(probe.getFileName().toString().toUpperCase(Locale.ROOT));
            return Files.exists(twin);
        } finally {
            Files.delete(probe);
        }
    }

    private static void joinAll(List<CompletableFuture<Void>> tasks) {
        RuntimeException failure = null;
        for (CompletableFuture<Void> task : tasks) {
            try {
                task.join();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new MlopsException(e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
