package org.mlops4j.test.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.RequestCounts;
import org.mlops4j.test.StoreOperation;

/**
 * The data layer's request budgets ({@code docs/lake-format.md} §12) on the in-memory store with a remote store's
 * latency, 20 ms per call. A change that makes an operation cost more requests fails here; raise a budget there, with
 * the reason, only if the requests are needed.
 */
class DataRequestBudgetTest {
    private static final Duration REMOTE = Duration.ofMillis(20);
    /** Opening a lake, whatever the number of packs: {@code lake.json}, the pack index pointer and its layers. */
    static final int OPEN_LAKE = 5;
    /** A cold snapshot of 10,000 files of 4 KiB in 100 directories: 20 packs, 101 trees, the index, the version. */
    static final int COLD_SNAPSHOT = 160;
    /** A re-snapshot of the same tree, nothing changed: the latest version, and no tree. */
    static final int NO_CHANGE_RESNAPSHOT = 4;
    /**
     * A checkout of those 10,000 files in a new instance: the version, 101 trees, the pack index, and one ranged read
     * per run of neighbouring packed members in a batch of 128 files (10,101 when each member was read on its own).
     */
    static final int CHECKOUT_10K = 200;
    /** Registering a model of 20 small files with one input dataset. */
    static final int REGISTER_20_FILES = 20;

    @TempDir
    Path dir;

    @Test
    void shouldOpenALakeOfAThousandPacksInAtMostFiveRequests() throws IOException {
        InMemoryObjectStore lake = new InMemoryObjectStore();
        DatasetVersion first = writeThousandPacks(lake);
        assertThat(lake.list("packs/sha256/").stream()).hasSize(1000);

        List<String> opening = openAndReadOnePackedFile(lake, first, REMOTE);

        assertThat(opening).as("what opening the lake asked").hasSizeLessThanOrEqualTo(OPEN_LAKE);
        assertThat(opening).noneMatch(r -> r.startsWith("LIST_PAGE"));
        System.out.println("BUDGET open a lake of 1,000 packs: " + opening.size() + " requests " + opening);
    }

    @Test
    void shouldReadALakeWrittenBeforeThePackIndexAndIndexItWhenNextWritten() throws IOException {
        InMemoryObjectStore lake = new InMemoryObjectStore();
        DatasetVersion first = writeThousandPacks(lake);
        // as an older MLOps4J left it: pack records, no index
        for (StoreKey key : lake.list("packs/").stream().toList()) {
            if (!key.value().startsWith("packs/sha256/")) {
                assertThat(lake.delete(key)).isTrue();
            }
        }

        List<String> beforeIndex = openAndReadOnePackedFile(lake, first, Duration.ZERO);
        try (Mlops writer =
                Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
            var unused = writer.datasets().snapshot("another").stream(
                            "g.txt", () -> new ByteArrayInputStream(new byte[] {42}))
                    .commit();
        }
        List<String> afterIndex = openAndReadOnePackedFile(lake, first, REMOTE);

        assertThat(beforeIndex)
                .as("the records of every pack, as before the index")
                .hasSizeGreaterThan(1000);
        assertThat(afterIndex).hasSizeLessThanOrEqualTo(OPEN_LAKE);
    }

    /** Counts requests only: the time at 20 ms per call, against no latency, is measured in benchmarks. */
    @Test
    void shouldSnapshotTenThousandSmallFilesWithinTheirBudgets() throws IOException {
        Path source = dir.resolve("source");
        writeTree(source, 100, 100, 4096, 1);

        RequestCounts cold = coldSnapshot(source, REMOTE, "remote");

        System.out.printf("BUDGET cold snapshot of 10,000 x 4 KiB: %s%n", cold);
        assertThat(cold.total()).isLessThanOrEqualTo(COLD_SNAPSHOT);
    }

    @Test
    void shouldCheckOutTenThousandSmallFilesWithARangedReadPerRunOfPackedNeighbours() throws IOException {
        Path source = dir.resolve("source");
        writeTree(source, 100, 100, 4096, 1);
        InMemoryObjectStore lake = new InMemoryObjectStore();
        DatasetVersion version;
        try (Mlops writer =
                Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
            version =
                    writer.datasets().snapshot("small-files").directory(source).commit();
        }
        LatencyObjectStore remote = LatencyObjectStore.wrap(lake, REMOTE);
        long files;
        try (Mlops reader =
                Mlops.builder().objectStore(remote).cacheDirectory(null).build()) {
            files = reader.datasets().checkout(version, dir.resolve("checkout"));
        }

        RequestCounts checkout = remote.getRequestCounts();
        System.out.printf("BUDGET checkout of 10,000 x 4 KiB: %s%n", checkout);
        assertThat(files).isEqualTo(10_000);
        assertThat(Files.readAllBytes(dir.resolve("checkout/d42/f7.bin")))
                .isEqualTo(Files.readAllBytes(source.resolve("d42/f7.bin")));
        assertThat(checkout.total()).isLessThanOrEqualTo(CHECKOUT_10K);
    }

