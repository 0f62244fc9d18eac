package org.mlops4j.test.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.mlops4j.data.DatasetVersion;

/**
 * Small source trees for the dataset crash and concurrency workloads, rewritten in place with new bytes each time:
 * a CSV table, a text file, two binary parts, an empty directory and, sometimes, one large file (so that a kill can
 * land in the middle of a long write).
 */
final class SourceTrees {
    /** The sizes of the large blobs; written once by the parent, read by each child. */
    static final int[] LARGE_SIZES = {1 << 19, 3 << 18, 1 << 20};

    private SourceTrees() {}

    /**
     * Rewrites a raw source tree: every small file gets new bytes that name {@code label}; the large file, when
     * given, replaces the previous one, and is removed when not.
     *
     * @param directory the tree's root, created if absent
     * @param random draws sizes and bytes
     * @param label unique per call, written into the files, so that every tree is new
     * @param large the large file's bytes, or null for none
     */
    static void writeRaw(Path directory, SplittableRandom random, String label, byte @Nullable [] large) {
        writeRaw(directory, random, label, large, false);
    }

    /**
     * Rewrites a raw source tree as {@link #writeRaw(Path, SplittableRandom, String, byte[])} does, but may leave
     * {@code bin/part-0.bin} as it is, so that a stat cache can hit on it.
     *
     * @param keepPart0 true to leave an existing {@code bin/part-0.bin} untouched
     */
    static void writeRaw(
            Path directory, SplittableRandom random, String label, byte @Nullable [] large, boolean keepPart0) {
        try {
            Files.createDirectories(directory.resolve("docs"));
            Files.createDirectories(directory.resolve("bin"));
            Files.createDirectories(directory.resolve("empty"));
            Files.createDirectories(directory.resolve("big"));
            StringBuilder csv = new StringBuilder("id,label,score,weight\n");
            int rows = 10 + random.nextInt(200);
            for (int r = 0; r < rows; r++) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%d,%s,%d,%d%n",
                        r,
                        random.nextBoolean() ? "yes" : "no",
                        random.nextInt(1000),
                        random.nextInt(50)));
            }
            Files.writeString(directory.resolve("table.csv"), csv, StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("docs/readme.txt"), "snapshot " + label + "\n", StandardCharsets.UTF_8);
            Path part0 = directory.resolve("bin/part-0.bin");
            if (!keepPart0 || !Files.exists(part0)) {
                Files.write(part0, randomBytes(random, 1 + random.nextInt(16 * 1024)));
            }
            Files.write(directory.resolve("bin/part-1.bin"), randomBytes(random, 1 + random.nextInt(64 * 1024)));
            Path largeFile = directory.resolve("big/large.bin");
            if (large == null) {
                Files.deleteIfExists(largeFile);
            } else {
                Files.write(largeFile, large);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rewrites the source tree of a version derived from a raw one: features that name the raw version's digest.
     *
     * @param directory the tree's root, created if absent
     * @param random draws the bytes
     * @param from the raw version
     * @param label unique per call
     */
    static void writeDerived(Path directory, SplittableRandom random, DatasetVersion from, String label) {
        try {
            Files.createDirectories(directory);
            StringBuilder csv = new StringBuilder("id,feature\n");
            int rows = 5 + random.nextInt(50);
            for (int r = 0; r < rows; r++) {
                csv.append(r).append(',').append(random.nextInt(10_000)).append('\n');
            }
            Files.writeString(directory.resolve("features.csv"), csv, StandardCharsets.UTF_8);
            Files.writeString(
                    directory.resolve("source.txt"),
                    from.getRef() + " " + from.getDigest() + " " + label + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the paths of the files {@link #writeRaw} writes, without the large file. */
    static List<String> smallRawFiles() {
        return List.of("table.csv", "docs/readme.txt", "bin/part-0.bin", "bin/part-1.bin");
    }

    /** Writes the large blobs ({@link #LARGE_SIZES}) into a directory. */
    static void writeLargeBlobs(Path directory) {
        try {
            Files.createDirectories(directory);
            for (int i = 0; i < LARGE_SIZES.length; i++) {
                Files.write(directory.resolve("blob-" + i), randomBytes(new SplittableRandom(i), LARGE_SIZES[i]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the large blobs that {@link #writeLargeBlobs} wrote. */
    static byte[][] readLargeBlobs(Path directory) {
        byte[][] blobs = new byte[LARGE_SIZES.length][];
        try {
            for (int i = 0; i < blobs.length; i++) {
                blobs[i] = Files.readAllBytes(directory.resolve("blob-" + i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blobs;
    }

    /**
     * Picks the large file of an iteration: none half of the time, else one of the blobs, and one time in four a
     * blob with a new head (new content to store).
     */
    static byte @Nullable [] pickLarge(SplittableRandom random, byte[][] blobs, long salt) {
        if (random.nextBoolean()) {
            return null;
        }
        byte[] blob = blobs[random.nextInt(blobs.length)];
        if (random.nextInt(4) != 0) {
            return blob;
        }
        byte[] changed = blob.clone();
        long value = salt ^ random.nextLong();
        for (int j = 0; j < 8; j++) {
            changed[j] = (byte) (value >>> (8 * j));
        }
        return changed;
    }

    static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                bytes[i + j] = (byte) (value >>> (8 * j));
            }
        }
        return bytes;
    }
}
