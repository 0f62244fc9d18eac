package org.mlops4j.data.profile;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a large synthetic CSV file, and profiles one in a child JVM: {@code main} prints the profile summary and one
 * {@code RESULT} line that {@link LargeCsvProfileTest} parses.
 */
final class LargeCsv {
    static final String[] CATEGORIES = {
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "São Paulo", "Zürich", "東京", "Kraków, PL"
    };

    private LargeCsv() {}

    /**
     * Writes rows until the file reaches {@code targetBytes}: an id, an integer, a decimal, a boolean, a category
     * (some quoted) and free text with nulls. Returns the number of data rows.
     */
    static long write(Path file, long targetBytes, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        long rows = 0;
        try (OutputStream file0 = Files.newOutputStream(file);
                CountingStream out = new CountingStream(file0);
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            w.write("id,qty,price,active,category,note\n");
            StringBuilder sb = new StringBuilder(128);
            while (out.count < targetBytes) {
                rows++;
                sb.setLength(0);
                sb.append(rows).append(',');
                if (rnd.nextInt(50) != 0) {
                    sb.append(rnd.nextInt(1000));
                }
                sb.append(',');
                int cents = rnd.nextInt(1_000_000);
                sb.append(cents / 100).append('.').append((char) ('0' + cents / 10 % 10));
                sb.append((char) ('0' + cents % 10)).append(',');
                sb.append(rnd.nextBoolean() ? "true" : "false").append(',');
                String category = CATEGORIES[Math.min(rnd.nextInt(20), CATEGORIES.length - 1)];
                if (category.indexOf(',') >= 0) {
                    sb.append('"').append(category).append('"');
                } else {
                    sb.append(category);
                }
                sb.append(',');
                int r = rnd.nextInt(10);
                if (r < 2) {
                    sb.append("");
                } else if (r < 3) {
                    sb.append("\"said \"\"hi\"\", then, left\nnext line\"");
                } else {
                    sb.append("note-").append(rnd.nextInt(100_000));
                }
                sb.append('\n');
                w.append(sb);
            }
        }
        return rows;
    }

    /** Counts the bytes written through it. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }

    /** Profiles the file named by {@code args[0]} and prints the summary and a {@code RESULT} line. */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        long start = System.nanoTime();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        TableProfile profile = CsvProfiler.ofDefaults().profile(file);
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart;
        long nanos = System.nanoTime() - start;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println(profile);
        System.out.println("RESULT rows=" + profile.getRowCount() + " nanos=" + nanos + " peakHeapBytes=" + peak
                + " maxHeapBytes=" + Runtime.getRuntime().maxMemory() + " cpuNanos=" + cpu + " gcMillis=" + gcMillis);
    }
}
