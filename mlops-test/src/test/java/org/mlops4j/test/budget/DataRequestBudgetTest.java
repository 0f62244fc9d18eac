package org.mlops4j.test.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.RequestCounts;

/** Measures the requests of the data layer's operations (BEFORE numbers). */
class DataRequestBudgetTest {
    private static final Duration REMOTE = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void measureOpeningALakeWithAThousandPacks() throws IOException {
        InMemoryObjectStore lake = new InMemoryObjectStore();
        DatasetVersion first;
        try (Mlops writer =
                Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
            first = null;
            for (int i = 0; i < 1000; i++) {
                byte[] bytes = ("file number " + i).getBytes(StandardCharsets.UTF_8);
                DatasetVersion v = writer.datasets().snapshot("many-packs").stream(
                                "f.txt", () -> new ByteArrayInputStream(bytes))
                        .commit();
                if (first == null) {
                    first = v;
                }
            }
        }
        assertThat(lake.list("packs/sha256/").stream()).hasSize(1000);
        LatencyObjectStore remote = LatencyObjectStore.wrap(lake, Duration.ZERO);
        long started = System.nanoTime();
        try (Mlops reader =
                Mlops.builder().objectStore(remote).cacheDirectory(null).build()) {
            RequestCounts opened = remote.getRequestCounts();
            try (InputStream in = reader.datasets().open(first, "f.txt")) {
                assertThat(in.readAllBytes()).isNotEmpty();
            }
            System.out.println("BUDGET open-1000-packs: build " + opened + "; build+first read "
                    + remote.getRequestCounts() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
    }

    @Test
    void measureSnapshotsAndRegistration() throws IOException {
        Path source = dir.resolve("source");
        writeTree(source, 100, 100, 4096, 1);
        Path warm = dir.resolve("warm");
        writeTree(warm, 10, 100, 4096, 2);
        try (Mlops mlops = Mlops.builder()
                .objectStore(new InMemoryObjectStore())
                .cacheDirectory(dir.resolve("warm-cache"))
                .build()) {
            var unused = mlops.datasets().snapshot("warm").directory(warm).commit();
        }
        long local = coldSnapshot(source, Duration.ZERO, "cache-0");
        long remote = coldSnapshot(source, REMOTE, "cache-20");
        System.out.println("BUDGET cold ratio " + (double) remote / local);
    }

    private long coldSnapshot(Path source, Duration latency, String cache) throws IOException {
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), latency);
        try (Mlops mlops = Mlops.builder()
                .objectStore(store)
                .cacheDirectory(dir.resolve(cache))
                .build()) {
            store.resetRequestCounts();
            long started = System.nanoTime();
            DatasetVersion v1 =
                    mlops.datasets().snapshot("small-files").directory(source).commit();
            long cold = System.nanoTime() - started;
            System.out.println("BUDGET cold snapshot at " + latency.toMillis() + " ms: " + store.getRequestCounts()
                    + " in " + cold / 1_000_000 + " ms");
            store.resetRequestCounts();
            started = System.nanoTime();
            DatasetVersion again =
                    mlops.datasets().snapshot("small-files").directory(source).commit();
            System.out.println("BUDGET re-snapshot (stat cache) at " + latency.toMillis() + " ms: "
                    + store.getRequestCounts() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            assertThat(again.getRef()).isEqualTo(v1.getRef());
            store.resetRequestCounts();
            started = System.nanoTime();
            DatasetVersion uncached = mlops.datasets()
                    .snapshot("small-files")
                    .directory(source)
                    .statCache(false)
                    .commit();
            assertThat(uncached.getRef()).isEqualTo(v1.getRef());
            System.out.println("BUDGET re-snapshot (no stat cache) at " + latency.toMillis() + " ms: "
                    + store.getRequestCounts() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            Path model = dir.resolve("model-" + cache);
            writeTree(model, 1, 20, 1024, 3);
            store.resetRequestCounts();
            started = System.nanoTime();
            var unusedModel = mlops.registry()
                    .register(new ModelRegistration("churn")
                            .artifacts(model.resolve("d0"))
                            .input(v1.getRef(), "training")
                            .metric("auc", 0.9));
            System.out.println("BUDGET register 20 files at " + latency.toMillis() + " ms: " + store.getRequestCounts()
                    + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return cold;
        }
    }

    private static void writeTree(Path root, int directories, int filesEach, int size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] bytes = new byte[size];
        for (int d = 0; d < directories; d++) {
            Path directory = Files.createDirectories(root.resolve("d" + d));
            for (int f = 0; f < filesEach; f++) {
                random.nextBytes(bytes);
                Files.write(directory.resolve("f" + f + ".bin"), bytes);
            }
        }
    }
}
