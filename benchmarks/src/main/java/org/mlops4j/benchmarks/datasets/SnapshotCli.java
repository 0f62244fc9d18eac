package org.mlops4j.benchmarks.datasets;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;

/**
 * Snapshots one directory into a local lake and times it in-process; the dataset benchmark's driver
 * ({@code scripts/bench-datasets}, see {@code benchmarks/DATASETS.md}) runs it once per measurement.
 *
 * <pre>
 * java -cp … org.mlops4j.benchmarks.datasets.SnapshotCli --lake DIR --cache DIR --source DIR
 *     [--name NAME] [--repeat N] [--label TEXT] [--no-stat-cache]
 * java -cp … org.mlops4j.benchmarks.datasets.SnapshotCli --lake DIR --cache DIR --checkout DIR [--name NAME]
 * </pre>
 *
 * <p>Opens {@code Mlops.builder().localLake(lake).cacheDirectory(cache)}, snapshots {@code source} once, then
 * {@code N} more times in the same (warm) JVM, and prints one JSON line per snapshot on standard output:
 * {@code iteration} 0 is the first snapshot of this process (a cold one when the lake is fresh), the next ones are
 * the no-change re-snapshots. {@code cpuSeconds} is the process's CPU time during the snapshot. {@code openSeconds} is the time to open the lake, {@code seconds} that of one
 * {@code snapshot(…).directory(…).commit()}; {@code sinceJvmStartSeconds} is measured from the JVM's start time
 * (its launch, class loading and lake opening included). Not a JMH benchmark: each figure is one wall-clock run,
 * and the driver interleaves runs and takes medians.
 */
public final class SnapshotCli {
    private SnapshotCli() {}

    /**
     * Runs the CLI.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SnapshotCli: " + e.getMessage());
            System.err.println("usage: SnapshotCli --lake DIR --cache DIR (--source DIR | --checkout DIR) [--name NAME]"
                    + " [--repeat N] [--label TEXT] [--no-stat-cache]");
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    static void run(Options options, PrintStream out) {
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        long openStart = System.nanoTime();
        try (Mlops mlops = Mlops.builder()
                .localLake(options.lake)
                .cacheDirectory(options.cache)
                .build()) {
            long openNanos = System.nanoTime() - openStart;
            if (options.checkout != null) {
                checkout(mlops, options, openNanos, out);
                return;
            }
            for (int i = 0; i <= options.repeat; i++) {
                long allocatedStart = allocatedBytes();
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                DatasetVersion version = mlops.datasets()
                        .snapshot(options.name)
                        .directory(options.source)
                        .statCache(options.statCache)
                        .commit();
                long nanos = System.nanoTime() - start;
                long cpuNanos = processCpuNanos() - cpuStart;
                long allocated = allocatedStart < 0 ? -1 : allocatedBytes() - allocatedStart;
                double sinceJvmStart = (System.currentTimeMillis() - jvmStartMillis) / 1000.0;
                out.println(
                        json(options, i, i == 0 ? openNanos : 0, nanos, cpuNanos, allocated, sinceJvmStart, version));
                out.flush();
            }
        }
    }

    private static void checkout(Mlops mlops, Options options, long openNanos, PrintStream out) {
        DatasetVersion version = mlops.datasets()
                .findLatest(options.name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "the lake " + options.lake + " has no dataset '" + options.name + "'; snapshot it first"));
        long allocatedStart = allocatedBytes();
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        long files = mlops.datasets().checkout(version, options.checkout);
        long nanos = System.nanoTime() - start;
        long cpuNanos = processCpuNanos() - cpuStart;
        long allocated = allocatedStart < 0 ? -1 : allocatedBytes() - allocatedStart;
        out.println(String.format(
                Locale.ROOT,
                "{\"tool\":\"mlops4j\",\"op\":\"checkout\",\"label\":\"%s\",\"seconds\":%.6f,"
                        + "\"cpuSeconds\":%.3f,\"openSeconds\":%.6f,\"files\":%d,\"bytes\":%d,\"version\":%d,"
                        + "\"allocatedBytes\":%d,\"maxHeapBytes\":%d,\"processors\":%d}",
                escape(options.label),
                nanos / 1e9,
                cpuNanos / 1e9,
                openNanos / 1e9,
                files,
                version.getByteCount(),
                version.getNumber(),
                allocated,
                Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors()));
        out.flush();
    }

    /** Heap bytes allocated so far by every thread of this JVM (ended ones included), or -1 if unknown. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            threads.setThreadAllocatedMemoryEnabled(true);
            return threads.getTotalThreadAllocatedBytes();
        }
        return -1;
    }

    /** CPU time of the whole process (every thread: workers, JIT, GC), or -1 if unknown. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String json(
            Options options,
            int iteration,
            long openNanos,
            long nanos,
            long cpuNanos,
            long allocated,
            double sinceJvmStart,
            DatasetVersion version) {
        Runtime runtime = Runtime.getRuntime();
        return String.format(
                Locale.ROOT,
                "{\"tool\":\"mlops4j\",\"label\":\"%s\",\"iteration\":%d,\"seconds\":%.6f,\"cpuSeconds\":%.3f,"
                        + "\"openSeconds\":%.6f,"
                        + "\"sinceJvmStartSeconds\":%.3f,\"files\":%d,\"bytes\":%d,\"version\":%d,\"digest\":\"%s\","
                        + "\"statCache\":%b,\"allocatedBytes\":%d,\"maxHeapBytes\":%d,\"processors\":%d}",
                escape(options.label),
                iteration,
                nanos / 1e9,
                cpuNanos / 1e9,
                openNanos / 1e9,
                sinceJvmStart,
                version.getFileCount(),
                version.getByteCount(),
                version.getNumber(),
                version.getDigest(),
                options.statCache,
                allocated,
                runtime.maxMemory(),
                runtime.availableProcessors());
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The parsed command line. */
    static final class Options {
        Path lake = Path.of("");
        Path cache = Path.of("");
        Path source = Path.of("");

        @Nullable
        Path checkout;

        String name = "bench";
        String label = "";
        int repeat;
        boolean statCache = true;

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> missing = new ArrayList<>(List.of("--lake", "--cache", "--source"));
            if (List.of(args).contains("--checkout")) {
                missing.remove("--source");
            }
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--no-stat-cache")) {
                    o.statCache = false;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("'" + arg + "' needs a value, or is unknown");
                }
                String value = args[++i];
                missing.remove(arg);
                switch (arg) {
                    case "--lake" -> o.lake = Path.of(value);
                    case "--cache" -> o.cache = Path.of(value);
                    case "--source" -> o.source = Path.of(value);
                    case "--checkout" -> o.checkout = Path.of(value);
                    case "--name" -> o.name = value;
                    case "--label" -> o.label = value;
                    case "--repeat" -> {
                        try {
                            o.repeat = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--repeat must be a number, not '" + value + "'", e);
                        }
                        if (o.repeat < 0) {
                            throw new IllegalArgumentException("--repeat must be >= 0, not " + value);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing " + String.join(", ", missing));
            }
            return o;
        }
    }
}
