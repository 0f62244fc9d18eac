package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiles a 1 GB CSV file in a child JVM limited to 64 MiB of heap, which proves that memory does not grow with the
 * row count, and prints wall time, CPU time, throughput and peak heap. It takes about 35 s on an idle 2-core machine
 * (80 s when the machine is shared). For a quicker local run, shrink the file: {@code
 * -Dmlops4j.profile.largeCsvBytes=100000000}.
 */
class LargeCsvProfileTest {
    private static final long SIZE = Long.getLong("mlops4j.profile.largeCsvBytes", 1_000_000_000L);
    private static final Pattern RESULT = Pattern.compile("RESULT rows=(\\d+) nanos=(\\d+) peakHeapBytes=(\\d+)"
            + " maxHeapBytes=(\\d+) cpuNanos=(\\d+) gcMillis=(\\d+)");

    @Test
    void shouldProfileOneGigabyteWithSixtyFourMegabytesOfHeap(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("large.csv");
        long writeStart = System.nanoTime();
        long rows = LargeCsv.write(csv, SIZE, 42);
        long size = Files.size(csv);
        System.out.printf("wrote %,d bytes, %,d rows in %.1f s%n", size, rows, (System.nanoTime() - writeStart) / 1e9);
        assertThat(size).isGreaterThanOrEqualTo(SIZE);

        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(
                        java,
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "-Dfile.encoding=UTF-8",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LargeCsv.class.getName(),
                        csv.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = child.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(finished).as("child finished in 10 minutes").isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        Matcher m = RESULT.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(rows);
        double seconds = Long.parseLong(m.group(2)) / 1e9;
        long peak = Long.parseLong(m.group(3));
        assertThat(Long.parseLong(m.group(4))).isLessThanOrEqualTo(64L << 20);
        double cpuSeconds = Long.parseLong(m.group(5)) / 1e9;
        System.out.printf(
                "profiled %,d bytes in %.1f s wall (%.1f MB/s), %.1f s CPU on the profiling thread (%.1f MB/s), "
                        + "%d ms in GC, peak heap %.1f MiB with -Xmx64m%n",
                size,
                seconds,
                size / 1e6 / seconds,
                cpuSeconds,
                size / 1e6 / cpuSeconds,
                Long.parseLong(m.group(6)),
                peak / 1048576.0);

        // the statistics of the generated distributions, checked loosely
        assertThat(output).contains("id: integer, " + rows + " values, 0 nulls");
        assertThat(output).containsPattern("qty: integer, \\d+ values, \\d+ nulls");
        assertThat(output).containsPattern("price: decimal, " + rows + " values, 0 nulls");
        assertThat(output).containsPattern("active: boolean, " + rows + " values");
        Matcher mean = Pattern.compile("price: decimal, .*? mean ([0-9.]+)").matcher(output);
        assertThat(mean.find()).isTrue();
        assertThat(Double.parseDouble(mean.group(1))).isCloseTo(5000.0, within(10.0));
        Matcher median = Pattern.compile("price: decimal, .*? median ([0-9.]+)").matcher(output);
        assertThat(median.find()).isTrue();
        assertThat(Double.parseDouble(median.group(1))).isCloseTo(5000.0, within(10_000 * 0.0133 + 1));
        assertThat(new File(csv.toString()).delete()).isTrue();
    }
}
