package org.mlops4j.test.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.mlops4j.test.data.Tree.FileSpec;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * QuickTheories generators of directory trees and of edits to them. Every choice is drawn from the
 * {@link RandomnessSource}, so QuickTheories can replay and shrink an example (towards fewer, smaller, ASCII files);
 * file bytes are expanded from one drawn seed per file.
 */
final class TreeGen {
    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;

    /** Bounds of generated trees. */
    record Limits(int maxFiles, int maxDepth, long maxTotalBytes) {}

    /** A tree, a few edits of it (one to three, more if they cancel out), and a heavily edited relative (for diffs of unrelated trees). */
    record Example(Tree tree, Tree edited, List<Edit> edits, Tree other, long orderSeed) {
        @Override
        public String toString() {
            return "Example{orderSeed=" + orderSeed + ", edits=" + edits + ",\ntree=" + tree + ",\nedited=" + edited
                    + ",\nother=" + other + "}";
        }
    }

    /** What an edit did. */
    enum Kind {
        FLIP_BYTE,
        RESIZE,
        TOGGLE_EXECUTABLE,
        ADD_FILE,
        REMOVE_FILE,
        RENAME_FILE,
        RENAME_DIRECTORY,
        ADD_EMPTY_DIRECTORY,
        REMOVE_EMPTY_DIRECTORY,
        FILE_TO_DIRECTORY,
        DIRECTORY_TO_FILE
    }

    record Edit(Kind kind, String path) {
        @Override
        public String toString() {
            return kind + " " + Tree.escape(path);
        }
    }

    /** Name characters: mostly ASCII (so that case twins are common), some punctuation, some of other scripts. */
    private static final String ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    private static final String PUNCTUATION = " !#$%&'()+,;=@[]^`{}~:";
    private static final String[] UNICODE = {
        "é",
        "É",
        "ü",
        "Ü",
        "ß",
        "ç",
        "ñ",
        "Å",
        "ø",
        "Ø",
        "σ",
        "Σ",
        "ς",
        "ж",
        "Ж",
        "数",
        "据",
        "😀",
        "𝔸",
        "e\u0301", // composes to é under NFC
        "\u212B", // ANGSTROM SIGN, whose NFC form is Å
        "\u0130", // İ
        "ı",
        "ﬁ",
        "\u00A0" // no-break space
    };

    private TreeGen() {}

    /** Examples within the limits. */
    static Gen<Example> examples(Limits limits) {
        return in -> {
            Draw draw = new Draw(in);
            Tree tree = tree(draw, limits);
            int count = draw.between(1, 3);
            List<Edit> edits = new ArrayList<>();
            Tree edited = tree;
            for (int i = 0; i < count || edited.equals(tree); i++) {
                edited = edit(draw, edited, limits, edits); // until it differs: an edit may undo another
            }
            Tree other = tree;
            int otherCount = draw.between(4, 20);
            for (int i = 0; i < otherCount; i++) {
                other = edit(draw, other, limits, new ArrayList<>());
            }
            return new Example(tree, edited, List.copyOf(edits), other, draw.any());
        };
    }

    /** Draws from QuickTheories' randomness, so that every choice shrinks. */
    static final class Draw {
        private final RandomnessSource in;

        Draw(RandomnessSource in) {
            this.in = in;
        }

        int between(int min, int max) {
            return (int) in.next(Constraint.between(min, max));
        }

        boolean percent(int p) {
            return between(0, 99) < p;
        }

        long any() {
            return in.next(Constraint.between(0, Long.MAX_VALUE));
        }

        <T> T pick(List<T> items) {
            return items.get(between(0, items.size() - 1));
        }
    }

    static Tree tree(Draw draw, Limits limits) {
        int band = draw.between(0, 99);
        int fileCount = band < 50
                ? draw.between(0, Math.min(10, limits.maxFiles()))
                : band < 85 ? draw.between(0, Math.min(40, limits.maxFiles())) : draw.between(0, limits.maxFiles());
        int dirCount = draw.between(0, Math.min(30, 2 + fileCount / 3));
        Mutable t = new Mutable(Tree.empty());
        for (int i = 0; i < dirCount; i++) {
            String parent = draw.pick(t.parents(limits.maxDepth() - 1));
            t.directories.add(Tree.join(parent, t.newName(draw, parent)));
        }
        long total = 0;
        for (int i = 0; i < fileCount; i++) {
            String parent = draw.pick(t.parents(limits.maxDepth() - 1));
            FileSpec spec = t.content(draw, limits.maxTotalBytes() - total, 1 * MIB);
            total += spec.size();
            t.files.put(Tree.join(parent, t.newName(draw, parent)), spec);
        }
        return t.build();
    }

