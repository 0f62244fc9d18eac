package org.mlops4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * Compares a working directory with a stored tree without storing anything: a parallel walk (one task per
 * directory), one stat per file, the stat cache's remembered digests (read in place, as a snapshot reads them) and
 * a hash of every file it does not vouch for. When the directory's tree hashes to the stored root, the answer is
 * "clean" without reading a tree from the lake; otherwise the stored trees are read only where digests differ.
 *
 * <p>It visits what a snapshot would (links to regular files inside the directory are followed) and refuses what a
 * snapshot would refuse (special files, links that leave the directory or point to directories), so "clean" means
 * a snapshot now would return the same version. Names are not checked as a snapshot checks them: a name a snapshot
 * would refuse shows up as added.
 */
final class WorkingTreeStatus {
    /**
     * A directory walked: its entries in the order listed (a subdirectory's entry carries a placeholder digest until
     * {@link #digestOf}),
     * and whether each of its files was a stat-cache hit under its own path.
     */
    private static final class Node {
        final String path;
        final List<Trees.Entry> entries;
        final Map<String, Node> subdirectories;
        final boolean filesCached;

        @Nullable
        Digest digest;
        /** Whether {@link #digest} is the one the stat cache remembers (so the subtree is unchanged). */
        boolean remembered;

        Node(String path, List<Trees.Entry> entries, Map<String, Node> subdirectories, boolean filesCached) {
            this.path = path;
            this.entries = entries;
            this.subdirectories = subdirectories;
            this.filesCached = filesCached;
        }
    }

    private final ObjectStore store;
    private final StatCache cache;
    private final Path root;
    private final StatCache.DirectoryTimes directoryTimes;

    WorkingTreeStatus(ObjectStore store, StatCache cache, Path root) {
        this.store = store;
        this.cache = cache;
        this.root = root;
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
        List<Trees.Entry> entries = new ArrayList<>(node.entries.size());
        for (Trees.Entry entry : node.entries) {
            Node sub = node.subdirectories.get(entry.name());
            if (sub != null) {
                entries.add(new Trees.DirEntry(entry.name(), digestOf(sub)));
                unchanged &= sub.remembered;
            } else {
                entries.add(entry);
            }
        }
        Digest known = unchanged ? cache.lookupTreeAndRecord(node.path, entries.size()) : null;
        node.remembered = known != null;
        if (known == null) {
            entries.sort((a, b) -> StoreKey.compareUtf8(a.name(), b.name())); // the walk left them as listed
        }
        node.digest = known != null ? known : Digest.of(Trees.encode(entries));
        return node.digest;
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
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
                stream.forEach(children::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Walk> forks = new ArrayList<>();
            List<Trees.Entry> entries = new ArrayList<>(children.size());
            boolean cached = true;
            for (Path child : children) {
                String name = child.getFileName().toString();
                String childPath = path.isEmpty() ? name : path + "/" + name;
                try {
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
                        Digest digest = stat == null ? null : cache.lookupAndRecord(childPath, stat);
                        if (digest == null) {
                            cached = false;
                            digest = stat == null ? null : cache.lookupMovedAndRecord(childPath, stat, directoryTimes);
                            if (digest == null) {
                                digest = hash(file);
                            }
                        }
                        entries.add(new Trees.FileEntry(name, attributes.size(), digest, attributes.executable()));
                    } else {
                        throw new UnsafePathException(
                                childPath, "neither a file nor a directory (a device, socket or FIFO)");
                    }
                } catch (NoSuchFileException e) {
                    cached = false; // vanished since the listing: as if it had not been there
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Map<String, Node> subdirectories = new HashMap<>();
            for (Walk walk : forks) {
                Node sub = walk.join();
                subdirectories.put(sub.path.substring(sub.path.lastIndexOf('/') + 1), sub);
                // a placeholder: the digest is computed bottom-up once the walk is done
                entries.add(
                        new Trees.DirEntry(sub.path.substring(sub.path.lastIndexOf('/') + 1), Digest.of(new byte[0])));
            }
            return new Node(path, entries, subdirectories, cached);
        }
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
            if (stored != null && !prefix.isEmpty() && before.isEmpty() != node.entries.isEmpty()) {
                (before.isEmpty() ? removedDirectories : addedDirectories).add(prefix + "/");
            }
            for (Trees.Entry entry : node.entries) {
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
            if (node.entries.isEmpty()) {
                addedDirectories.add(path + "/");
            }
            for (Trees.Entry entry : node.entries) {
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
