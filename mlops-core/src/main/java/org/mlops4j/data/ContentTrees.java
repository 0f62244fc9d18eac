package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.common.StorageException;
import org.mlops4j.internal.FileTrees;
import org.mlops4j.internal.Redaction;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.internal.VerifyingInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed directory trees in the lake: what a dataset version or a model version's artifacts are. Stores
 * files once by their SHA-256, writes a canonical manifest per directory (a Merkle tree), and reads them back
 * verified: checkout, open, verify and diff.
 *
 * <p>Thread-safe. Obtain it from {@link Datasets#contentTrees()}.
 */
public final class ContentTrees {
    private static final Logger LOG = LoggerFactory.getLogger(ContentTrees.class);

    private final ObjectStore store;
    private final ContentPacks packs;
    /** How many requests to a remote store a snapshot keeps in flight at once (tree writes). */
    static final int REQUESTS_IN_FLIGHT = 32;

    private final ExecutorService executor;
    private final int parallelism;
    /**
     * Threads that wait on requests to a remote store, so that the workers keep computing: created when needed, ended
     * after a minute idle, daemons; at most {@link #REQUESTS_IN_FLIGHT} per snapshot.
     */
    private final ExecutorService requests = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "mlops4j-store-request");
        thread.setDaemon(true);
        return thread;
    });

    private volatile Consumer<Digest> hashObserver = digest -> {};

    ContentTrees(ObjectStore store, ExecutorService executor, int parallelism) {
        this.store = store;
        this.packs = new ContentPacks(store);
        this.executor = executor;
        this.parallelism = parallelism;
    }

    /**
     * Creates trees on a store.
     *
     * @param store the lake
     * @param executor runs hashing and transfers
     * @param parallelism the bound on files in flight per worker
     * @return the trees
     */
    public static ContentTrees on(ObjectStore store, ExecutorService executor, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        return new ContentTrees(
                Objects.requireNonNull(store, "store"), Objects.requireNonNull(executor, "executor"), parallelism);
    }

    /**
     * The outcome of storing a tree.
     *
     * @param digest the root tree's digest
     * @param files how many files it holds
     * @param bytes their total size
     */
    public record StoredTree(Digest digest, long files, long bytes) {}

    /**
     * Stores every file and empty directory under a directory as a tree.
     *
     * @param directory the directory
     * @param progress receives progress
     * @param operation names the work in progress events and messages
     * @return the root digest and totals
     * @throws UnsafePathException if a path breaks the naming rules
     * @throws org.mlops4j.common.NotFoundException if the directory does not exist
     * @throws IllegalArgumentException if it is a file
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public StoredTree storeDirectory(Path directory, ProgressListener progress, String operation) {
        Snapshotter.Result result =
                store(List.of(new Snapshotter.DirectorySource(directory)), null, null, progress, operation);
        return new StoredTree(result.root(), result.files(), result.bytes());
    }

    /**
     * Stores sources as a tree.
     *
     * @param knownTrees trees the lake holds with everything below them (a committed version's root): not written;
     *     null when the caller knows nothing of the lake, and the root is then looked up before any tree is written
     */
    Snapshotter.Result store(
            List<Snapshotter.Source> sources,
            @Nullable StatCache cache,
            @Nullable Set<Digest> knownTrees,
            ProgressListener progress,
            String operation) {
        Snapshotter snapshotter = new Snapshotter(
                        store,
                        new PackWriter(store, packs),
                        executor,
                        requests,
                        parallelism,
                        cache,
                        progress,
                        operation)
                .observeHashing(hashObserver);
        if (knownTrees != null) {
            snapshotter.knownTrees(knownTrees);
        }
        return snapshotter.run(sources);
    }

    /** Tells a test which contents snapshots hash (every file that was not a stat-cache hit). */
    void observeHashing(Consumer<Digest> observer) {
        hashObserver = Objects.requireNonNull(observer, "observer");
    }

    /** The lake's contents, whole or packed. */
    ContentPacks contents() {
        return packs;
    }

    /**
     * Writes a tree's files into a directory. Nothing is written in the directory itself while the files are written:
     * they go to a fresh private directory (mode 700) beside it, are hashed, and that directory is renamed into place
     * only when every digest matched, in one atomic rename that replaces the empty target. So a symbolic link planted
     * in the target after it was found empty is never followed: the rename fails instead (a {@link
     * org.mlops4j.common.ConflictException}) and nothing is written. Where no directory can be made beside the target
     * (its parent is not writable, or the target is a mount point) the private directory is made inside the target and
     * its entries are renamed into place one by one; a rename replaces a planted link, it never follows one. Empty
     * directories and executable bits are restored.
     *
     * @param root the tree's digest
     * @param directory an absent or empty directory
     * @param label names the tree in messages, e.g. {@code churn-raw@3}
     * @return the number of files written
     * @throws IllegalStateException if the directory is not empty
     * @throws org.mlops4j.common.ConflictException if something appeared in the directory while the tree was
     *     written; nothing of the tree is in it then
     * @throws UnsafePathException if names would collide on this (case-insensitive) filesystem, or a stored name is
     *     unsafe; nothing is written then
     * @throws IntegrityException if stored bytes do not match their digest
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public long checkout(Digest root, Path directory, String label) {
        List<Trees.Entry> top = Trees.read(store, root, label); // a root the lake lacks fails before anything is made
        Path target = directory.toAbsolutePath().normalize();
        Path staging = null;
        long files;
        try {
            Files.createDirectories(target);
            target = target.toRealPath(); // a target given through a link: the rename replaces the real directory
            requireEmpty(target, label);
            boolean beside = canStageBeside(target);
            staging = Files.createTempDirectory(beside ? target.getParent() : target, STAGING_PREFIX);
            files = new TreeCheckout(this, store, executor, parallelism, label, directory, target).write(top, staging);
            if (beside) {
                moveIntoPlace(staging, target, label);
            } else {
                moveEntriesIntoPlace(staging, target, label);
                Files.delete(staging);
            }
            staging = null;
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot check out " + label + " into " + directory + ": " + e
                            + "; check that the directory is writable and its disk has space",
                    e);
        } finally {
            if (staging != null) {
                try {
                    FileTrees.delete(staging);
                } catch (IOException e) {
                    LOG.debug("cannot remove the checkout's private directory {}", Redaction.redact(staging), e);
                }
            }
        }
        return files;
    }

    /** The private directory a checkout writes in; a short name (NAME_MAX holds for it, whatever the files' names). */
    private static final String STAGING_PREFIX = ".mlops4j-checkout-";

    private static void requireEmpty(Path target, String label) throws IOException {
        try (DirectoryStream<Path> existing = Files.newDirectoryStream(target)) {
            if (existing.iterator().hasNext()) {
                throw new IllegalStateException(
                        "checkout of " + label + " needs an empty directory; " + target + " is not empty");
            }
        }
    }

    /** Whether a private directory beside the target can be renamed onto it: a writable parent on the same disk. */
    private static boolean canStageBeside(Path target) throws IOException {
        Path parent = target.getParent();
        return parent != null
                && Files.isWritable(parent)
                && Files.getFileStore(parent).equals(Files.getFileStore(target))
                && isSameDevice(parent, target);
    }

    /** A mount point's store may equal its parent's in name; the device number tells them apart where it is known. */
    private static boolean isSameDevice(Path a, Path b) throws IOException {
        if (!a.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return true;
        }
        Object da = Files.getAttribute(a, "unix:dev");
        Object db = Files.getAttribute(b, "unix:dev");
        return Objects.equals(da, db);
    }

    /** Renames the private directory onto the empty target; a target someone wrote in meanwhile makes it fail. */
    private static void moveIntoPlace(Path staging, Path target, String label) throws IOException {
        try {
            Files.setPosixFilePermissions(staging, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions here: the directory keeps the default ones
        }
        try {
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE); // rename(2) replaces an empty directory
            } catch (FileAlreadyExistsException e) {
                Files.delete(target); // where rename does not replace (Windows): only an empty directory is deleted
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
            throw changedDuringCheckout(target, label, e);
        } catch (FileSystemException e) {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && !isEmpty(target)) {
                throw changedDuringCheckout(target, label, e);
            }
            throw e;
        }
    }

    /** Renames each entry of the private directory inside the target into the target; never replaces anything. */
    private static void moveEntriesIntoPlace(Path staging, Path target, String label) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(staging)) {
            stream.forEach(entries::add);
        }
        for (Path entry : entries) {
            try {
                Files.move(entry, target.resolve(entry.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw changedDuringCheckout(target, label, e);
            }
        }
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            return !stream.iterator().hasNext();
        }
    }

    private static ConflictException changedDuringCheckout(Path target, String label, Exception cause) {
        return new ConflictException(
                "checkout of " + label + " into " + target + ": something was written in the directory while the"
                        + " tree was checked out (" + cause.getMessage() + "); nothing of the tree was put there;"
                        + " check out into an empty directory that nobody else writes to",
                cause);
    }

    /**
     * Opens one file of a tree. The stream checks the bytes: at the end of the stream, or on close after the last
     * byte, it throws {@link IntegrityException} if they do not match the recorded digest.
     *
     * @param root the tree's digest
     * @param path the file's path, {@code /}-separated
     * @param label names the tree in messages
     * @return the stream; the caller closes it
     * @throws NotFoundException if the tree has no such file
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public InputStream open(Digest root, String path, String label) {
        String[] segments = PathRules.checkRelativePath(path);
        Digest tree = root;
        for (int i = 0; i < segments.length; i++) {
            Trees.Entry found = null;
            for (Trees.Entry entry : Trees.read(store, tree, label)) {
                if (entry.name().equals(segments[i])) {
                    found = entry;
                    break;
                }
            }
            boolean last = i == segments.length - 1;
            if (found instanceof Trees.FileEntry file && last) {
                ContentPacks.Opened opened = packs.openCopy(file.digest());
                return new VerifyingInputStream(
                        opened.stream(),
                        file.digest(),
                        file.size(),
                        () -> "file '" + path + "' of " + label + " ("
                                + opened.copy().where() + ")",
                        () -> packs.markDamaged(opened.copy()),
                        VerifyingInputStream.LAKE_ADVICE);
            }
            if (!(found instanceof Trees.DirEntry dir) || last) {
                throw new NotFoundException("dataset version " + label + " has no file '" + path + "'");
            }
            tree = dir.tree();
        }
        throw new NotFoundException("dataset version " + label + " has no file '" + path + "'");
    }

    /**
     * Counts a stored tree's files and bytes, reading only its manifests, not its contents: what registering a tree
     * that is already in the lake costs.
     *
     * @param root the tree's digest
     * @param label names the tree in messages
     * @return the root digest and totals
     * @throws NotFoundException if the lake holds no tree with that digest
     * @throws IntegrityException if a manifest below the root is missing or damaged
     */
    public StoredTree describe(Digest root, String label) {
        if (!store.exists(Trees.key(root))) {
            throw new NotFoundException("the lake has no tree " + root + " (" + label + "); store the directory"
                    + " first, e.g. with datasets().contentTrees().storeDirectory(…)");
        }
        List<Placed> files = new ArrayList<>();
        collect(root, "", label, files, new ArrayList<>(), new ArrayList<>());
        long bytes = 0;
        for (Placed file : files) {
            bytes += file.entry().size();
        }
        return new StoredTree(root, files.size(), bytes);
    }

    /**
     * What {@link #verify} found.
     *
     * @param files files re-hashed
     * @param bytes bytes re-hashed
     * @param problems one line per problem
     */
    public record TreeVerification(long files, long bytes, List<String> problems) {
        /** Copies the list. */
        public TreeVerification {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Re-hashes every file and tree.
     *
     * @param root the tree's digest
     * @param label names the tree in messages
     * @return what was checked and every problem found
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public TreeVerification verify(Digest root, String label) {
        List<String> problems = new ArrayList<>();
        List<Placed> files = new ArrayList<>();
        try {
            collect(root, "", label, files, new ArrayList<>(), new ArrayList<>());
        } catch (IntegrityException | UnsafePathException e) {
            problems.add(e.getMessage());
        }
        packs.refresh(); // every pack, so that every copy of each content is checked
        long bytes = 0;
        for (Placed file : files) {
            try {
                String problem = verifyCopies(file);
                if (problem != null) {
                    problems.add(problem);
                }
                bytes += file.entry().size();
            } catch (IntegrityException | NotFoundException e) {
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add("cannot read file '" + file.path() + "': " + e);
            }
        }
        return new TreeVerification(files.size(), bytes, problems);
    }

    /**
     * Compares two trees path by path; identical subtrees are skipped by their digests.
     *
     * @param older the first tree
     * @param newer the second tree
     * @return the added, removed and changed paths
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public DatasetDiff diff(Digest older, Digest newer) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        diffTrees(older, newer, "", added, removed, changed);
        added.sort(StoreKey::compareUtf8);
        removed.sort(StoreKey::compareUtf8);
        changed.sort(StoreKey::compareUtf8);
        return new DatasetDiff(added, removed, changed);
    }

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

    /**
     * Writes one file into the checkout's private directory, under its own name: the directory is the temp space (no
     * per-file temp name, so a 255-byte name fits), and it is put in place only when every file matched its digest.
     * No link is followed: nobody else writes in the private directory, and the file is opened with no-follow.
     */
    void writeVerified(String label, String path, Trees.FileEntry entry, Path staged, Path target) {
        try {
            List<String> damagedCopies = readIntactCopy(
                    () -> "file '" + path + "' of " + label,
                    entry,
                    () -> Channels.newOutputStream(FileChannel.open(staged, NEW_STAGED_FILE)));
            if (!damagedCopies.isEmpty()) {
                LOG.warn(
                        "file '{}' of {} has a damaged copy in the lake ({}); checked out from an intact one",
                        path,
                        label,
                        String.join("; ", damagedCopies));
            }
            if (entry.executable()) {
                makeExecutable(staged);
            }
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot write '" + path + "' of " + label + " for " + target + ": " + e
                            + "; check the target's disk and the lake's store, then check out again into an empty"
                            + " directory",
                    e);
        }
    }

    /** A file of a checkout: its path in the tree (for messages), its entry, and the staged file it goes to. */
    record CheckoutFile(String path, Trees.FileEntry entry, Path staged) {}

    /** Packed members at most this far apart are read in one range; the gap's bytes are read and dropped. */
    private static final long MAX_RUN_GAP = 64 * 1024;
    /** ... and one range spans at most this many bytes (it is streamed: this bounds a retry, not memory). */
    private static final long MAX_RUN_BYTES = 16L * 1024 * 1024;

    /**
     * Writes a batch of a checkout's files, each checked against its digest: packed members that lie near each other
     * in one pack are read with one ranged read (streamed, member after member), not one request each, so a checkout
     * of 10,000 small files costs a request per run of neighbours instead of 10,000. A file whose bytes in the run do
     * not match (and the rest of its run), and every other file, is read on its own by {@link #writeVerified(String, String, Trees.FileEntry,
     * Path, Path)}, which tries the other copies.
     */
    void writeVerified(String label, List<CheckoutFile> files, Path target) {
        List<CheckoutFile> single = new ArrayList<>();
        Map<Digest, List<Member>> byPack = new LinkedHashMap<>();
        for (CheckoutFile file : files) {
            ContentPacks.Copy copy =
                    files.size() > 1 ? packs.packedCopy(file.entry().digest()) : null;
            if (copy == null) {
                single.add(file);
            } else {
                PackIndex.Location at = Objects.requireNonNull(copy.packed());
                byPack.computeIfAbsent(at.pack(), unused -> new ArrayList<>()).add(new Member(file, at));
            }
        }
        for (List<Member> members : byPack.values()) {
            members.sort(java.util.Comparator.comparingLong(m -> m.at().offset()));
            int start = 0;
            for (int i = 1; i <= members.size(); i++) {
                if (i == members.size() || !continuesRun(members.get(start), members.get(i - 1), members.get(i))) {
                    List<Member> run = members.subList(start, i);
                    if (run.size() == 1) {
                        single.add(run.get(0).file());
                    } else {
                        writeRun(label, run, target, single);
                    }
                    start = i;
                }
            }
        }
        for (CheckoutFile file : single) {
            writeVerified(label, file.path(), file.entry(), file.staged(), target);
        }
    }

    /**
     * Orders a checkout's files as their contents lie: packed ones by pack and offset, then the others in tree order,
     * so that neighbours in a pack land in one batch and are read with one request.
     */
    List<CheckoutFile> inReadOrder(List<CheckoutFile> files) {
        Map<Digest, List<Member>> byPack = new LinkedHashMap<>();
        List<CheckoutFile> ordered = new ArrayList<>(files.size());
        List<CheckoutFile> rest = new ArrayList<>();
        for (CheckoutFile file : files) {
            ContentPacks.Copy copy = packs.packedCopy(file.entry().digest());
            if (copy == null) {
                rest.add(file);
            } else {
                PackIndex.Location at = Objects.requireNonNull(copy.packed());
                byPack.computeIfAbsent(at.pack(), unused -> new ArrayList<>()).add(new Member(file, at));
            }
        }
        for (List<Member> members : byPack.values()) { // grouped by pack, no key built per comparison
            members.sort(java.util.Comparator.comparingLong(m -> m.at().offset()));
            members.forEach(m -> ordered.add(m.file()));
        }
        ordered.addAll(rest);
        return ordered;
    }

    /** A packed file of a checkout batch, and where its copy lies. */
    private record Member(CheckoutFile file, PackIndex.Location at) {}

    private static boolean continuesRun(Member first, Member previous, Member next) {
        long end = previous.at().offset() + previous.at().size();
        return next.at().offset() >= end // the same content twice is read on its own
                && next.at().offset() - end <= MAX_RUN_GAP
                && next.at().offset() + next.at().size() - first.at().offset() <= MAX_RUN_BYTES;
    }

    /** Reads a run of members with one ranged read; those whose bytes do not match go to {@code retry}. */
    private void writeRun(String label, List<Member> run, Path target, List<CheckoutFile> retry) {
        Member first = run.get(0);
        Member last = run.get(run.size() - 1);
        long start = first.at().offset();
        long length = last.at().offset() + last.at().size() - start;
        String where = "pack " + first.at().pack() + " at " + start + " (" + length + " bytes)";
        try (InputStream in = store.openContent(first.at().pack(), start, length)) {
            long position = start;
            for (int i = 0; i < run.size(); i++) {
                Member member = run.get(i);
                in.skipNBytes(member.at().offset() - position);
                CheckoutFile file = member.file();
                String damage;
                try (OutputStream out = Channels.newOutputStream(FileChannel.open(file.staged(), NEW_STAGED_FILE))) {
                    damage = damageOf(
                            file.entry(), new BoundedInputStream(in, member.at().size()), out);
                }
                position = member.at().offset() + member.at().size();
                if (damage != null) {
                    // read on their own: that read marks and reports the damaged copy and takes another, and a
                    // short pack cannot misalign the members after this one
                    run.subList(i, run.size()).forEach(m -> retry.add(m.file()));
                    return;
                }
                if (file.entry().executable()) {
                    makeExecutable(file.staged());
                }
            }
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot write files of " + label + " from " + where + " for " + target + ": " + e
                            + "; check the target's disk and the lake's store, then check out again into an empty"
                            + " directory",
                    e);
        }
    }

    /** The next {@code remaining} bytes of a stream, leaving the rest (and the stream) to the caller. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }

    /** How a staged file is opened: no link followed; one set for every file (not one per open). */
    private static final Set<OpenOption> NEW_STAGED_FILE = Set.of(
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    /**
     * Re-hashes every copy of a file's content; marks the damaged ones (so reads skip them).
     *
     * @return the problem, or null if every copy is intact
     * @throws NotFoundException if the lake has no copy
     */
    private @Nullable String verifyCopies(Placed file) throws IOException {
        Trees.FileEntry entry = file.entry();
        List<ContentPacks.Copy> copies = packs.copies(entry.digest());
        if (copies.isEmpty()) {
            throw new NotFoundException("file '" + file.path() + "' is missing from the lake: no copy of its content "
                    + entry.digest() + packs.damagedPacksNote());
        }
        List<String> damagedCopies = new ArrayList<>();
        for (ContentPacks.Copy copy : copies) {
            try (InputStream in = packs.open(copy)) {
                String damage = damageOf(entry, in, OutputStream.nullOutputStream());
                if (damage != null) {
                    packs.markDamaged(copy);
                    damagedCopies.add("the copy " + copy.where() + damage);
                }
            }
        }
        if (damagedCopies.isEmpty()) {
            return null;
        }
        return damagedCopies.size() < copies.size()
                ? "file '" + file.path() + "' has a damaged copy in the lake (" + String.join("; ", damagedCopies)
                        + "); an intact copy is read instead"
                : "file '" + file.path() + "' is damaged in the lake: expected " + entry.digest() + " (" + entry.size()
                        + " bytes); every copy is damaged: " + String.join("; ", damagedCopies);
    }

    /**
     * Copies {@code in} to {@code out} while hashing it.
     *
     * @return null if the bytes match the entry, else what they read as
     */
    private static @Nullable String damageOf(Trees.FileEntry entry, InputStream in, OutputStream out)
            throws IOException {
        MessageDigest sha = ThreadBuffers.sha256();
        long size = 0;
        byte[] buffer = ThreadBuffers.bytes(entry.size() + 1); // + 1: the end is seen in the same read
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
            size += n;
        }
        Digest actual = Digest.ofHash(sha.digest());
        return actual.equals(entry.digest()) && size == entry.size()
                ? null
                : " reads as " + actual + " (" + size + " bytes)";
    }

    /** Opens where the bytes of one attempt go; each attempt starts afresh. */
    @FunctionalInterface
    private interface Sink {
        OutputStream open() throws IOException;
    }

    /**
     * Reads a file's content into {@code sink}, copy after copy until one matches the file's digest and size: a copy
     * found damaged is marked so (no later read uses it) and the next copy, if the lake has one, is read afresh.
     *
     * @param what names the file in messages (made only for one)
     * @return the damaged copies read on the way, each with what it read as; empty when the first one was intact
     * @throws IntegrityException if every copy is damaged; then {@code sink} holds damaged bytes
     * @throws NotFoundException if the lake has no copy
     */
    private List<String> readIntactCopy(Supplier<String> what, Trees.FileEntry entry, Sink sink) throws IOException {
        List<String> damagedCopies = new ArrayList<>();
        while (true) {
            ContentPacks.Opened opened;
            try {
                opened = packs.openCopy(entry.digest());
            } catch (IntegrityException everyCopyDamaged) {
                String readNow = damagedCopies.isEmpty() ? "" : String.join("; ", damagedCopies) + "; ";
                throw new IntegrityException(
                        what.get() + " is damaged in the lake: expected " + entry.digest() + " (" + entry.size()
                                + " bytes); " + readNow + everyCopyDamaged.getMessage(),
                        everyCopyDamaged);
            }
            String damage;
            try (InputStream in = opened.stream();
                    OutputStream out = sink.open()) {
                damage = damageOf(entry, in, out);
            }
            if (damage == null) {
                return damagedCopies;
            }
            packs.markDamaged(opened.copy());
            damagedCopies.add("the copy " + opened.copy().where() + damage);
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

    static boolean isCaseInsensitive(Path directory) throws IOException {
        Path probe = Files.createTempFile(directory, ".mlops4j-case-probe-", ".tmp");
        try {
            Path twin = probe.resolveSibling(probe.getFileName().toString().toUpperCase(Locale.ROOT));
            return Files.exists(twin);
        } finally {
            Files.delete(probe);
        }
    }
}
