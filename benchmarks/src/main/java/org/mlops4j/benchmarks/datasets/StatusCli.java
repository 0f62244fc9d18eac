package org.mlops4j.benchmarks.datasets;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetStatus;

/**
 * Asks for the status of a directory against the latest version of a dataset ({@code Datasets.status}) and times it
 * in-process: the short-lived process the coming {@code dataset status} command will be, and the dataset
 * benchmark's driver for its {@code status} phase ({@code scripts/bench-datasets --only status}, see
 * {@code benchmarks/DATASETS.md}).
 *
 * <pre>
 * java -cp … org.mlops4j.benchmarks.datasets.StatusCli --lake DIR --cache DIR --source DIR [--name NAME] [--repeat N]
 * </pre>
 *
 * <p>Prints one JSON line per status call: {@code iteration} 0 is the first call of this process, the next
 * {@code N} ones run in the same (warming) JVM. {@code openSeconds} is the time to open the lake (first line only),
 * {@code seconds} that of one {@code status(…)} call, {@code sinceJvmStartSeconds} the time since the JVM's start
 * (launch, class loading, opening and the call included). The process exits with status 1 if the directory is not
 * clean, as {@code git diff --exit-code} does.
 */
public final class StatusCli {
    private StatusCli() {}

    /**
     * Runs the CLI.
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        SnapshotCli.Options options;
        try {
            options = SnapshotCli.Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("StatusCli: " + e.getMessage());
            System.err.println("usage: StatusCli --lake DIR --cache DIR --source DIR [--name NAME] [--repeat N]");
            System.exit(2);
            return;
        }
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        long openStart = System.nanoTime();
        boolean clean = true;
        try (Mlops mlops = Mlops.builder()
                .localLake(options.lake)
                .cacheDirectory(options.cache)
                .build()) {
            long openNanos = System.nanoTime() - openStart;
            for (int i = 0; i <= options.repeat; i++) {
                long cpuStart = SnapshotCli.processCpuNanos();
                long start = System.nanoTime();
                DatasetStatus status = mlops.datasets().status(options.name, options.source);
                long nanos = System.nanoTime() - start;
                long cpuNanos = SnapshotCli.processCpuNanos() - cpuStart;
                clean &= status.isClean();
                System.out.println(String.format(
                        Locale.ROOT,
                        "{\"tool\":\"mlops4j-status\",\"iteration\":%d,\"seconds\":%.6f,\"cpuSeconds\":%.3f,"
                                + "\"openSeconds\":%.6f,\"sinceJvmStartSeconds\":%.3f,\"clean\":%b,\"added\":%d,"
                                + "\"removed\":%d,\"modified\":%d,\"moved\":%d,\"base\":%d}",
                        i,
                        nanos / 1e9,
                        cpuNanos / 1e9,
                        i == 0 ? openNanos / 1e9 : 0.0,
                        (System.currentTimeMillis() - jvmStartMillis) / 1000.0,
                        status.isClean(),
                        status.added().size(),
                        status.removed().size(),
                        status.modified().size(),
                        status.moved().size(),
                        status.base().version()));
                System.out.flush();
            }
        }
        if (!clean) {
            System.exit(1);
        }
    }
}
