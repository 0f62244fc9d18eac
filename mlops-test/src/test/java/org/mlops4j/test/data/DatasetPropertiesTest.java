package org.mlops4j.test.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.google.common.jimfs.PathNormalization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.UnsafePathException;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.RemoteLikeStores;

/**
 * Properties of dataset snapshots on the in-memory lake, with source trees and checkout targets on in-memory (Jimfs)
 * filesystems: a case-sensitive Unix one, and a case-insensitive one like macOS's.
 *
 * <p>Replay a failure with {@code -Dmlops4j.qt.seed=<seed>}; QuickTheories prints the seed and the shrunk example.
 */
class DatasetPropertiesTest {
    static final long SEED = Long.getLong("mlops4j.qt.seed", 0x6d6c6f707334L);
    static final int EXAMPLES = Integer.getInteger("mlops4j.qt.examples", 1000);
    static final int SHRINK_CYCLES = 200;
    static final TreeGen.Limits LIMITS = new TreeGen.Limits(200, 4, 3 * TreeGen.MIB / 2);

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stopPool() throws InterruptedException {
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A Unix-like filesystem with the posix and unix attribute views (the executable bit, inodes). */
    static Configuration unix() {
        return Configuration.unix().toBuilder()
                .setAttributeViews("basic", "owner", "posix", "unix")
                .build();
    }

    /** Like macOS: names compare case-insensitively (and by NFD) but are listed as written. */
    static Configuration caseInsensitive() {
        return Configuration.unix().toBuilder()
                .setNameDisplayNormalization(PathNormalization.NFC)
                .setNameCanonicalNormalization(PathNormalization.NFD, PathNormalization.CASE_FOLD_ASCII)
                .setPathEqualityUsesCanonicalForm(true)
                .setAttributeViews("basic", "owner", "posix", "unix")
                .build();
    }

    private static Mlops inMemoryLake() {
        return Mlops.builder()
                .objectStore(RemoteLikeStores.around(new InMemoryObjectStore()))
                .executor(pool)
                .cacheDirectory(null)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
    }

    @Test
    void shouldRoundTripDigestAndDiffExactlyWhenTreesAreGeneratedOnJimfs() {
        Distribution distribution = new Distribution("in-memory lake, Jimfs trees, seed " + SEED);
        long started = System.nanoTime();
        try {
            qt().withFixedSeed(SEED)
                    .withExamples(EXAMPLES)
                    .withShrinkCycles(SHRINK_CYCLES)
                    .forAll(TreeGen.examples(LIMITS))
                    .checkAssert(example -> {
                        distribution.record(example);
                        try {
                            checkExample(example, distribution);
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    });
        } finally {
            distribution.print();
            System.out.printf("%d examples in %d ms%n", EXAMPLES, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private static void checkExample(TreeGen.Example example, Distribution distribution) throws IOException {
        Tree tree = example.tree();
        try (FileSystem fs = Jimfs.newFileSystem(unix());
                FileSystem insensitive = Jimfs.newFileSystem(caseInsensitive());
                Mlops mlops = inMemoryLake()) {
            Datasets datasets = mlops.datasets();
            Random random = new Random(example.orderSeed());

            Path a = fs.getPath("/a");
            tree.materialize(a, random.nextLong(), NOW.minusSeconds(86_400));
            DatasetVersion v1 = datasets.snapshot("p").directory(a).commit();
            assertThat(v1.getNumber()).isEqualTo(1);
            assertThat(v1.getFileCount()).isEqualTo(tree.files().size());
            assertThat(v1.getByteCount()).isEqualTo(tree.totalBytes());

            // the same tree written in another order at other times: the same digest, and no new version
            Path b = fs.getPath("/b");
            tree.materialize(b, random.nextLong(), NOW.minusSeconds(7 * 86_400));
            assertThat(datasets.snapshot("p").directory(b).commit()).isEqualTo(v1);

            // the same files given one by one, shuffled: the same digest, without the empty directories (files()
            // cannot name those)
            List<Path> paths = new ArrayList<>();
            for (String path : tree.files().keySet()) {
                paths.add(Tree.resolve(a, path));
            }
            if (!paths.isEmpty()) {
                Collections.shuffle(paths, random);
                DatasetVersion byFile = datasets.snapshot("f").files(a, paths).commit();
                Tree withoutEmptyDirectories = new Tree(tree.files(), Set.of());
                assertThat(byFile.getDigest().equals(v1.getDigest()))
                        .isEqualTo(tree.emptyDirectories().isEmpty());
                assertThat(datasets.diff(v1, byFile)).isEqualTo(Tree.diff(tree, withoutEmptyDirectories));
            }

            // checkout restores bytes, paths, empty directories and the executable bit
            Path out = fs.getPath("/out");
            assertThat(datasets.checkout(v1, out)).isEqualTo(tree.files().size());
            assertThat(Tree.read(out)).isEqualTo(tree);

            checkCaseInsensitiveCheckout(datasets, v1, tree, insensitive.getPath("/out"), distribution);

            // the digest changes exactly when the tree does, and diff is the brute-force diff
            Tree edited = example.edited();
            Path e = fs.getPath("/edited");
            edited.materialize(e, random.nextLong(), NOW.minusSeconds(3600));
            DatasetVersion v2 = datasets.snapshot("p").directory(e).commit();
            assertThat(edited).isNotEqualTo(tree);
            assertThat(v2.getDigest()).isNotEqualTo(v1.getDigest());
            assertThat(v2.getNumber()).isEqualTo(2);
            assertThat(datasets.diff(v1, v2)).isEqualTo(Tree.diff(tree, edited));
            assertThat(datasets.diff(v2, v1)).isEqualTo(Tree.diff(edited, tree));
            assertThat(datasets.diff(v2, v2).isEmpty()).isTrue();

            Tree other = example.other();
            Path o = fs.getPath("/other");
            other.materialize(o, random.nextLong(), NOW);
            DatasetVersion v3 = datasets.snapshot("o").directory(o).commit();
            assertThat(v3.getDigest().equals(v1.getDigest())).isEqualTo(other.equals(tree));
            assertThat(datasets.diff(v1, v3)).isEqualTo(Tree.diff(tree, other));
            assertThat(datasets.diff(v3, v2)).isEqualTo(Tree.diff(other, edited));
        }
    }

    /**
     * On a case-insensitive target: names that would collide there are refused before anything is written; names
     * that differ by case only beyond ASCII may be refused too (the check folds all of Unicode, the target only
     * ASCII); any other tree checks out exactly.
     */
    private static void checkCaseInsensitiveCheckout(
            Datasets datasets, DatasetVersion version, Tree tree, Path out, Distribution distribution)
            throws IOException {
        boolean collides = tree.caseTwinPairs(true) > 0;
        boolean unicodeTwins = tree.caseTwinPairs(false) > 0 || hasIgnoreCaseTwins(tree);
        String outcome;
        try {
            assertThat(datasets.checkout(version, out)).isEqualTo(tree.files().size());
            assertThat(collides)
                    .as("checkout should have refused names that collide on %s", out)
                    .isFalse();
            assertThat(Tree.read(out)).isEqualTo(tree);
            outcome = unicodeTwins ? "restored (Unicode-only twins)" : "restored";
        } catch (UnsafePathException refused) {
            assertThat(unicodeTwins)
                    .as("refused without case twins: %s", refused)
                    .isTrue();
            assertThat(refused).hasMessageContaining("case");
            try (var stream = Files.list(out)) {
                assertThat(stream).as("nothing is written before the refusal").isEmpty();
            }
            outcome = collides ? "refused (collides)" : "refused (Unicode-only twins)";
        }
        distribution.count("checkout on a case-insensitive target", outcome);
    }

    private static boolean hasIgnoreCaseTwins(Tree tree) {
        List<String> dirs = new ArrayList<>(tree.directories());
        dirs.add("");
        for (String dir : dirs) {
            List<String> names = tree.children(dir);
            for (int i = 0; i < names.size(); i++) {
                for (int j = i + 1; j < names.size(); j++) {
                    if (names.get(i).equalsIgnoreCase(names.get(j))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void shouldRefuseCheckoutBeforeWritingWhenNamesDifferOnlyByCaseOnACaseInsensitiveTarget() throws IOException {
        Tree tree = new Tree(
                Map.of(
                        "README.md", new Tree.FileSpec("upper".getBytes(StandardCharsets.UTF_8), false),
                        "readme.md", new Tree.FileSpec("lower".getBytes(StandardCharsets.UTF_8), false),
                        "data/x.csv", new Tree.FileSpec("x".getBytes(StandardCharsets.UTF_8), true)),
                Set.of("empty"));
        try (FileSystem fs = Jimfs.newFileSystem(unix());
                FileSystem insensitive = Jimfs.newFileSystem(caseInsensitive());
                Mlops mlops = inMemoryLake()) {
            Path source = fs.getPath("/src");
            tree.materialize(source, 1, NOW);
            DatasetVersion version =
                    mlops.datasets().snapshot("twins").directory(source).commit();

            Path target = insensitive.getPath("/out");
            assertThatThrownBy(() -> mlops.datasets().checkout(version, target))
                    .isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining("README.md")
                    .hasMessageContaining("readme.md");
            try (var stream = Files.list(target)) {
                assertThat(stream).isEmpty();
            }
            Path sensitive = fs.getPath("/out");
            assertThat(mlops.datasets().checkout(version, sensitive)).isEqualTo(3);
            assertThat(Tree.read(sensitive)).isEqualTo(tree);
        }
    }

    @Test
    void shouldCheckOutOnACaseInsensitiveTargetWhenNoNamesCollide() throws IOException {
        Tree tree = new Tree(
                Map.of(
                        "Data/a.bin", new Tree.FileSpec(new byte[] {1, 2, 3}, false),
                        "run.sh", new Tree.FileSpec("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), true)),
                Set.of("Data/Empty", "ñandú"));
        try (FileSystem fs = Jimfs.newFileSystem(unix());
                FileSystem insensitive = Jimfs.newFileSystem(caseInsensitive());
                Mlops mlops = inMemoryLake()) {
            Path source = fs.getPath("/src");
            tree.materialize(source, 2, NOW);
            DatasetVersion version =
                    mlops.datasets().snapshot("plain").directory(source).commit();

            Path target = insensitive.getPath("/out");
            assertThat(mlops.datasets().checkout(version, target)).isEqualTo(2);
            assertThat(Tree.read(target)).isEqualTo(tree);
            assertThat(Files.exists(insensitive.getPath("/out/DATA/A.BIN")))
                    .as("the target folds case")
                    .isTrue();
        }
    }
}
