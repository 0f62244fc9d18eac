package org.mlops4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.ContentInfo;
import org.openjdk.jmh.infra.Blackhole;

/** A smoke test: the benchmark methods work and clean up, without running JMH (milliseconds, not minutes). */
class ObjectStoreBenchmarkTest {
    @TempDir
    Path base;

    @Test
    void shouldStoreDistinctObjectsAndMoveThemToTrashWhenEachBenchmarkRuns() throws IOException {
        String old = System.setProperty("bench.dir", base.toString());
        try {
            ObjectStoreBenchmark bench = new ObjectStoreBenchmark();
            bench.size = 4096;
            bench.setUpBytes();
            bench.setUpDirectories();
            Path dir = bench.trialDir();
            for (int i = 0; i < 3; i++) {
                ContentInfo info = bench.putContent_store();
                assertThat(info.created()).isTrue();
                assertThat(info.size()).isEqualTo(4096);
                assertThat(bench.putContent_floor()).isRegularFile();
                Path hashed = bench.putContent_floorHashed();
                assertThat(Files.size(hashed)).isEqualTo(4096);
                assertThat(bench.createIfAbsent_store()).isTrue();
                assertThat(bench.createIfAbsent_floor()).isRegularFile();
            }
            ObjectStoreBenchmark.PutContentTimes putTimes = new ObjectStoreBenchmark.PutContentTimes();
            ObjectStoreBenchmark.CreateTimes createTimes = new ObjectStoreBenchmark.CreateTimes();
            Blackhole blackhole = new Blackhole(
                    "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
            for (int i = 0; i < 3; i++) {
                bench.putContent_paired(putTimes, blackhole);
                bench.createIfAbsent_paired(createTimes, blackhole);
            }
            assertThat(putTimes.putStoreNanos).isPositive();
            assertThat(putTimes.putFloorNanos).isPositive();
            assertThat(putTimes.putFloorHashedNanos).isPositive();
            assertThat(createTimes.createStoreNanos).isPositive();
            assertThat(createTimes.createFloorNanos).isPositive();
            assertThat(countFiles(dir.resolve("store/objects"))).isEqualTo(6);
            assertThat(countFiles(dir.resolve("store/records"))).isEqualTo(6);
            assertThat(countFiles(dir.resolve("floor/objects"))).isEqualTo(12);
            assertThat(countFiles(dir.resolve("floor/records"))).isEqualTo(6);
            assertThat(countFiles(dir.resolve("floor/tmp"))).isZero();
            bench.tearDownDirectories();
            assertThat(dir).doesNotExist();
            assertThat(ObjectStoreBenchmark.baseDir().resolve("trash").resolve(dir.getFileName()))
                    .isDirectory();
        } finally {
            if (old == null) {
                System.clearProperty("bench.dir");
            } else {
                System.setProperty("bench.dir", old);
            }
        }
    }

    @Test
    void shouldListEveryBenchmarkWhenTheJmhProcessorRan() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in)
                    .as("META-INF/BenchmarkList, written by jmh-generator-annprocess")
                    .isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list)
                    .contains("putContent_store", "putContent_floor", "putContent_floorHashed")
                    .contains("createIfAbsent_store", "createIfAbsent_floor")
                    .contains("putContent_paired", "createIfAbsent_paired");
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
