package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.store.LocalObjectStore;

/**
 * Issue 19, "Memory": the heap bytes a snapshot and a checkout allocate per file, counted over every thread of the
 * JVM ({@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}), on 20,000 files of 1 KiB. A count, not
 * a time: a checkout of 100,000 such files once allocated a 128 KiB buffer and a new digest per file (about 150 KB
 * per file), and the stat of each file an attribute map. The budgets are stated in {@code benchmarks/DATASETS.md}.
 */
class DatasetAllocationBudgetTest {
    /** Files of the measured tree, in directories of {@link #PER_DIRECTORY}. */
    private static final int FILES = 20_000;

    private static final int PER_DIRECTORY = 1_000;
    private static final int FILE_BYTES = 1024;

    /**
     * Heap bytes per file a cold snapshot may allocate: walk, stat, read, hash, pack, trees and the stat cache. Before
     * issue 19: 13,700-14,000 (a stat map per check, a buffer per file); after: 9,100-9,200.
     */
    static final long COLD_SNAPSHOT_BYTES_PER_FILE = 11_000;
    /**
     * ... a no-change re-snapshot: one stat per file against the stat cache, no read. 4,100-7,800 before issue 19 and
     * 4,400-7,600 after (most of it the JDK's map of {@code unix:} attributes and the stat cache's records).
     */
    static final long NO_CHANGE_BYTES_PER_FILE = 10_000;
    /**
     * ... a checkout: trees, one verified write per file. Before issue 19: 143,000 (a 128 KiB buffer and a digest per
     * file); after: 8,800-9,200, most of it parsing the trees.
     */
    static final long CHECKOUT_BYTES_PER_FILE = 11_000;

    @TempDir
    Path temp;

    private LocalObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = LocalObjectStore.open(temp.resolve("lake"));
        mlops = Mlops.builder()
                .objectStore(lake)
                .cacheDirectory(temp.resolve("cache"))
                .build();
        datasets = mlops.datasets();
        source = temp.resolve("source");
        Random random = new Random(19);
        byte[] bytes = new byte[FILE_BYTES];
        for (int i = 0; i < FILES; i++) {
            Path dir = source.resolve(String.format("d%03d", i / PER_DIRECTORY));
            if (i % PER_DIRECTORY == 0) {
                Files.createDirectories(dir);
            }
            random.nextBytes(bytes);
            Files.write(dir.resolve(String.format("f%06d.bin", i)), bytes);
        }
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldStayWithinTheAllocationBudgetPerFileWhenSnapshottingAndCheckingOutSmallFiles() throws IOException {
        warmUp();

        long before = allocated();
        DatasetVersion cold = datasets.snapshot("budget").directory(source).commit();
        long coldBytes = allocated() - before;

        before = allocated();
        DatasetVersion again = datasets.snapshot("budget").directory(source).commit();
        long noChangeBytes = allocated() - before;

        before = allocated();
        long written = datasets.checkout(cold, temp.resolve("checkout"));
        long checkoutBytes = allocated() - before;

        assertThat(again.getNumber()).isEqualTo(cold.getNumber());
        assertThat(written).isEqualTo(FILES);
        String figures = String.format(
                "bytes allocated per file: cold snapshot %d, no-change re-snapshot %d, checkout %d",
                coldBytes / FILES, noChangeBytes / FILES, checkoutBytes / FILES);
        System.out.println(getClass().getSimpleName() + ": " + figures);
        assertThat(coldBytes / FILES).as(figures).isLessThanOrEqualTo(COLD_SNAPSHOT_BYTES_PER_FILE);
        assertThat(noChangeBytes / FILES).as(figures).isLessThanOrEqualTo(NO_CHANGE_BYTES_PER_FILE);
        assertThat(checkoutBytes / FILES).as(figures).isLessThanOrEqualTo(CHECKOUT_BYTES_PER_FILE);
    }

    /** Loads and initialises the classes each path uses, so that the counts are per file, not per JVM. */
    private void warmUp() throws IOException {
        Path small = Files.createDirectories(temp.resolve("warm/d"));
        for (int i = 0; i < 50; i++) {
            Files.write(small.resolve("f" + i), new byte[] {(byte) i});
        }
        DatasetVersion version =
                datasets.snapshot("warm").directory(small.getParent()).commit();
        DatasetVersion again =
                datasets.snapshot("warm").directory(small.getParent()).commit();
        long written = datasets.checkout(version, temp.resolve("warm-checkout"));
        assertThat(again.getNumber()).isEqualTo(version.getNumber());
        assertThat(written).isEqualTo(50);
    }

    /** Heap bytes allocated by every thread of this JVM so far, ended threads included. */
    private static long allocated() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported()) {
            throw new AssertionError("this JVM cannot count allocated bytes per thread"
                    + " (com.sun.management.ThreadMXBean); run the build on HotSpot");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads.getTotalThreadAllocatedBytes();
    }
}
