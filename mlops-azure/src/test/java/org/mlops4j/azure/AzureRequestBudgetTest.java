package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.RequestCounts;

/**
 * Issue 21, acceptance 3: the request budgets of {@code docs/lake-format.md} §12, counted on Azurite beside the local
 * store: opening the lake, a cold snapshot of 10,000 files of 4 KiB in 100 directories, a re-snapshot with nothing
 * changed, and a checkout. Counts store calls (what the budgets are written in, through the test kit's counting
 * decorator) and, on Azurite, the HTTP requests sent. Writes {@code target/request-budgets-azure.json}. About a minute:
 * run with {@code -Pazure-acceptance}.
 */
@Tag("azure-acceptance")
class AzureRequestBudgetTest {
    /** The budgets of lake format §12, in store calls. */
    private static final int OPEN_LAKE = 5;

    private static final int COLD_SNAPSHOT = 160;
    private static final int NO_CHANGE_RESNAPSHOT = 4;
    /** A checkout of the 10,000 files: one ranged read per run of packed neighbours (10,101 calls before). */
    private static final int CHECKOUT = 200;

    @TempDir
    Path dir;

    /** What one step cost: store calls by operation, and HTTP requests where the store sends them. */
    private record Cost(RequestCounts calls, long http) {}

    @Test
    void shouldKeepTheDataLayersRequestBudgetsOnAzuriteAndReportThemBesideTheLocalStore() throws IOException {
        Path source = dir.resolve("source");
        writeTree(source);
        Map<String, Cost> local;
        try (LocalObjectStore store = LocalObjectStore.open(dir.resolve("local-lake"))) {
            local = measure(store, () -> -1, "local");
        }
        Map<String, Cost> azure;
        try (AzureBlobObjectStore store = AzuriteLakes.open("budget")) {
            azure = measure(store, store::getHttpRequestCount, "azure");
        }

        StringBuilder json = new StringBuilder("{\"azurite\":\"" + AzuriteServer.VERSION + "\",\"steps\":[");
        String separator = "";
        for (String step : azure.keySet()) {
            Cost a = azure.get(step);
            Cost l = local.get(step);
            System.out.printf(
                    Locale.ROOT,
                    "BUDGET %-28s local: %6d calls | Azurite: %6d calls, %6d HTTP requests | %s%n",
                    step,
                    l.calls().total(),
                    a.calls().total(),
                    a.http(),
                    a.calls());
            json.append(separator)
                    .append(String.format(
                            Locale.ROOT,
                            "{\"step\":\"%s\",\"localCalls\":%d,\"azureCalls\":%d,\"azureHttpRequests\":%d,"
                                    + "\"azureByOperation\":\"%s\",\"localByOperation\":\"%s\"}",
                            step,
                            l.calls().total(),
                            a.calls().total(),
                            a.http(),
                            a.calls(),
                            l.calls()));
            separator = ",";
        }
        json.append("]}\n");
        Files.writeString(Path.of("target", "request-budgets-azure.json"), json, StandardCharsets.UTF_8);

        assertThat(azure.get("cold snapshot").calls().total()).isLessThanOrEqualTo(COLD_SNAPSHOT);
        assertThat(azure.get("no-change re-snapshot").calls().total()).isLessThanOrEqualTo(NO_CHANGE_RESNAPSHOT);
        assertThat(azure.get("open lake, read one file").calls().total())
                .as("lake.json, the pack index, the version, its trees and one ranged read")
                .isLessThanOrEqualTo(OPEN_LAKE + 4);
        assertThat(azure.get("checkout of 10,000 files").calls().total()).isLessThanOrEqualTo(CHECKOUT);
        assertThat(azure.get("checkout of 10,000 files").http())
                .as("HTTP requests of the checkout: one per store call")
                .isLessThanOrEqualTo(CHECKOUT);
        assertThat(azure.get("cold snapshot").http())
                .as("HTTP requests of the cold snapshot: one per store call, plus the blocks of nothing")
                .isLessThanOrEqualTo(2L * COLD_SNAPSHOT);
    }

    private Map<String, Cost> measure(ObjectStore lake, LongSupplier http, String name) throws IOException {
        Map<String, Cost> costs = new LinkedHashMap<>();
        LatencyObjectStore store = LatencyObjectStore.wrap(lake, Duration.ZERO);
        DatasetVersion version;
        try (Mlops mlops = Mlops.builder()
                .objectStore(store)
                .cacheDirectory(dir.resolve("cache-" + name))
                .build()) {
            long h0 = http.getAsLong();
            store.resetRequestCounts();
            version = mlops.datasets()
                    .snapshot("small-files")
                    .directory(dir.resolve("source"))
                    .commit();
            costs.put("cold snapshot", new Cost(store.getRequestCounts(), http.getAsLong() - h0));
            h0 = http.getAsLong();
            store.resetRequestCounts();
            DatasetVersion again = mlops.datasets()
                    .snapshot("small-files")
                    .directory(dir.resolve("source"))
                    .commit();
            costs.put("no-change re-snapshot", new Cost(store.getRequestCounts(), http.getAsLong() - h0));
            assertThat(again.getDigest()).isEqualTo(version.getDigest());
        }
        long h0 = http.getAsLong();
        store.resetRequestCounts();
        try (Mlops reader =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build();
                InputStream in = reader.datasets().open(version, "d7/f7.bin")) {
            assertThat(in.readAllBytes()).hasSize(4096);
            costs.put("open lake, read one file", new Cost(store.getRequestCounts(), http.getAsLong() - h0));
            h0 = http.getAsLong();
            store.resetRequestCounts();
            long files = reader.datasets().checkout(version, dir.resolve("checkout-" + name));
            assertThat(files).isEqualTo(10_000);
            costs.put("checkout of 10,000 files", new Cost(store.getRequestCounts(), http.getAsLong() - h0));
        }
        return costs;
    }

    private static void writeTree(Path root) throws IOException {
        Random random = new Random(1);
        byte[] bytes = new byte[4096];
        for (int d = 0; d < 100; d++) {
            Path directory = Files.createDirectories(root.resolve("d" + d));
            for (int f = 0; f < 100; f++) {
                random.nextBytes(bytes);
                Files.write(directory.resolve("f" + f + ".bin"), bytes);
            }
        }
    }
}