    @Test
    void shouldReSnapshotAnUnchangedTreeAndRegisterAModelWithinTheirBudgets() throws IOException {
        Path source = dir.resolve("source");
        writeTree(source, 100, 100, 4096, 1);
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), REMOTE);
        try (Mlops mlops = Mlops.builder()
                .objectStore(store)
                .cacheDirectory(dir.resolve("cache"))
                .build()) {
            DatasetVersion v1 =
                    mlops.datasets().snapshot("small-files").directory(source).commit();
            // files written within a second of a snapshot are hashed again by the next one (git's "racy" rule)
            DatasetVersion settled =
                    mlops.datasets().snapshot("small-files").directory(source).commit();

            store.resetRequestCounts();
            DatasetVersion cached =
                    mlops.datasets().snapshot("small-files").directory(source).commit();
            RequestCounts withCache = store.getRequestCounts();
            String withCacheTrace = String.join("\n", store.getRecentRequests());
            store.resetRequestCounts();
            DatasetVersion uncached = mlops.datasets()
                    .snapshot("small-files")
                    .directory(source)
                    .statCache(false)
                    .commit();
            RequestCounts withoutCache = store.getRequestCounts();

            Path model = dir.resolve("model");
            writeTree(model, 1, 20, 1024, 3);
            store.resetRequestCounts();
            var unusedModel = mlops.registry()
                    .register(new ModelRegistration("churn")
                            .artifacts(model.resolve("d0"))
                            .input(v1.getRef(), "training")
                            .metric("auc", 0.9));
            RequestCounts registration = store.getRequestCounts();
            String registrationTrace = String.join("\n", store.getRecentRequests());

            System.out.println("BUDGET no-change re-snapshot: " + withCache + " with the stat cache, " + withoutCache
                    + " without; register 20 files: " + registration);
            assertThat(List.of(settled.getRef(), cached.getRef(), uncached.getRef()))
                    .containsOnly(v1.getRef());
            assertThat(withCache.total()).as(withCacheTrace).isLessThanOrEqualTo(NO_CHANGE_RESNAPSHOT);
            assertThat(withoutCache.total()).isLessThanOrEqualTo(NO_CHANGE_RESNAPSHOT);
            assertThat(withCache.get(StoreOperation.CREATE_IF_ABSENT) + withCache.get(StoreOperation.PUT_CONTENT))
                    .isZero();
            assertThat(registration.total()).as(registrationTrace).isLessThanOrEqualTo(REGISTER_20_FILES);
        }
    }

    @Test
    void shouldUploadOnlyTheLargeFilesTheStoreLacksAfterOneLookup() throws IOException {
        Path source = dir.resolve("large");
        writeTree(source, 1, 6, 200 * 1024, 4);
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ZERO);
        try (Mlops mlops =
                Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            store.resetRequestCounts();
            DatasetVersion first =
                    mlops.datasets().snapshot("large").directory(source).commit();
            RequestCounts cold = store.getRequestCounts();
            Files.write(source.resolve("d0/f1.bin"), new byte[200 * 1024]);
            Files.write(source.resolve("d0/f4.bin"), new byte[] {1});
            store.resetRequestCounts();
            DatasetVersion second =
                    mlops.datasets().snapshot("large").directory(source).commit();
            RequestCounts changed = store.getRequestCounts();

            assertThat(store.capabilities().hasAtomicRename()).isFalse();
            assertThat(cold.get(StoreOperation.FIND_CONTENTS)).isEqualTo(1);
            assertThat(cold.get(StoreOperation.PUT_CONTENT))
                    .as("six large files, no pack")
                    .isEqualTo(6);
            assertThat(changed.get(StoreOperation.FIND_CONTENTS)).isEqualTo(1);
            assertThat(changed.get(StoreOperation.PUT_CONTENT))
                    .as("the changed large file; the small one is packed")
                    .isEqualTo(2);
            assertThat(second.getNumber()).isEqualTo(first.getNumber() + 1);
            try (InputStream in = mlops.datasets().open(second, "d0/f1.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(new byte[200 * 1024]);
            }
        }
    }

    private static DatasetVersion writeThousandPacks(InMemoryObjectStore lake) {
        DatasetVersion first = null;
        try (Mlops writer =
                Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
            for (int i = 0; i < 1000; i++) {
                byte[] bytes = ("file number " + i).getBytes(StandardCharsets.UTF_8);
                DatasetVersion version = writer.datasets().snapshot("many-packs").stream(
                                "f.txt", () -> new ByteArrayInputStream(bytes))
                        .profileCsv(false)
                        .commit();
                first = first == null ? version : first;
            }
        }
        return first;
    }

    /**
     * Opens the lake in a new instance at a remote store's latency, reads one packed file of {@code version}, and
     * returns what opening asked: the requests for {@code lake.json} and under {@code packs/} (the version's tree and
     * the file's bytes are the read's own).
     */
    private static List<String> openAndReadOnePackedFile(
            InMemoryObjectStore lake, DatasetVersion version, Duration latency) throws IOException {
        LatencyObjectStore remote = LatencyObjectStore.wrap(lake, latency);
        try (Mlops reader =
                        Mlops.builder().objectStore(remote).cacheDirectory(null).build();
                InputStream in = reader.datasets().open(version, "f.txt")) {
            assertThat(in.readAllBytes()).startsWith("file number ".getBytes(StandardCharsets.UTF_8));
        }
        List<String> requests = remote.getRecentRequests();
        assertThat(requests.stream().filter(r -> r.startsWith("FIND trees/"))).hasSize(1);
        return requests.stream()
                .filter(r -> r.contains("lake.json") || r.contains(" packs/") || r.contains("'packs/"))
                .toList();
    }

    private RequestCounts coldSnapshot(Path source, Duration latency, String name) {
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), latency);
        try (Mlops mlops = Mlops.builder()
                .objectStore(store)
                .cacheDirectory(dir.resolve("cache-" + name))
                .build()) {
            store.resetRequestCounts();
            var unused =
                    mlops.datasets().snapshot("small-files").directory(source).commit();
            return store.getRequestCounts();
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
