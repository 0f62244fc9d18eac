package org.mlops4j.benchmarks.datasets;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.RequestCounts;

/**
 * The cold snapshot of issue 15's acceptance 2, timed: 10,000 files of 4 KiB in 100 directories snapshotted into a
 * fresh in-memory store wrapped in {@link LatencyObjectStore} at 20 ms per call, against the same at 0 ms. Its
 * request count is a unit test's ({@code DataRequestBudgetTest}); its time is measured here, where a shared machine's
 * noise can be answered with repetitions instead of a flaky build. {@code scripts/bench-remote-snapshot} runs it (see
 * {@code benchmarks/README.md}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.mlops4j.benchmarks.datasets.RemoteSnapshotBench
 *     [--work DIR] [--rounds N] [--warmup N] [--latency-ms MS] [--max-ratio R]
 * </pre>
 *
 * <p>Both variants run side by side in one JVM, alternating (the order flips every round, so that neither always
 * follows the other), each on a fresh store and a fresh stat-cache directory; {@code --warmup} rounds of both run
 * first and are not counted. Only {@code snapshot(…).directory(…).commit()} is timed. Prints one JSON line per run,
 * then a summary line with the medians, the ratio of the medians and the median of the per-round ratios; exits
 * with 1 when the ratio of the medians exceeds {@code --max-ratio} (3 by default).
 */
public final class RemoteSnapshotBench {
    private static final int DIRECTORIES = 100;
    private static final int FILES_EACH = 100;
    private static final int FILE_SIZE = 4096;

    private RemoteSnapshotBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class documentation
     * @throws IOException if the source tree cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "mlops4j-bench-remote-snapshot");
        int rounds = 5;
        int warmup = 1;
        long latencyMillis = 20;
        double maxRatio = 3.0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--work" -> work = Path.of(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--latency-ms" -> latencyMillis = Long.parseLong(value);
                case "--max-ratio" -> maxRatio = Double.parseDouble(value);
                default -> {
                    System.err.println("RemoteSnapshotBench: unknown option '" + args[i] + "'; usage: [--work DIR]"
                            + " [--rounds N] [--warmup N] [--latency-ms MS] [--max-ratio R]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (rounds < 1 || warmup < 0 || latencyMillis < 0) {
            throw new IllegalArgumentException("--rounds >= 1, --warmup >= 0 and --latency-ms >= 0 are required");
        }
        double ratio = run(work, rounds, warmup, Duration.ofMillis(latencyMillis), System.out);
        System.exit(ratio <= maxRatio ? 0 : 1);
    }

    /** Runs every round and prints; returns the ratio of the medians (remote / local). */
    static double run(Path work, int rounds, int warmup, Duration latency, PrintStream out) throws IOException {
        deleteTree(work);
        Path source = work.resolve("source");
        writeTree(source);
        List<Long> local = new ArrayList<>();
        List<Long> remote = new ArrayList<>();
        List<Double> perRound = new ArrayList<>();
        long requests = -1;
        for (int round = -warmup; round < rounds; round++) {
            boolean localFirst = Math.floorMod(round, 2) == 0;
            Run first = coldSnapshot(work, source, localFirst ? Duration.ZERO : latency, round + "-a");
            Run second = coldSnapshot(work, source, localFirst ? latency : Duration.ZERO, round + "-b");
            Run l = localFirst ? first : second;
            Run r = localFirst ? second : first;
            boolean counted = round >= 0;
            print(out, round, counted, "0ms", l);
            print(out, round, counted, latency.toMillis() + "ms", r);
            if (counted) {
                local.add(l.nanos);
                remote.add(r.nanos);
                perRound.add((double) r.nanos / l.nanos);
                requests = r.counts.total();
            }
        }
        deleteTree(work);
        double localMedian = median(local.stream().map(Long::doubleValue).toList());
        double remoteMedian = median(remote.stream().map(Long::doubleValue).toList());
        double ratio = remoteMedian / localMedian;
        out.printf(
                Locale.ROOT,
                "{\"summary\":true,\"rounds\":%d,\"warmup\":%d,\"files\":%d,\"latencyMs\":%d,\"requests\":%d,"
                        + "\"localMedianMs\":%.1f,\"remoteMedianMs\":%.1f,\"ratioOfMedians\":%.3f,"
                        + "\"medianRoundRatio\":%.3f,\"localMs\":%s,\"remoteMs\":%s}%n",
                rounds,
                warmup,
                DIRECTORIES * FILES_EACH,
                latency.toMillis(),
                requests,
                localMedian / 1e6,
                remoteMedian / 1e6,
                ratio,
                median(perRound),
                millis(local),
                millis(remote));
        out.flush();
        return ratio;
    }

    private record Run(long nanos, RequestCounts counts, DatasetVersion version) {}

    private static Run coldSnapshot(Path work, Path source, Duration latency, String name) throws IOException {
        Path cache = work.resolve("cache-" + name);
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), latency);
        try (Mlops mlops =
                Mlops.builder().objectStore(store).cacheDirectory(cache).build()) {
            store.resetRequestCounts();
            long started = System.nanoTime();
            DatasetVersion version =
                    mlops.datasets().snapshot("small-files").directory(source).commit();
            long nanos = System.nanoTime() - started;
            return new Run(nanos, store.getRequestCounts(), version);
        } finally {
            deleteTree(cache);
        }
    }

    private static void print(PrintStream out, int round, boolean counted, String variant, Run run) {
        out.printf(
                Locale.ROOT,
                "{\"round\":%d,\"counted\":%b,\"latency\":\"%s\",\"ms\":%.1f,\"requests\":%d,\"files\":%d,"
                        + "\"digest\":\"%s\"}%n",
                round,
                counted,
                variant,
                run.nanos / 1e6,
                run.counts.total(),
                run.version.getFileCount(),
                run.version.getDigest());
        out.flush();
    }

    static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String millis(List<Long> nanos) {
        return Arrays.toString(nanos.stream()
                .map(n -> String.format(Locale.ROOT, "%.1f", n / 1e6))
                .toArray());
    }

    /** Random content (nothing deduplicates), seeded: the same tree every run. */
    private static void writeTree(Path root) throws IOException {
        Random random = new Random(1);
        byte[] bytes = new byte[FILE_SIZE];
        for (int d = 0; d < DIRECTORIES; d++) {
            Path directory = Files.createDirectories(root.resolve("d" + d));
            for (int f = 0; f < FILES_EACH; f++) {
                random.nextBytes(bytes);
                Files.write(directory.resolve("f" + f + ".bin"), bytes);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
