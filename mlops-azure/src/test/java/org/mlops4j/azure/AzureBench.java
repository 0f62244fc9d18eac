package org.mlops4j.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.mlops4j.Mlops;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.RequestCounts;
import org.mlops4j.test.StoreOperation;

/**
 * Issue 21, acceptance 4 (run by {@code scripts/bench-azure}): on this JVM's Azurite, side by side in one run,
 * interleaved (the order flips each round), each round on fresh containers:
 *
 * <ul>
 *   <li>{@code push}: a snapshot of a tree of large files into a lake with this library, against {@code floor}: the
 *       Azure SDK uploading the same files with its own parallel upload ({@code uploadFromFile}, 8 files at a time);
 *   <li>{@code repush}: the same snapshot again, unchanged (stat cache on): its time, and the content it sent;
 *   <li>{@code small}: a snapshot of a tree of 4 KiB files, against {@code small-floor}: the SDK uploading one blob per
 *       file, 32 at a time.
 * </ul>
 *
 * <p>Prints one JSON line per timed run. Arguments: {@code --work DIR --rounds N --warmup N --large-files N
 * --large-size BYTES --small-files N --only large|small|all}.
 */
public final class AzureBench {
    private AzureBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(arg(args, "--work", "/tmp/mlops4j-bench-azure"));
        int rounds = Integer.parseInt(arg(args, "--rounds", "5"));
        int warmup = Integer.parseInt(arg(args, "--warmup", "1"));
        int largeFiles = Integer.parseInt(arg(args, "--large-files", "1000"));
        int largeSize = Integer.parseInt(arg(args, "--large-size", Integer.toString(1024 * 1024)));
        int smallFiles = Integer.parseInt(arg(args, "--small-files", "100000"));
        String only = arg(args, "--only", "all"); // large (push, floor, repush), small, or all
        boolean runLarge = !only.equals("small");
        boolean runSmall = !only.equals("large");
        Path large = work.resolve("large");
        Path small = work.resolve("small");
        if (runLarge) {
            writeTree(large, largeFiles, largeSize, 1);
        }
        if (runSmall) {
            writeTree(small, smallFiles, 4096, 2);
        }
        AzuriteServer azurite = AzuriteServer.shared();
        BlobServiceClient service = new BlobServiceClientBuilder()
                .connectionString(azurite.getConnectionString())
                .buildClient();
        for (int round = 0; round < warmup + rounds; round++) {
            boolean counted = round >= warmup;
            boolean libraryFirst = round % 2 == 0;
            for (int i = 0; i < 2 && runLarge; i++) {
                if ((i == 0) == libraryFirst) {
                    push(service, large, work, round, counted, "push", largeFiles, largeSize);
                } else {
                    floor(service, large, round, counted, "floor", 8, largeFiles, largeSize);
                }
            }
            for (int i = 0; i < 2 && runSmall; i++) {
                if ((i == 0) == libraryFirst) {
                    push(service, small, work, round, counted, "small", smallFiles, 4096);
                } else {
                    floor(service, small, round, counted, "small-floor", 32, smallFiles, 4096);
                }
            }
        }
        System.exit(0); // Azurite stops with the JVM
    }

    /**
     * A snapshot into a fresh lake, then (for the large tree) the same snapshot again, unchanged; the container is
     * deleted after, so that the in-memory Azurite holds one round's data at a time (1 GiB a round at full size).
     */
    private static void push(
            BlobServiceClient service,
            Path tree,
            Path work,
            int round,
            boolean counted,
            String variant,
            int files,
            long size) {
        String container = AzuriteLakes.newContainerName(variant);
        try (AzureBlobObjectStore azure = AzuriteLakes.newLake(variant)
                .location("azblob://" + AzuriteServer.ACCOUNT + "/" + container)
                .build()) {
            LatencyObjectStore store = LatencyObjectStore.wrap(azure, java.time.Duration.ZERO);
            try (Mlops mlops = Mlops.builder()
                    .objectStore(store)
                    .cacheDirectory(work.resolve("cache-" + container))
                    .build()) {
                timeSnapshots(mlops, azure, store, tree, round, counted, variant, files, size);
            }
        } finally {
            service.getBlobContainerClient(container).deleteIfExists();
        }
    }

    private static void timeSnapshots(
            Mlops mlops,
            AzureBlobObjectStore azure,
            LatencyObjectStore store,
            Path tree,
            int round,
            boolean counted,
            String variant,
            int files,
            long size) {
        long h0 = azure.getHttpRequestCount();
        long t0 = System.nanoTime();
        var unused = mlops.datasets().snapshot("bench").directory(tree).commit();
        long ns = System.nanoTime() - t0;
        print(variant, round, counted, ns, files, (long) files * size, azure.getHttpRequestCount() - h0, -1);
        if (variant.equals("push")) {
            store.resetRequestCounts();
            h0 = azure.getHttpRequestCount();
            t0 = System.nanoTime();
            var unusedAgain = mlops.datasets().snapshot("bench").directory(tree).commit();
            ns = System.nanoTime() - t0;
            RequestCounts counts = store.getRequestCounts();
            long contentPuts = counts.get(StoreOperation.PUT_CONTENT);
            print("repush", round, counted, ns, files, 0, azure.getHttpRequestCount() - h0, contentPuts);
        }
    }

    /** The SDK alone: every file of the tree as a blob, {@code parallel} files at a time. */
    private static void floor(
            BlobServiceClient service,
            Path tree,
            int round,
            boolean counted,
            String variant,
            int parallel,
            int files,
            long size)
            throws Exception {
        BlobContainerClient container = service.getBlobContainerClient(AzuriteLakes.newContainerName(variant));
        container.create();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(tree)) {
            paths = walk.filter(Files::isRegularFile).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> uploads = new ArrayList<>();
            for (Path path : paths) {
                uploads.add(pool.submit(() -> container
                        .getBlobClient(tree.relativize(path).toString())
                        .uploadFromFileWithResponse(
                                new BlobUploadFromFileOptions(path.toString())
                                        .setParallelTransferOptions(new ParallelTransferOptions()
                                                .setBlockSizeLong(4L * 1024 * 1024)
                                                .setMaxConcurrency(8)),
                                null,
                                null)));
            }
            for (Future<?> upload : uploads) {
                upload.get();
            }
        } finally {
            pool.shutdown();
        }
        print(variant, round, counted, System.nanoTime() - t0, files, (long) files * size, -1, -1);
        container.delete();
    }

    private static void print(
            String variant, int round, boolean counted, long ns, int files, long bytes, long http, long contentPuts) {
        System.out.printf(
                Locale.ROOT,
                "{\"variant\":\"%s\",\"round\":%d,\"counted\":%s,\"ms\":%.1f,\"files\":%d,\"bytes\":%d,"
                        + "\"mibPerSecond\":%.1f,\"httpRequests\":%d,\"contentPuts\":%d,\"loadAverage\":\"%s\"}%n",
                variant,
                round,
                counted,
                ns / 1e6,
                files,
                bytes,
                bytes / 1048576.0 / (ns / 1e9),
                http,
                contentPuts,
                loadAverage());
        System.out.flush();
    }

    /** The 1, 5 and 15 minute load averages at the end of a run (the machine is shared; figures need them beside). */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Writes {@code files} files of random bytes in directories of at most 1,000, unless the tree is there. */
    private static void writeTree(Path root, int files, int size, long seed) {
        try {
            Path marker = root.resolveSibling(root.getFileName() + ".complete-" + files + "x" + size);
            if (Files.exists(marker)) {
                return;
            }
            Random random = new Random(seed);
            byte[] bytes = new byte[size];
            for (int i = 0; i < files; i++) {
                random.nextBytes(bytes);
                Path dir = Files.createDirectories(root.resolve("d" + (i / 1000)));
                Files.write(dir.resolve("f" + i + ".bin"), Arrays.copyOf(bytes, size));
            }
            Files.writeString(marker, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
