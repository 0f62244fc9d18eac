package org.mlops4j.test.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mlops4j.data.DatasetDiff;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/**
 * The reference model of a dataset's directory: files (bytes and executable bit) and directories, by
 * {@code /}-separated path. Directories are closed under parents; a directory without children is an empty directory.
 * Immutable.
 */
final class Tree {
    /** A file's bytes and executable bit. */
    static final class FileSpec {
        private final byte[] bytes;
        final boolean executable;

        FileSpec(byte[] bytes, boolean executable) {
            this.bytes = bytes.clone();
            this.executable = executable;
        }

        byte[] bytes() {
            return bytes.clone();
        }

        int size() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FileSpec other && executable == other.executable && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + Boolean.hashCode(executable);
        }

        @Override
        public String toString() {
            return bytes.length + "B:" + Digest.of(bytes).hex().substring(0, 8) + (executable ? ":x" : "");
        }
    }

    private final SortedMap<String, FileSpec> files;
    private final SortedSet<String> directories;

    Tree(Map<String, FileSpec> files, java.util.Set<String> directories) {
        TreeMap<String, FileSpec> f = new TreeMap<>(StoreKey::compareUtf8);
        f.putAll(files);
        TreeSet<String> d = new TreeSet<>(StoreKey::compareUtf8);
        d.addAll(directories);
        for (String path : f.keySet()) {
            addParents(d, path);
            if (d.contains(path)) {
                throw new IllegalArgumentException("both a file and a directory: " + path);
            }
        }
        for (String dir : List.copyOf(d)) {
            addParents(d, dir);
        }
        this.files = Collections.unmodifiableSortedMap(f);
        this.directories = Collections.unmodifiableSortedSet(d);
    }

    static Tree empty() {
        return new Tree(Map.of(), java.util.Set.of());
    }

    private static void addParents(java.util.Set<String> dirs, String path) {
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            dirs.add(path.substring(0, i));
        }
    }

    SortedMap<String, FileSpec> files() {
        return files;
    }

    SortedSet<String> directories() {
        return directories;
    }

    /** Directories without children. */
    List<String> emptyDirectories() {
        List<String> empty = new ArrayList<>();
        for (String dir : directories) {
            if (children(dir).isEmpty()) {
                empty.add(dir);
            }
        }
        return empty;
    }

    /** The names directly under a directory ("" for the root). */
    List<String> children(String dir) {
        List<String> names = new ArrayList<>();
        for (String path : files.keySet()) {
            if (parentOf(path).equals(dir)) {
                names.add(nameOf(path));
            }
        }
        for (String path : directories) {
            if (parentOf(path).equals(dir)) {
                names.add(nameOf(path));
            }
        }
        return names;
    }

    boolean exists(String path) {
        return files.containsKey(path) || directories.contains(path);
    }

    long totalBytes() {
        long total = 0;
        for (FileSpec spec : files.values()) {
            total += spec.size();
        }
        return total;
    }

    int maxDepth() {
        int max = 0;
        for (String path : files.keySet()) {
            max = Math.max(max, depthOf(path));
        }
        for (String path : directories) {
            max = Math.max(max, depthOf(path));
        }
        return max;
    }

    static int depthOf(String path) {
        return path.isEmpty() ? 0 : path.split("/", -1).length;
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** Pairs of siblings whose names differ only by case (by the given folding). */
    int caseTwinPairs(boolean asciiOnly) {
        int pairs = 0;
        List<String> dirs = new ArrayList<>(directories);
        dirs.add("");
        for (String dir : dirs) {
            Map<String, Integer> byFold = new HashMap<>();
            for (String name : children(dir)) {
                byFold.merge(asciiOnly ? asciiFold(name) : unicodeFold(name), 1, Integer::sum);
            }
            for (int count : byFold.values()) {
                pairs += count * (count - 1) / 2;
            }
        }
        return pairs;
    }

    static String asciiFold(String name) {
        StringBuilder folded = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString();
    }

    /** A full Unicode case fold, approximated the common way (upper, then lower). */
    static String unicodeFold(String name) {
        return name.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    // --- diff --------------------------------------------------------------------------------------------------

    /** Every entry as DatasetDiff names it: files by path, empty directories as {@code path/}. */
    SortedMap<String, FileSpec> entries() {
        TreeMap<String, FileSpec> entries = new TreeMap<>(StoreKey::compareUtf8);
        entries.putAll(files);
        FileSpec directoryMarker = new FileSpec(new byte[0], false);
        for (String dir : emptyDirectories()) {
            entries.put(dir + "/", directoryMarker);
        }
        return entries;
    }

    /** The brute-force diff: compare the two entry sets path by path. */
    static DatasetDiff diff(Tree older, Tree newer) {
        SortedMap<String, FileSpec> before = older.entries();
        SortedMap<String, FileSpec> after = newer.entries();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, FileSpec> entry : after.entrySet()) {
            FileSpec old = before.get(entry.getKey());
            if (old == null) {
                added.add(entry.getKey());
            } else if (!old.equals(entry.getValue())) {
                changed.add(entry.getKey());
            }
        }
        for (String path : before.keySet()) {
            if (!after.containsKey(path)) {
                removed.add(path);
            }
        }
        return new DatasetDiff(added, removed, changed);
    }

    // --- real directories ----------------------------------------------------------------------------------------

    /**
     * Writes the tree under {@code root} (created), directories and files in an order and with modification times
     * drawn from {@code seed}.
     */
    void materialize(Path root, long seed, Instant mtimeBase) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(root);
        List<String> paths = new ArrayList<>(files.keySet());
        paths.addAll(emptyDirectories());
        Collections.shuffle(paths, random);
        for (String path : paths) {
            Path target = resolve(root, path);
            FileSpec spec = files.get(path);
            if (spec == null) {
                Files.createDirectories(target);
            } else {
                Files.createDirectories(target.getParent());
                write(target, spec);
                Files.setLastModifiedTime(target, FileTime.from(mtimeBase.plusMillis(random.nextInt(1_000_000_000))));
            }
        }
    }

    /** Turns the directory {@code root}, which holds {@code this}, into {@code target} in place. */
    void syncTo(Path root, Tree target) throws IOException {
        for (String path : files.keySet()) {
            if (!target.files.containsKey(path)) {
                Files.delete(resolve(root, path));
            }
        }
        List<String> gone = new ArrayList<>(directories);
        gone.removeAll(target.directories);
        gone.sort((a, b) -> Integer.compare(b.length(), a.length()));
        for (String dir : gone) {
            Files.delete(resolve(root, dir));
        }
        for (String dir : target.directories) {
            Files.createDirectories(resolve(root, dir));
        }
        for (Map.Entry<String, FileSpec> entry : target.files.entrySet()) {
            if (!entry.getValue().equals(files.get(entry.getKey()))) {
                write(resolve(root, entry.getKey()), entry.getValue());
            }
        }
    }

    private static void write(Path target, FileSpec spec) throws IOException {
        Files.write(target, spec.bytes);
        if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(
                    target, PosixFilePermissions.fromString(spec.executable ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    static Path resolve(Path root, String path) {
        Path resolved = root;
        for (String segment : path.split("/", -1)) {
            resolved = resolved.resolve(segment);
        }
        return resolved;
    }

    /** Reads a directory back into a tree (regular files and directories only; anything else fails). */
    static Tree read(Path root) throws IOException {
        Map<String, FileSpec> files = new HashMap<>();
        java.util.Set<String> dirs = new java.util.HashSet<>();
        readInto(root, "", files, dirs);
        return new Tree(files, dirs);
    }

    private static void readInto(Path dir, String prefix, Map<String, FileSpec> files, java.util.Set<String> dirs)
            throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : stream) {
                String path = join(prefix, child.getFileName().toString());
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(path);
                    readInto(child, path, files, dirs);
                } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                    boolean executable = Files.getPosixFilePermissions(child, LinkOption.NOFOLLOW_LINKS)
                            .contains(PosixFilePermission.OWNER_EXECUTE);
                    files.put(path, new FileSpec(Files.readAllBytes(child), executable));
                } else {
                    throw new IOException("neither a file nor a directory: " + child);
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tree other && files.equals(other.files) && directories.equals(other.directories);
    }

    @Override
    public int hashCode() {
        return Objects.hash(files, directories);
    }

    /** One line per entry, for failure messages (shrunk examples are small). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Tree[");
        for (Map.Entry<String, FileSpec> entry : entries().entrySet()) {
            out.append("\n  ").append(escape(entry.getKey()));
            if (!entry.getKey().endsWith("/")) {
                out.append(' ').append(entry.getValue());
            }
        }
        return out.append(entries().isEmpty() ? "]" : "\n]").toString();
    }

    /** Shows non-ASCII names readably and unambiguously. */
    static String escape(String path) {
        StringBuilder out = new StringBuilder();
        path.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                out.appendCodePoint(cp);
            } else {
                out.appendCodePoint(cp)
                        .append("\\u{")
                        .append(HexFormat.of().toHexDigits(cp).replaceFirst("^0+", ""))
                        .append('}');
            }
        });
        return out.toString();
    }
}
