package org.mlops4j.azure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.test.process.ParentChannel;
import org.mlops4j.test.process.WorkerThreads;

/**
 * A child JVM that snapshots into one dataset of a lake on the parent's Azurite, for {@link AzuriteProcessesTest}.
 *
 * <p>Arguments: mode ({@code race} or {@code loop}), Azurite's port, container, writer id, threads, snapshots per
 * thread, work directory. In {@code race} mode each thread snapshots its own, always new, tree (derived from its own
 * previous version), reports one line per commit ({@code <version> <digest> <commit id> <thread> <parent or 0>}) and
 * the child exits; in {@code loop} mode one thread snapshots until the parent kills it.
 */
public final class AzuriteSnapshotWorkload {
    static final String DATASET = "shared";

    private AzuriteSnapshotWorkload() {}

    public static void main(String[] args) throws InterruptedException {
        ParentChannel parent = ParentChannel.open();
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        String container = args[2];
        String writer = args[3];
        int threads = Integer.parseInt(args[4]);
        int iterations = Integer.parseInt(args[5]);
        Path work = Path.of(args[6]);

        List<String> commits;
        try (AzureBlobObjectStore store = open(port, container);
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            Datasets datasets = mlops.datasets();
            parent.ready();
            if (mode.equals("loop")) {
                SplittableRandom random = new SplittableRandom(System.nanoTime());
                Path source = work.resolve(writer);
                for (int i = 1; ; i++) {
                    String label = writer + "-" + i;
                    writeTree(source, random, label);
                    commit(datasets, source, label, datasets.findLatest(DATASET).orElse(null));
                }
            }
            parent.awaitGo();
            commits = WorkerThreads.runAll(writer, threads, (thread, mine, stopped) -> {
                SplittableRandom random = new SplittableRandom(thread.hashCode());
                Path source = work.resolve(thread);
                DatasetVersion previous = null;
                for (int i = 1; i <= iterations && !stopped.getAsBoolean(); i++) {
                    String label = thread + "-" + i;
                    writeTree(source, random, label);
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

    /** Opens the lake in a container of the Azurite on a port, with 1 MiB blocks so that larger files are staged. */
    static AzureBlobObjectStore open(int port, String container) {
        return AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/" + container)
                .connectionString(AzuriteServer.connectionString(port))
                .blockSize(1024 * 1024)
                .createContainerIfMissing(true)
                .build();
    }

    /**
     * Writes a tree with new bytes: small files that go into packs, one that is stored whole, and now and then one of
     * a few MiB that is staged in blocks.
     */
    static void writeTree(Path directory, SplittableRandom random, String label) {
        try {
            for (String dir : List.of("a", "b")) {
                Files.createDirectories(directory.resolve(dir));
                for (int i = 0; i < 3; i++) {
                    Files.write(
                            directory.resolve(dir).resolve("f" + i + ".bin"), bytes(random, 1 + random.nextInt(8192)));
                }
            }
            Files.writeString(directory.resolve("label.txt"), label);
            Files.write(directory.resolve("whole.bin"), bytes(random, 70_000 + random.nextInt(70_000)));
            Path big = directory.resolve("big.bin");
            if (random.nextInt(4) == 0) {
                Files.write(big, bytes(random, 2 * 1024 * 1024 + random.nextInt(1024 * 1024)));
            } else {
                Files.deleteIfExists(big);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    static DatasetVersion commit(Datasets datasets, Path source, String label, @Nullable DatasetVersion previous) {
        return (previous == null
                        ? datasets.snapshot(DATASET)
                        : datasets.derive(DATASET)
                                .from(previous)
                                .transform("edit", "git:0000000", Map.of("label", label)))
                .directory(source)
                .message(label)
                .commit();
    }

    /** Each file of the version reads back as the source holds it. */
    private static void checkReadsBack(Datasets datasets, DatasetVersion version, Path source) throws IOException {
        List<String> paths = new ArrayList<>(List.of("a/f0.bin", "b/f2.bin", "label.txt", "whole.bin"));
        if (Files.exists(source.resolve("big.bin"))) {
            paths.add("big.bin");
        }
        for (String path : paths) {
            byte[] stored;
            try (InputStream in = datasets.open(version, path)) {
                stored = in.readAllBytes();
            }
            if (!Arrays.equals(stored, Files.readAllBytes(source.resolve(path)))) {
                throw new IllegalStateException(version + " holds other bytes at " + path + " than its source");
            }
        }
    }
}
