package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;
import org.mlops4j.data.internal.DataServices;
import org.mlops4j.data.profile.TableProfile;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.lineage.UpstreamResolver;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoreVerification;
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
    /** Threads of a status walk: stats of a cold directory wait on the disk, so more than the cores. */
    private static final int STATUS_THREADS =
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final ObjectStore store;
    private final VersionAllocator versions;
    private final Clock clock;
    private final @Nullable Path statCacheDirectory;
    private final LineageIndex lineageIndex;
    private final ContentTrees trees;

    /**
     * Creates the dataset API on a lake; {@code Mlops} does this, through {@link DataServices}.
     *
     * @param store the lake
     * @param versions the lake's version allocator
     * @param executor runs hashing and transfers in parallel
     * @param parallelism the bound on files in flight per worker
     * @param clock timestamps records
     * @param statCacheDirectory where stat caches live; null switches them off
     */
    static {
        DataServices.DATASETS.install(Datasets::new);
        DataServices.TREES.install(Trees::decodeEntries);
    }

    private Datasets(
            ObjectStore store,
            VersionAllocator versions,
            ExecutorService executor,
            int parallelism,
            Clock clock,
            @Nullable Path statCacheDirectory) {
        this.store = Objects.requireNonNull(store, "store");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.statCacheDirectory = statCacheDirectory;
        this.lineageIndex = new LineageIndex(store);
        this.trees = new ContentTrees(store, Objects.requireNonNull(executor, "executor"), parallelism);
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
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
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
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
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
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
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
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
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
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public DatasetDiff diff(DatasetVersion older, DatasetVersion newer) {
        return trees.diff(older.getDigest(), newer.getDigest());
    }

    /**
     * Compares a directory with the latest version of a dataset, as a snapshot of it would, without storing anything:
     * which paths a snapshot now would add, remove or change, and which files only moved. Files the stat cache of the
     * directory's last snapshot vouches for are not read (see {@link SnapshotBuilder#statCache}); the others are
     * hashed. When nothing changed, no tree is read from the lake. The cache is not updated.
     *
     * @param name the dataset's name
     * @param directory the working directory, as given to {@code snapshot(name).directory(…)}
     * @return what differs; {@link DatasetStatus#isClean()} when a snapshot would return the latest version
     * @throws IllegalArgumentException if the name is invalid
     * @throws NotFoundException if the dataset has no version, or the directory does not exist
     * @throws UnsafePathException if the directory holds what a snapshot refuses (a device, socket or FIFO, or a
     *     symbolic link that leaves it or points to a directory)
     * @throws org.mlops4j.common.MlopsException if a file cannot be read
     * @throws org.mlops4j.common.StorageException if the store cannot be read; it says whether trying again may help
     */
    public DatasetStatus status(String name, Path directory) {
        Objects.requireNonNull(directory, "directory");
        DatasetVersion latest = findLatest(name)
                .orElseThrow(() -> new NotFoundException(
                        "dataset '" + name + "' has no version to compare " + directory + " with; snapshot it first"));
        if (!java.nio.file.Files.isDirectory(directory)) {
            throw new NotFoundException("status of '" + name + "': the directory " + directory.toAbsolutePath()
                    + " does not exist or is not a directory; give the directory that was snapshot");
        }
        Path cacheFile = directory.getFileSystem() == FileSystems.getDefault() ? statCacheFile(directory) : null;
        StatCacheView view =
                cacheFile == null ? StatCacheView.empty() : StatCacheView.open(cacheFile, RACY_GRANULARITY_NANOS);
        Supplier<StatCache> movesCache = () -> cacheFile == null
                ? StatCache.empty(RACY_GRANULARITY_NANOS)
                : StatCache.load(cacheFile, RACY_GRANULARITY_NANOS);
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            throw new NotFoundException("status of '" + name + "': cannot resolve " + directory + ": " + e);
        }
        WorkingTreeStatus status = new WorkingTreeStatus(store, view, movesCache, root);
        try {
            return status.compare(latest.getRef(), latest.getDigest(), STATUS_THREADS);
        } finally {
            status.discardMoves(); // a status records moved files as a snapshot would, but saves nothing
        }
    }

    /**
     * Writes a version's files into a directory: they are written and hashed in a fresh private directory beside it,
     * which is renamed into place only when every digest matched; no symbolic link in the target is ever followed
     * (see {@link ContentTrees#checkout}). Empty directories and executable bits are restored.
     *
     * @param version the version
     * @param directory an absent or empty directory
     * @return the number of files written
     * @throws IllegalStateException if the directory is not empty
     * @throws org.mlops4j.common.ConflictException if something appeared in the directory meanwhile; nothing of the
     *     version is put there then
     * @throws UnsafePathException if names would collide on this (case-insensitive) filesystem, or a stored name is
     *     unsafe; nothing is written then
     * @throws IntegrityException if stored bytes do not match their digest
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public long checkout(DatasetVersion version, Path directory) {
        Objects.requireNonNull(version, "version");
        return trees.checkout(version.getDigest(), directory, version.getRef().toString());
    }

    /**
     * Opens one file of a version. The stream checks the bytes: at the end of the stream, or on close after the last
     * byte, it throws {@link IntegrityException} if they do not match the recorded digest.
     *
     * @param version the version
     * @param path the file's path in the dataset, {@code /}-separated
     * @return the stream; the caller closes it
     * @throws NotFoundException if the version has no such file
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public InputStream open(DatasetVersion version, String path) {
        return trees.open(version.getDigest(), path, version.getRef().toString());
    }

    /**
     * Reads the profile of one CSV file of a version: schema, row count, per-column statistics, quantiles, top values
     * and a seeded sample, computed when the version was committed.
     *
     * @param version the version
     * @param path the CSV file's path
     * @return the profile, or empty if the file is not a profiled CSV file
     * @throws IntegrityException if the stored profile is damaged
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public Optional<TableProfile> findProfile(DatasetVersion version, String path) {
        Digest digest = version.getProfiles().get(path);
        return digest == null
                ? Optional.empty()
                : Optional.of(Profiles.read(store, digest, "'" + path + "' of " + version.getRef()));
    }

    /**
     * Re-hashes every file and tree of a version, and rewrites missing lineage index entries of its parents.
     *
     * @param version the version
     * @return what was checked and every problem found
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public DatasetVerification verify(DatasetVersion version) {
        ContentTrees.TreeVerification content =
                trees.verify(version.getDigest(), version.getRef().toString());
        int repaired = 0;
        for (LineageEdge edge : inputEdges(version)) {
            if (lineageIndex.repair(edge)) {
                repaired++;
            }
        }
        return new DatasetVerification(
                version.getRef(), content.files(), content.bytes(), content.problems(), repaired);
    }

    /**
     * Checks every object of the lake by its kind (lake format §1.1): each content (whole files and packs) re-hashed;
     * each pack record read strictly and its pack's index and trailer checked against it, and the pack present; the
     * pack index pointer and every layer it names; each tree re-hashed and read; each profile index record and the
     * profile it names; {@code lake.json}; every other record read as canonical JSON with a well-formed format and, if
     * it has one, a matching checksum (§5.1); each dataset version record decoded in full, with its root tree present.
     * Reads the whole lake: meant for tests, repairs and audits. Nothing is changed.
     *
     * <p>Model versions are checked one by one, with their artifacts, by
     * {@link org.mlops4j.registry.ModelRegistry#verify(org.mlops4j.registry.ModelRef)}.
     *
     * @return how many contents and other objects were checked, and one line per problem, each naming its key
     * @throws org.mlops4j.common.StorageException if the store cannot be listed or read; it says whether trying again
     *     may help
     */
    public StoreVerification verifyLake() {
        return LakeVerifier.verify(store);
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

    /** Returns the content-addressed trees under the datasets, shared with the model registry's artifacts. */
    public ContentTrees contentTrees() {
        return trees;
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
        Optional<DatasetVersion> latest = findLatest(name);
        // the latest version's trees are in the lake (its record was written after them): a no-change re-snapshot
        // writes and asks for no tree
        Set<Digest> knownTrees = latest.map(v -> Set.of(v.getDigest())).orElse(Set.of());
        Snapshotter.Result result;
        try {
            result = trees.store(builder.sources, cache, knownTrees, builder.progress, "snapshot " + name);
        } catch (RuntimeException | Error e) {
            if (cache != null) {
                cache.discard();
            }
            throw e;
        }
        if (cache != null) {
            try {
                cache.save(cacheFile, nanosOf(started));
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(Datasets.class)
                        .debug("cannot write the stat cache {}; the next snapshot hashes everything", cacheFile, e);
            }
        }
        if (latest.isPresent()) {
            // heal the index sooner: a writer killed between the latest record and its edges left them unwritten
            for (LineageEdge edge : inputEdges(latest.get())) {
                boolean unused = lineageIndex.record(edge);
            }
        }
        if (latest.isPresent()
                && latest.get().getDigest().equals(result.root())
                && latest.get().getParents().equals(parents)
                && latest.get().getTransform().equals(Optional.ofNullable(builder.transform))) {
            return latest.get();
        }
        Map<String, Digest> profiles =
                builder.profileCsv ? Profiles.profileCsvFiles(store, trees.contents(), result.csvFiles()) : Map.of();
        String commitId = UUID.randomUUID().toString();
        Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String author = builder.author != null ? builder.author : System.getProperty("user.name", "unknown");
        String message = builder.message != null ? builder.message : "";
        Map<Long, byte[]> written = new ConcurrentHashMap<>();
        VersionAllocator.AllocatedVersion allocated = versions.allocateFresh(
                series(name),
                commitId,
                n -> written.computeIfAbsent(
                        n,
                        k -> DatasetRecords.encode(new DatasetVersion(
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
                                commitId))),
                DatasetRecords::commitIdOf);
        DatasetRef ref = new DatasetRef(name, allocated.number());
        // the record this call wrote is known: read it back only when an earlier attempt's record was found instead
        DatasetVersion version = allocated.recovered()
                ? get(ref)
                : DatasetRecords.decode(Objects.requireNonNull(written.get(allocated.number())), ref);
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
        return statCacheFile(source.directory());
    }

    private @Nullable Path statCacheFile(Path directory) {
        if (statCacheDirectory == null) {
            return null;
        }
        try {
            String identity = HostName.get() + "\n" + directory.toRealPath() + "\n" + store;
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
        return LakeLayout.datasetVersions(name);
    }
}
