package org.mlops4j.test.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

/**
 * The dataset properties on the real disk: a {@code LocalObjectStore} lake, source trees and checkouts in a temporary
 * directory, the stat cache on (edits are made in place, as users make them), the system clock.
 *
 * <p>Replay a failure with {@code -Dmlops4j.qt.seed=<seed>}.
 */
class DatasetDiskPropertiesTest {
    static final int EXAMPLES = Integer.getInteger("mlops4j.qt.disk-examples", 100);
    static final TreeGen.Limits LIMITS = new TreeGen.Limits(40, 4, 512 * TreeGen.KIB);

    @TempDir
    Path temp;

    private int counter;

    @Test
    void shouldRoundTripDigestAndDiffExactlyWhenTreesAreOnTheRealDisk() {
        Distribution distribution = new Distribution("local lake on disk, seed " + DatasetPropertiesTest.SEED);
        long started = System.nanoTime();
        try (ObjectStore lake = TestStores.open(temp.resolve("lake"));
                Mlops mlops = Mlops.builder()
                        .objectStore(lake)
                        .cacheDirectory(temp.resolve("cache"))
                        .build()) {
            qt().withFixedSeed(DatasetPropertiesTest.SEED)
                    .withExamples(EXAMPLES)
                    .withShrinkCycles(DatasetPropertiesTest.SHRINK_CYCLES)
                    .forAll(TreeGen.examples(LIMITS))
                    .checkAssert(example -> {
                        distribution.record(example);
                        Path work = temp.resolve("example-" + ++counter);
                        try {
                            checkExample(mlops.datasets(), "p" + counter, example, work);
                            deleteRecursively(work);
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    });
        } finally {
            distribution.print();
            System.out.printf("%d examples in %d ms%n", EXAMPLES, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private static void checkExample(Datasets datasets, String name, TreeGen.Example example, Path work)
            throws IOException {
        Tree tree = example.tree();
        Random random = new Random(example.orderSeed());
        Path source = work.resolve("source");
        tree.materialize(source, random.nextLong(), Instant.now().minusSeconds(86_400));
        DatasetVersion v1 = datasets.snapshot(name).directory(source).commit();
        assertThat(v1.getNumber()).isEqualTo(1);

        Path copy = work.resolve("copy");
        tree.materialize(copy, random.nextLong(), Instant.now().minusSeconds(30 * 86_400));
        assertThat(datasets.snapshot(name).directory(copy).commit()).isEqualTo(v1);
        assertThat(datasets.snapshot(name).directory(source).commit()).isEqualTo(v1);

        Path out = work.resolve("out");
        assertThat(datasets.checkout(v1, out)).isEqualTo(tree.files().size());
        assertThat(Tree.read(out)).isEqualTo(tree);

        Tree edited = example.edited();
        tree.syncTo(source, edited);
        assertThat(Tree.read(source)).isEqualTo(edited);
        DatasetVersion v2 = datasets.snapshot(name).directory(source).commit();
        assertThat(v2.getDigest()).isNotEqualTo(v1.getDigest());
        assertThat(v2.getNumber()).isEqualTo(2);
        assertThat(datasets.diff(v1, v2)).isEqualTo(Tree.diff(tree, edited));
        assertThat(datasets.diff(v2, v1)).isEqualTo(Tree.diff(edited, tree));
        assertThat(datasets.snapshot(name).directory(source).statCache(false).commit())
                .isEqualTo(v2);

        Path out2 = work.resolve("out2");
        assertThat(datasets.checkout(v2, out2)).isEqualTo(edited.files().size());
        assertThat(Tree.read(out2)).isEqualTo(edited);

        Tree other = example.other();
        edited.syncTo(source, other);
        DatasetVersion v3 = datasets.snapshot(name).directory(source).commit();
        assertThat(v3.getDigest().equals(v2.getDigest())).isEqualTo(other.equals(edited));
        assertThat(datasets.diff(v1, v3)).isEqualTo(Tree.diff(tree, other));
    }

    private static void deleteRecursively(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
