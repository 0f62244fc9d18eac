package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * Compares a working directory with a stored tree without storing anything: a parallel walk (one task per
 * directory), one stat per file, the stat cache's remembered digests (through a mapped {@link StatCacheView}) and a
 * hash of every file it does not vouch for. When the directory's tree hashes to the stored root, the answer is
 * "clean" without reading a tree from the lake; otherwise the stored trees are read only where digests differ.
 *
 * <p>It visits what a snapshot would (links to regular files inside the directory are followed) and refuses what a
 * snapshot would refuse (special files, links that leave the directory or point to directories), so "clean" means
 * a snapshot now would return the same version. Names are not checked as a snapshot checks them: a name a snapshot
 * would refuse shows up as added.
 *
 * <p>The per-file work of an unchanged file is kept small, since a fresh process runs it interpreted at first: one
 * stat (the {@code unix} view's six fields: no other public view gives ctime, device and inode), the file's name,
 * and a lookup in the mapped cache file by directory prefix and name. Neither its path, nor its digest, nor a tree
 * entry is built unless its directory's remembered tree turns out not to apply.
 */
final class WorkingTreeStatus {
    /** The stat fields the same-path rule compares, and the type and permission bits. */
    private static final String UNIX_STAT = "unix:mode,ino,dev,size,lastModifiedTime,ctime";

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    /**
     * A directory walked: the files the stat cache vouches for under their own path (names and cache entries), the
     * other files (hashed or matched as moves), its subdirectories, all in the order listed.
     */
    private static final class Node {
        final String path;
        final List<String> hitNames = new ArrayList<>();
        int[] hitEntries = new int[16];
        final List<Trees.FileEntry> otherFiles = new ArrayList<>();
        final Map<String, Node> subdirectories = new HashMap<>();
        /** Whether every file was a hit under its own path (none other, none vanished). */
        boolean filesCached = true;

        @Nullable
        Digest digest;
        /** Whether {@link #digest} is the one the stat cache remembers (so the subtree is unchanged). */
        boolean remembered;

        @Nullable
        private List<Trees.Entry> entries;

        Node(String path) {
            this.path = path;
        }

        void hit(String name, int entry) {
            int n = hitNames.size();
            if (n == hitEntries.length) {
                hitEntries = Arrays.copyOf(hitEntries, 2 * n);
            }
            hitEntries[n] = entry;
            hitNames.add(name);
        }

        int entryCount() {
            return hitNames.size() + otherFiles.size() + subdirectories.size();
        }

        /** Its entries, subdirectories with their digests (so after {@link #digestOf}); built once, when needed. */
        List<Trees.Entry> entries(StatCacheView view) {
            if (entries == null) {
                List<Trees.Entry> all = new ArrayList<>(entryCount());
                for (int i = 0; i < hitNames.size(); i++) {
                    int entry = hitEntries[i];
                    all.add(new Trees.FileEntry(
                            hitNames.get(i), view.size(entry), view.digest(entry), view.executable(entry)));
                }
                all.addAll(otherFiles);
                for (Map.Entry<String, Node> sub : subdirectories.entrySet()) {
                    all.add(new Trees.DirEntry(sub.getKey(), Objects.requireNonNull(sub.getValue().digest)));
                }
                all.sort((a, b) -> StoreKey.compareUtf8(a.name(), b.name()));
                entries = all;
            }
            return entries;
        }
    }

    private final ObjectStore store;
    private final StatCacheView view;
    private final Supplier<StatCache> movesCache;
    private final Path root;
    private final boolean unixView;
    private final StatCache.DirectoryTimes directoryTimes;
    private @Nullable StatCache moves;

    /**
     * @param view the stat cache, mapped
     * @param movesCache loads the same cache for {@link StatCache#lookupMovedAndRecord}; asked once, on the first
     *     file the view does not vouch for
     */
    WorkingTreeStatus(ObjectStore store, StatCacheView view, Supplier<StatCache> movesCache, Path root) {
        this.store = store;
        this.view = view;
        this.movesCache = movesCache;
        this.root = root;
        this.unixView = root.getFileSystem().supportedFileAttributeViews().contains("unix");
        this.directoryTimes = StatCache.DirectoryTimes.under(root);
    }

    DatasetStatus compare(DatasetRef base, Digest stored, int parallelism) {
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, parallelism));
        Node top;
        try {
            top = pool.invoke(new Walk(root, ""));
        } catch (UncheckedIOException e) {
            throw new MlopsException(
                    "status could not read " + root + ": " + e.getCause()
                            + "; check that the files are readable, then ask again",
                    e.getCause());
        } finally {
            pool.shutdown();
        }
        Digest current = digestOf(top);
        if (current.equals(stored)) {
            return new DatasetStatus(base, List.of(), List.of(), List.of(), List.of());
        }
        Map<String, Digest> added = new HashMap<>();
        Map<String, Digest> removed = new HashMap<>();
        List<String> addedDirectories = new ArrayList<>();
        List<String> removedDirectories = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        new Comparison(added, removed, addedDirectories, removedDirectories, modified).compare(stored, top, "");
        return result(base, added, removed, addedDirectories, removedDirectories, modified);
    }

    /** Pairs added and removed files of the same bytes as moves (by sorted path, so the answer is stable). */
    private static DatasetStatus result(
            DatasetRef base,
            Map<String, Digest> added,
            Map<String, Digest> removed,
            List<String> addedDirectories,
            List<String> removedDirectories,
            List<String> modified) {
        Map<Digest, Deque<String>> removedByDigest = new HashMap<>();
        List<String> removedPaths = new ArrayList<>(removed.keySet());
        removedPaths.sort(StoreKey::compareUtf8);
        for (String path : removedPaths) {
            removedByDigest
                    .computeIfAbsent(removed.get(path), d -> new ArrayDeque<>())
                    .add(path);
        }
        List<String> addedPaths = new ArrayList<>(added.keySet());
        addedPaths.sort(StoreKey::compareUtf8);
        List<DatasetStatus.Move> moved = new ArrayList<>();
        List<String> addedOnly = new ArrayList<>(addedDirectories);
        for (String path : addedPaths) {
            Deque<String> from = removedByDigest.get(added.get(path));
            if (from != null && !from.isEmpty()) {
                moved.add(new DatasetStatus.Move(from.poll(), path));
            } else {
                addedOnly.add(path);
            }
        }
        List<String> removedOnly = new ArrayList<>(removedDirectories);
        removedByDigest.values().forEach(removedOnly::addAll);
        addedOnly.sort(StoreKey::compareUtf8);
        removedOnly.sort(StoreKey::compareUtf8);
        modified.sort(StoreKey::compareUtf8);
        moved.sort((a, b) -> StoreKey.compareUtf8(a.to(), b.to()));
        return new DatasetStatus(base, addedOnly, removedOnly, modified, moved);
    }

    /**
     * A directory's tree digest: the one the stat cache remembers when every file was a hit, every subdirectory is
     * unchanged and the entry count matches (as {@link Snapshotter} decides), else the digest of its encoding.
     */
    private Digest digestOf(Node node) {
        boolean unchanged = node.filesCached;
        for (Node sub : node.subdirectories.values()) {
            var unused = digestOf(sub);
            unchanged &= sub.remembered;
        }
        Digest known = unchanged ? view.tree(node.path, node.entryCount()) : null;
        node.remembered = known != null;
        node.digest = known != null ? known : Digest.of(Trees.encode(node.entries(view)));
        return node.digest;
    }

    /** Drops what the move look-ups recorded (a status saves nothing); nothing to do if none was made. */
    synchronized void discardMoves() {
        if (moves != null) {
            moves.discard();
        }
    }

    private synchronized StatCache moves() {
        if (moves == null) {
            moves = movesCache.get();
        }
        return moves;
    }

    /** Walks one directory; its subdirectories in parallel. */
    private final class Walk extends RecursiveTask<Node> {
        private static final long serialVersionUID = 1L;
        private final transient Path directory;
        private final String path;

        Walk(Path directory, String path) {
            this.directory = directory;
            this.path = path;
        }

        @Override
        protected Node compute() {
            Node node = new Node(path);
            List<Walk> forks = new ArrayList<>();
            byte[] prefix = path.isEmpty() ? new byte[0] : (path + "/").getBytes(StandardCharsets.UTF_8);
            int prefixState = StatCacheView.prefixHash(prefix);
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
                for (Path child : stream) {
                    String name = child.getFileName().toString();
                    try {
                        if (!unixView) {
                            visit(node, child, name, forks);
                            continue;
                        }
                        Map<String, Object> a = Files.readAttributes(child, UNIX_STAT, LinkOption.NOFOLLOW_LINKS);
                        int mode = (Integer) a.get("mode");
                        int type = mode & S_IFMT;
                        if (type == S_IFREG) {
                            long device = (Long) a.get("dev");
                            long inode = (Long) a.get("ino");
                            long size = (Long) a.get("size");
                            long mtime = nanos(a.get("lastModifiedTime"));
                            long ctime = nanos(a.get("ctime"));
                            boolean executable = (mode & 0100) != 0;
                            int entry = view.find(prefix, prefixState, name);
                            if (entry >= 0 && view.unchanged(entry, device, inode, size, mtime, ctime, executable)) {
                                node.hit(name, entry);
                            } else {
                                StatCache.FileStat stat =
                                        new StatCache.FileStat(device, inode, size, mtime, ctime, executable);
                                node.otherFiles.add(new Trees.FileEntry(
                                        name, size, changedDigest(child(name), stat, child), executable));
                                node.filesCached = false;
                            }
                        } else if (type == S_IFDIR) {
                            Walk walk = new Walk(child, child(name));
                            walk.fork();
                            forks.add(walk);
                        } else {
                            visit(node, child, name, forks); // a link, or what a snapshot refuses
                        }
                    } catch (NoSuchFileException e) {
                        node.filesCached = false; // vanished since the listing: as if it had not been there
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Walk walk : forks) {
                Node sub = walk.join();
                node.subdirectories.put(sub.path.substring(sub.path.lastIndexOf('/') + 1), sub);
            }
            return node;
        }

        private String child(String name) {
            return path.isEmpty() ? name : path + "/" + name;
        }

        /** The general case, as a snapshot's walk reads it: links, special files, filesystems without a unix view. */
        private void visit(Node node, Path child, String name, List<Walk> forks) throws IOException {
            String childPath = child(name);
            Snapshotter.Attributes attributes = Snapshotter.Attributes.read(child);
            Path file = child;
            if (attributes.symbolicLink()) {
                file = child.toRealPath();
                attributes = Snapshotter.Attributes.read(file);
                if (!file.startsWith(root) || !attributes.regularFile()) {
                    throw new UnsafePathException(
                            childPath,
                            "a symbolic link that leaves the directory or is not to a regular file (to " + file
                                    + "); a snapshot would refuse it too");
                }
            }
            if (attributes.directory()) {
                Walk walk = new Walk(child, childPath);
                walk.fork();
                forks.add(walk);
            } else if (attributes.regularFile()) {
                StatCache.FileStat stat = attributes.stat();
                int entry = stat == null ? -1 : view.find(childPath);
                if (entry >= 0
                        && view.unchanged(
                                entry,
                                stat.device(),
                                stat.inode(),
                                stat.size(),
                                stat.mtimeNanos(),
                                stat.ctimeNanos(),
                                stat.executable())) {
                    node.hit(name, entry);
                } else {
                    node.otherFiles.add(new Trees.FileEntry(
                            name, attributes.size(), changedDigest(childPath, stat, file), attributes.executable()));
                    node.filesCached = false;
                }
            } else {
                throw new UnsafePathException(childPath, "neither a file nor a directory (a device, socket or FIFO)");
            }
        }
    }

    /** The digest of a file the view does not vouch for under its own path: a move the cache trusts, or a hash. */
    private Digest changedDigest(String path, StatCache.@Nullable FileStat stat, Path file) throws IOException {
        if (stat != null && !view.isEmpty()) {
            Digest moved = moves().lookupMovedAndRecord(path, stat, directoryTimes);
            if (moved != null) {
                return moved;
            }
        }
        return hash(file);
    }

    private static long nanos(Object fileTime) {
        return ((FileTime) fileTime).to(TimeUnit.NANOSECONDS);
    }

    private static Digest hash(Path file) throws IOException {
        MessageDigest sha = Digest.newSha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return Digest.ofHash(sha.digest());
    }

    /** Walks a stored tree beside the directory's, where their digests differ. */
    private final class Comparison {
        private final Map<String, Digest> added;
        private final Map<String, Digest> removed;
        private final List<String> addedDirectories;
        private final List<String> removedDirectories;
        private final List<String> modified;

        Comparison(
                Map<String, Digest> added,
                Map<String, Digest> removed,
                List<String> addedDirectories,
                List<String> removedDirectories,
                List<String> modified) {
            this.added = added;
            this.removed = removed;
            this.addedDirectories = addedDirectories;
            this.removedDirectories = removedDirectories;
            this.modified = modified;
        }

        void compare(@Nullable Digest stored, Node node, String prefix) {
            if (stored != null && stored.equals(node.digest)) {
                return;
            }
            Map<String, Trees.Entry> before = new HashMap<>();
            if (stored != null) {
                for (Trees.Entry entry : Trees.read(store, stored, "status")) {
                    before.put(entry.name(), entry);
                }
            }
            if (stored != null
                    && !prefix.isEmpty()
                    && before.isEmpty() != node.entries(view).isEmpty()) {
                (before.isEmpty() ? removedDirectories : addedDirectories).add(prefix + "/");
            }
            for (Trees.Entry entry : node.entries(view)) {
                String path = prefix.isEmpty() ? entry.name() : prefix + "/" + entry.name();
                Trees.Entry old = before.remove(entry.name());
                Node sub = node.subdirectories.get(entry.name());
                if (sub != null) {
                    if (old instanceof Trees.DirEntry dir) {
                        compare(dir.tree(), sub, path);
                    } else {
                        if (old != null) {
                            listStored(old, path);
                        }
                        listCurrent(sub, path);
                    }
                } else if (old instanceof Trees.FileEntry file) {
                    Trees.FileEntry now = (Trees.FileEntry) entry;
                    if (!file.digest().equals(now.digest()) || file.executable() != now.executable()) {
                        modified.add(path);
                    }
                } else {
                    if (old != null) {
                        listStored(old, path);
                    }
                    added.put(path, ((Trees.FileEntry) entry).digest());
                }
            }
            for (Map.Entry<String, Trees.Entry> gone : before.entrySet()) {
                listStored(gone.getValue(), prefix.isEmpty() ? gone.getKey() : prefix + "/" + gone.getKey());
            }
        }

        private void listStored(Trees.Entry entry, String path) {
            if (entry instanceof Trees.FileEntry file) {
                removed.put(path, file.digest());
                return;
            }
            List<Trees.Entry> entries = Trees.read(store, ((Trees.DirEntry) entry).tree(), "status");
            if (entries.isEmpty()) {
                removedDirectories.add(path + "/");
            }
            for (Trees.Entry child : entries) {
                listStored(child, path + "/" + child.name());
            }
        }

        private void listCurrent(Node node, String path) {
            if (node.entries(view).isEmpty()) {
                addedDirectories.add(path + "/");
            }
            for (Trees.Entry entry : node.entries(view)) {
                String childPath = path + "/" + entry.name();
                Node sub = node.subdirectories.get(entry.name());
                if (sub != null) {
                    listCurrent(sub, childPath);
                } else {
                    added.put(childPath, ((Trees.FileEntry) entry).digest());
                }
            }
        }
    }
}
