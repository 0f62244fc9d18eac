package org.mlops4j.test.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.Mlops;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.VersionAllocator;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.RemoteLikeStores;

/** Registration stays idempotent when responses are lost and when a stalled request still lands a twin. */
class RegistryIdempotencyTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ObjectStore lake = RemoteLikeStores.around(store);
    private final Mlops mlops =
            Mlops.builder().objectStore(lake).cacheDirectory(null).build();
    private final ModelRegistry registry = mlops.registry();

    @AfterEach
    void close() {
        mlops.close();
    }

    @Test
    void shouldNeverShowTwoVersionsForOneRequestWhenEachWriteLosesItsResponse() {
        registry.register(new ModelRegistration("churn").requestId("other"));
        for (int write = 0; write < 8; write++) {
            store.failNextWrites(1, true);
            // the client retries until it gets an answer, as a resilient caller would
            for (int attempt = 0; ; attempt++) {
                try {
                    registry.register(new ModelRegistration("churn").requestId("req-" + write));
                    break;
                } catch (ServiceUnavailableException e) {
                    assertThat(attempt).isLessThan(5);
                }
            }
        }

        assertThat(registry.versions("churn").stream().map(ModelVersion::getRequestId))
                .doesNotHaveDuplicates()
                .hasSize(9);
    }

    @Test
    void shouldNeverShowTwoVersionsWhenFaultsHitBeforeOrAfterEveryWrite() {
        for (int skip = 0; skip < 12; skip++) {
            String request = "req-" + skip;
            for (boolean after : new boolean[] {true, false}) {
                store.failNextWrites(1, after);
                assertThatThrownByOrSucceeds(() -> registry.register(new ModelRegistration("m").requestId(request)));
            }
            ModelVersion settled = registry.register(new ModelRegistration("m").requestId(request));
            assertThat(registry.register(new ModelRegistration("m").requestId(request))
                            .getRef())
                    .isEqualTo(settled.getRef());
        }

        assertThat(registry.versions("m").stream().map(ModelVersion::getRequestId))
                .doesNotHaveDuplicates()
                .hasSize(12);
    }

    @Test
    void shouldLetTheLowestTwinWinWhenAStalledRequestLandsLate() {
        ModelVersion mine = registry.register(new ModelRegistration("churn").requestId("stalled"));
        registry.register(new ModelRegistration("churn").requestId("someone-else"));
        // the stalled first attempt of the same request lands late, as version 3
        byte[] record = withVersion(
                store.get(VersionAllocator.versionKey(StoreKey.of("models/churn/v"), 1))
                        .getBytes(),
                3);
        assertThat(store.createIfAbsent(VersionAllocator.versionKey(StoreKey.of("models/churn/v"), 3), record))
                .isTrue();

        assertThat(registry.find(new ModelRef("churn", 3))).isEmpty();
        assertThat(registry.find(mine.getRef())).isPresent();
        assertThat(registry.versions("churn").stream().map(ModelVersion::getVersion))
                .containsExactly(2L, 1L);
        assertThat(registry.register(new ModelRegistration("churn").requestId("stalled"))
                        .getRef())
                .isEqualTo(mine.getRef());
    }

    @Test
    void shouldPreferTheLowerTwinEvenWhenTheHigherClaimedTheRequestFirst() {
        registry.register(new ModelRegistration("churn").requestId("r"));
        // a lower twin without a claim appears (its writer died before claiming)
        byte[] twin = withVersion(
                store.get(VersionAllocator.versionKey(StoreKey.of("models/churn/v"), 1))
                        .getBytes(),
                2);
        assertThat(store.createIfAbsent(VersionAllocator.versionKey(StoreKey.of("models/churn/v"), 2), twin))
                .isTrue();
        // hand the claim to version 2, as if its writer had claimed first
        StoreKey claim =
                store.list("models/churn/requests/").stream().findFirst().orElseThrow();
        byte[] claimTwo = withVersion(store.get(claim).getBytes(), 2);
        assertThat(store.compareAndSet(claim, store.get(claim).getTag(), claimTwo))
                .isPresent();

        assertThat(registry.find(new ModelRef("churn", 1))).isPresent();
        assertThat(registry.find(new ModelRef("churn", 2))).isEmpty();
        assertThat(registry.versions("churn").stream().map(ModelVersion::getVersion))
                .containsExactly(1L);
    }

    @Test
    void shouldIndexTheWinningTwinOnlyWhenALowerTwinLeftByADeadWriterIsFoundLater() {
        DatasetVersion data = snapshot(mlops, "d");
        // the first attempt of request "r" landed version 1 and died before claiming the request or writing lineage
        try (Mlops elsewhere = Mlops.builder()
                .objectStore(RemoteLikeStores.around(new InMemoryObjectStore()))
                .cacheDirectory(null)
                .build()) {
            DatasetVersion same = snapshot(elsewhere, "d");
            assertThat(same.getRef()).isEqualTo(data.getRef());
            elsewhere.registry().register(trainedOn(data, "r"));
            StoreKey v1 = VersionAllocator.versionKey(StoreKey.of("models/churn/v"), 1);
            assertThat(store.createIfAbsent(v1, elsewhere.objectStore().get(v1).getBytes()))
                    .isTrue();
        }
        // the retry found no claim and landed a twin above another registration
        registry.register(new ModelRegistration("churn").requestId("other"));
        ModelVersion twin = registry.register(trainedOn(data, "r"));
        assertThat(twin.getVersion()).isEqualTo(3);

        // the lower twin wins as soon as anyone looks at it
        assertThat(registry.find(new ModelRef("churn", 1))).isPresent();
        assertThat(registry.versions("churn").stream().map(ModelVersion::getVersion))
                .containsExactly(2L, 1L);
        LineageGraph downstream = mlops.lineage().downstream(node(data));
        assertThat(downstream.nodes()).containsExactly(node(data), LineageNode.model("churn", 1));
        assertThat(downstream.edges())
                .containsExactly(new LineageEdge(node(data), LineageNode.model("churn", 1), ModelInput.TRAIN));
        assertThat(registry.register(trainedOn(data, "r")).getVersion()).isEqualTo(1);
    }

    @Test
    void shouldWriteTheLineageOfAClaimedVersionWhenItsWriterDiedBeforeWritingIt() {
        DatasetVersion data = snapshot(mlops, "d");
        // request "r" landed version 1 and claimed it, then died before writing its lineage edges
        try (Mlops elsewhere = Mlops.builder()
                .objectStore(RemoteLikeStores.around(new InMemoryObjectStore()))
                .cacheDirectory(null)
                .build()) {
            assertThat(snapshot(elsewhere, "d").getRef()).isEqualTo(data.getRef());
            elsewhere.registry().register(trainedOn(data, "r"));
            for (StoreKey key : elsewhere.objectStore().list("models/")) {
                assertThat(store.createIfAbsent(
                                key, elsewhere.objectStore().get(key).getBytes()))
                        .isTrue();
            }
        }
        assertThat(mlops.lineage().downstream(node(data)).nodes()).containsExactly(node(data));

        // the retry finds its version: the same answer, and the lineage is complete
        assertThat(registry.register(trainedOn(data, "r")).getVersion()).isEqualTo(1);
        assertThat(mlops.lineage().downstream(node(data)).nodes())
                .containsExactly(node(data), LineageNode.model("churn", 1));
    }

    private static DatasetVersion snapshot(Mlops lake, String name) {
        return lake.datasets().snapshot(name).stream(
                        "data.csv", () -> new ByteArrayInputStream("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)))
                .commit();
    }

    private static ModelRegistration trainedOn(DatasetVersion data, String requestId) {
        return new ModelRegistration("churn").requestId(requestId).input(data.getRef(), ModelInput.TRAIN);
    }

    private static LineageNode node(DatasetVersion data) {
        return LineageNode.dataset(data.getName(), data.getNumber());
    }

    /** Runs a call that may fail with an injected fault; any other failure fails the test. */
    private static void assertThatThrownByOrSucceeds(Runnable call) {
        try {
            call.run();
        } catch (ServiceUnavailableException e) {
            assertThat(e).hasMessageContaining("injected fault");
        }
    }

    /** A record forged as another writer would have written it: another version, with its checksum (§5.1). */
    private static byte[] withVersion(byte[] record, long version) {
        Map<String, Object> fields = new LinkedHashMap<>(CanonicalJson.readObject(record));
        fields.remove(RecordFormat.CHECKSUM_FIELD);
        fields.put("version", version);
        fields.put(RecordFormat.CHECKSUM_FIELD, CanonicalJson.digest(fields).toString());
        return CanonicalJson.write(fields);
    }
}