    /** Applies one edit; it always changes the tree. */
    static Tree edit(Draw draw, Tree tree, Limits limits, List<Edit> log) {
        Mutable t = new Mutable(tree);
        Kind kind = Kind.values()[draw.between(0, Kind.values().length - 1)];
        List<String> files = new ArrayList<>(tree.files().keySet());
        List<String> nonEmpty = new ArrayList<>();
        for (String path : files) {
            if (tree.files().get(path).size() > 0) {
                nonEmpty.add(path);
            }
        }
        List<String> dirs = new ArrayList<>(tree.directories());
        List<String> emptyDirs = tree.emptyDirectories();
        long room = Math.max(0, limits.maxTotalBytes() - tree.totalBytes());
        switch (kind) {
            case FLIP_BYTE -> {
                if (nonEmpty.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(nonEmpty);
                byte[] bytes = tree.files().get(path).bytes();
                bytes[draw.between(0, bytes.length - 1)] ^= (byte) draw.between(1, 255);
                t.files.put(path, new FileSpec(bytes, tree.files().get(path).executable));
                log.add(new Edit(kind, path));
            }
            case RESIZE -> {
                if (files.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(files);
                FileSpec old = tree.files().get(path);
                byte[] bytes = old.bytes();
                byte[] resized = java.util.Arrays.copyOf(
                        bytes, bytes.length > 0 && draw.percent(50) ? bytes.length - 1 : bytes.length + 1);
                t.files.put(path, new FileSpec(resized, old.executable));
                log.add(new Edit(kind, path));
            }
            case TOGGLE_EXECUTABLE -> {
                if (files.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(files);
                FileSpec old = tree.files().get(path);
                t.files.put(path, new FileSpec(old.bytes(), !old.executable));
                log.add(new Edit(kind, path));
            }
            case ADD_FILE -> {
                return addFile(draw, t, limits, log, room);
            }
            case REMOVE_FILE -> {
                if (files.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(files);
                t.files.remove(path);
                log.add(new Edit(kind, path));
            }
            case RENAME_FILE -> {
                if (files.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(files);
                String parent = Tree.parentOf(path);
                String renamed = Tree.join(parent, t.newName(draw, parent));
                t.files.put(renamed, t.files.remove(path));
                log.add(new Edit(kind, path + " -> " + renamed));
            }
            case RENAME_DIRECTORY -> {
                if (dirs.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(dirs);
                String parent = Tree.parentOf(path);
                String renamed = Tree.join(parent, t.newName(draw, parent));
                t.move(path, renamed);
                log.add(new Edit(kind, path + " -> " + renamed));
            }
            case ADD_EMPTY_DIRECTORY -> {
                String parent = draw.pick(t.parents(limits.maxDepth() - 1));
                String path = Tree.join(parent, t.newName(draw, parent));
                t.directories.add(path);
                log.add(new Edit(kind, path));
            }
            case REMOVE_EMPTY_DIRECTORY -> {
                if (emptyDirs.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(emptyDirs);
                t.directories.remove(path);
                log.add(new Edit(kind, path));
            }
            case FILE_TO_DIRECTORY -> {
                if (files.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(files);
                t.files.remove(path);
                t.directories.add(path);
                log.add(new Edit(kind, path));
            }
            case DIRECTORY_TO_FILE -> {
                if (dirs.isEmpty()) {
                    return addFile(draw, t, limits, log, room);
                }
                String path = draw.pick(dirs);
                t.removeSubtree(path);
                t.files.put(path, t.content(draw, room, 4 * KIB));
                log.add(new Edit(kind, path));
            }
        }
        return t.build();
    }

    private static Tree addFile(Draw draw, Mutable t, Limits limits, List<Edit> log, long room) {
        String parent = draw.pick(t.parents(limits.maxDepth() - 1));
        String path = Tree.join(parent, t.newName(draw, parent));
        t.files.put(path, t.content(draw, room, 4 * KIB));
        log.add(new Edit(Kind.ADD_FILE, path));
        return t.build();
    }

    /** A tree being built. */
    private static final class Mutable {
        final Map<String, FileSpec> files;
        final Set<String> directories;

        Mutable(Tree tree) {
            files = new HashMap<>(tree.files());
            directories = new HashSet<>(tree.directories());
        }

        Tree build() {
            return new Tree(files, directories);
        }

        /** The root and every directory at most {@code maxDepth} deep: where a child may go. */
        List<String> parents(int maxDepth) {
            List<String> parents = new ArrayList<>();
            parents.add("");
            directories.stream()
                    .filter(d -> Tree.depthOf(d) <= maxDepth)
                    .sorted(org.mlops4j.store.StoreKey::compareUtf8)
                    .forEach(parents::add);
            return parents;
        }

        List<String> siblings(String parent) {
            List<String> names = new ArrayList<>();
            for (String path : files.keySet()) {
                if (Tree.parentOf(path).equals(parent)) {
                    names.add(Tree.nameOf(path));
                }
            }
            for (String path : directories) {
                if (Tree.parentOf(path).equals(parent)) {
                    names.add(Tree.nameOf(path));
                }
            }
            names.sort(org.mlops4j.store.StoreKey::compareUtf8);
            return names;
        }

        /** A name not yet used in the directory; sometimes a case twin of a sibling. */
        String newName(Draw draw, String parent) {
            List<String> siblings = siblings(parent);
            Set<String> taken = new HashSet<>(siblings);
            if (!siblings.isEmpty() && draw.percent(5)) {
                String twin = caseTwin(draw.pick(siblings));
                if (!taken.contains(twin) && allowed(parent, twin)) {
                    return twin;
                }
            }
            for (int attempt = 0; ; attempt++) {
                String name = randomName(draw);
                if (attempt > 5) {
                    name = name + attempt;
                }
                if (!taken.contains(name) && allowed(parent, name)) {
                    return name;
                }
            }
        }

        FileSpec content(Draw draw, long room, int maxSize) {
            boolean executable = draw.percent(15);
            if (!files.isEmpty() && draw.percent(10)) {
                List<String> paths = new ArrayList<>(files.keySet());
                paths.sort(org.mlops4j.store.StoreKey::compareUtf8);
                FileSpec same = files.get(draw.pick(paths));
                if (same.size() <= room) {
                    return new FileSpec(same.bytes(), executable); // duplicate content: stored once
                }
            }
            int bucket = draw.between(0, 99);
            int size = bucket < 10
                    ? 0
                    : bucket < 93 || maxSize <= 4 * KIB
                            ? draw.between(1, Math.min(4 * KIB, maxSize))
                            : bucket < 99 || maxSize <= 64 * KIB
                                    ? draw.between(4 * KIB + 1, Math.min(64 * KIB, maxSize))
                                    : draw.between(64 * KIB + 1, maxSize);
            if (size > room) {
                size = draw.between(0, (int) Math.min(64, room));
            }
            byte[] bytes = new byte[size];
            new SplittableRandom(draw.any()).nextBytes(bytes);
            return new FileSpec(bytes, executable);
        }

        void move(String from, String to) {
            Map<String, FileSpec> movedFiles = new HashMap<>();
            for (String path : List.copyOf(files.keySet())) {
                if (path.startsWith(from + "/")) {
                    movedFiles.put(to + path.substring(from.length()), files.remove(path));
                }
            }
            files.putAll(movedFiles);
            Set<String> movedDirs = new HashSet<>();
            for (String path : List.copyOf(directories)) {
                if (path.equals(from) || path.startsWith(from + "/")) {
                    directories.remove(path);
                    movedDirs.add(to + path.substring(from.length()));
                }
            }
            directories.addAll(movedDirs);
        }

        void removeSubtree(String dir) {
            files.keySet().removeIf(path -> path.startsWith(dir + "/"));
            directories.removeIf(path -> path.equals(dir) || path.startsWith(dir + "/"));
        }
    }

    /**
     * Dataset paths must not start with a Windows drive ({@code C:...}), which snapshots refuse (a test in
     * mlops-core covers that); the generator keeps to valid trees.
     */
    static boolean allowed(String parent, String name) {
        return !(parent.isEmpty()
                && name.length() > 1
                && name.charAt(1) == ':'
                && name.charAt(0) < 0x80
                && Character.isLetter(name.charAt(0)));
    }

    /** Flips the case of one cased character (ASCII first), or returns the name unchanged if none is cased. */
    static String caseTwin(String name) {
        int[] cps = name.codePoints().toArray();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < cps.length; i++) {
                int cp = cps[i];
                boolean ascii = cp < 0x80;
                if ((pass == 0) != ascii) {
                    continue;
                }
                int flipped = Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp);
                if (flipped != cp) {
                    cps[i] = flipped;
                    return Normalizer.normalize(new String(cps, 0, cps.length), Normalizer.Form.NFC);
                }
            }
        }
        return name;
    }

    static String randomName(Draw draw) {
        while (true) {
            int length = draw.percent(80) ? draw.between(1, 8) : draw.between(1, 24);
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < length; i++) {
                int kind = draw.between(0, 99);
                if (kind < 75) {
                    name.append(ASCII.charAt(draw.between(0, ASCII.length() - 1)));
                } else if (kind < 85) {
                    name.append(PUNCTUATION.charAt(draw.between(0, PUNCTUATION.length() - 1)));
                } else {
                    name.append(UNICODE[draw.between(0, UNICODE.length - 1)]);
                }
            }
            String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
            if (!nfc.equals(".") && !nfc.equals("..")) {
                return nfc;
            }
        }
    }
}
