package org.mlops4j.test.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.test.process.ChildJvm;
import org.mlops4j.test.process.ChildProcess;

/**
 * Issue 19, acceptance 1, at a size the suite can afford: a cold snapshot and a no-change re-snapshot of
 * {@value #FILES} small files must run in a heap of {@value #HEAP_MIB} MiB. A snapshot that keeps objects per file
 * until the end (about 500 bytes live a file: digest, map node, entry, name, stat-cache record, encoded trees), as
 * before the trees were built a directory at a time and the stat cache read from a mapping, runs out of memory here;
 * one that keeps a digest per finished directory and about 90 bytes a file (the lake's pack index and the stat
 * cache's index of the previous snapshot) does not. A count of bytes, not a time. Measured with this child's exact
 * command (2026-12-08, serial collector): the code before went out of memory at 32 and 36 MiB; this code ran at
 * 32 MiB and went out of memory at 24 MiB (the JVM, Jackson and the lake take most of that before the first file).
 */
class DatasetHeapBoundTest {
    private static final int FILES = 60_000;
    private static final int FILES_PER_DIRECTORY = 1000;
    private static final int HEAP_MIB = 36;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @Test
    void shouldSnapshotAndResnapshotSixtyThousandFilesInA36MibHeap() throws IOException {
        Path source = dir.resolve("source");
        for (int d = 0; d < FILES / FILES_PER_DIRECTORY; d++) {
            Path sub = Files.createDirectories(source.resolve(String.format("d%03d", d)));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                int n = d * FILES_PER_DIRECTORY + f;
                Files.write(sub.resolve(String.format("f%06d.bin", n)), ("file " + n).getBytes(StandardCharsets.UTF_8));
            }
        }
        try (ChildProcess child = ChildJvm.builder(DatasetHeapBoundWorkload.class)
                .outputDirectory(dir.resolve("child"))
                .replaceJvmOptions(List.of(
                        "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-Xmx" + HEAP_MIB + "m",
                        "-XX:-HeapDumpOnOutOfMemoryError"))
                .args(dir.resolve("lake").toString(), dir.resolve("cache").toString(), source.toString())
                .build()
                .start()) {
            int exit = child.awaitExit(TIMEOUT);
            assertThat(child.getStdoutLines())
                    .as("exit %d, stderr: %s", exit, child.getStderr())
                    .contains("DONE " + FILES);
            assertThat(exit).isZero();
        }
    }
}
