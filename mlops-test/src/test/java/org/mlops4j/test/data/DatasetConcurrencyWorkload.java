package org.mlops4j.test.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.SnapshotBuilder;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.WorkerThreads;

/**
 * A child of {@link DatasetConcurrencyTest}: several threads, each snapshotting its own source tree (new bytes every
 * iteration) into one dataset, each commit after a thread's first derived from that thread's previous version.
 *
 * <p>Each thread leaves one file unchanged half of the time, so that the stat cache (on, in a cache directory that
 * both processes share) has entries to hit, and checks after each commit that every file reads back as its source
 * holds it.
 *
 * <p>Arguments: lake directory, writer id, threads, iterations per thread, work directory, cache directory. Waits for
 * {@code GO} after {@code READY}; reports one line per commit ({@code <version> <digest> <commit id> <thread>
 * <parent version or 0>}) and prints {@code RESULT commits=…}.
 */
public final class DatasetConcurrencyWorkload {
    static final String DATASET = "shared";

    private DatasetConcurrencyWorkload() {}

    public static void main(String[] args) throws InterruptedException {
        ParentChannel parent = ParentChannel.open();
        Path lake = Path.of(args[0]);
        String writer = args[1];
        int threads = Integer.parseInt(args[2]);
        int iterations = Integer.parseInt(args[3]);
        Path work = Path.of(args[4]);
        Path caches = Path.of(args[5]);

        List<String> commits;
        try (Mlops mlops =
                Mlops.builder().localLake(lake).cacheDirectory(caches).build()) {
            Datasets datasets = mlops.datasets();
            parent.ready();
            parent.awaitGo();
            commits = WorkerThreads.runAll(writer, threads, (thread, mine, stopped) -> {
                SplittableRandom random = new SplittableRandom(thread.hashCode());
                Path source = work.resolve(thread);
                DatasetVersion previous = null;
                for (int i = 1; i <= iterations && !stopped.getAsBoolean(); i++) {
                    String label = thread + "-" + i;
                    SourceTrees.writeRaw(source, random, label, null, random.nextBoolean());
                    DatasetVersion version = commit(datasets, source, label, previous);
                    checkReadsBack(datasets, version, source);
                    mine.add(version.getNumber() + " " + version.getDigest() + " " + version.getCommitId() + " "
                            + thread + " " + (previous == null ? 0 : previous.getNumber()));
                    previous = version;
                }
            });
        }
        parent.reportAndExit(commits, "commits=" + commits.size());
    }

    /** Each file of the version reads back as the source holds it: no stale stat cache entry, no mix-up. */
    private static void checkReadsBack(Datasets datasets, DatasetVersion version, Path source) throws IOException {
        for (String path : SourceTrees.smallRawFiles()) {
            byte[] stored;
            try (InputStream in = datasets.open(version, path)) {
                stored = in.readAllBytes();
            }
            if (!Arrays.equals(stored, Files.readAllBytes(source.resolve(path)))) {
                throw new IllegalStateException(version + " holds other bytes at " + path + " than its source");
            }
        }
    }

    private static DatasetVersion commit(
            Datasets datasets, Path source, String label, @Nullable DatasetVersion previous) {
        SnapshotBuilder builder = previous == null
                ? datasets.snapshot(DATASET)
                : datasets.derive(DATASET).from(previous).transform("edit", "git:0000000", Map.of("label", label));
        return builder.directory(source).message(label).commit();
    }
}
