package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.StorageException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

class LatencyObjectStoreTest {
    private static final byte[] BYTES = "counted".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldCountEachCallByItsOperationAndEachPageOfAListing() throws IOException {
        try (LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ZERO)) {
            Digest digest = store.putContent(new ByteArrayInputStream(BYTES)).digest();
            for (int i = 0; i < 5; i++) {
                assertThat(store.createIfAbsent(StoreKey.of("r/" + i), BYTES)).isTrue();
            }
            RequestCounts before = store.getRequestCounts();
            assertThat(store.list("r/", null, 2).items()).hasSize(2);
            assertThat(store.list("r/").stream()).hasSize(5); // one page of the default size
            assertThat(store.get(StoreKey.of("r/1")).getText()).isEqualTo("counted");
            assertThat(store.findContents(List.of(digest, Digest.of(new byte[0]))))
                    .containsOnlyKeys(digest);
            try (InputStream in = store.openContent(digest, 1, 3)) {
                assertThat(in.readAllBytes()).hasSize(3);
            }

            RequestCounts cost = store.getRequestCounts().minus(before);

            assertThat(cost.get(StoreOperation.LIST_PAGE)).isEqualTo(2);
            assertThat(cost.get(StoreOperation.FIND)).isEqualTo(1);
            assertThat(cost.get(StoreOperation.FIND_CONTENTS)).isEqualTo(1);
            assertThat(cost.get(StoreOperation.OPEN_CONTENT_RANGE)).isEqualTo(1);
            assertThat(cost.get(StoreOperation.CREATE_IF_ABSENT)).isZero();
            assertThat(cost.total()).isEqualTo(5);
            assertThat(before.get(StoreOperation.CREATE_IF_ABSENT)).isEqualTo(5);
            assertThat(before.get(StoreOperation.PUT_CONTENT)).isEqualTo(1);
            assertThat(cost).hasToString("5 requests (FIND_CONTENTS 1, OPEN_CONTENT_RANGE 1, FIND 1, LIST_PAGE 2)");
            assertThat(store.getRecentRequests())
                    .contains("FIND r/1", "LIST_PAGE 'r/'", "FIND_CONTENTS 2 digests", "CREATE_IF_ABSENT r/4");
            store.resetRequestCounts();
            assertThat(store.getRequestCounts().total()).isZero();
            assertThat(store.getRecentRequests()).isEmpty();
        }
    }

    @Test
    void shouldAddItsLatencyToEachCall() {
        try (LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ofMillis(30))) {
            long started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                assertThat(store.exists(StoreKey.of("nothing"))).isFalse();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
            assertThat(store.getLatency()).isEqualTo(Duration.ofMillis(30));
        }
    }

    @Test
    void shouldFailACallWithATransientStorageExceptionWhenItsTimeoutIsShorterThanTheLatency() {
        try (LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ofMillis(200))) {
            LatencyObjectStore hurried = store.withCallTimeout(Duration.ofMillis(20));

            assertThatThrownBy(() -> hurried.createIfAbsent(StoreKey.of("late"), BYTES))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.isTransient()).isTrue())
                    .hasMessageContaining("CREATE_IF_ABSENT timed out after PT0.02S");
            assertThat(store.getRequestCounts().get(StoreOperation.CREATE_IF_ABSENT))
                    .as("the view shares the counts")
                    .isEqualTo(1);
            assertThat(store.withCallTimeout(Duration.ofSeconds(5)).createIfAbsent(StoreKey.of("late"), BYTES))
                    .as("nothing was written by the call that timed out")
                    .isTrue();
        }
    }

    @Test
    void shouldReportTheWrappedStoresCapabilitiesAndClock() {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        InMemoryObjectStore memory = new InMemoryObjectStore(clock);
        try (LatencyObjectStore store = LatencyObjectStore.wrap(memory, Duration.ZERO)) {
            assertThat(store.capabilities()).isEqualTo(memory.capabilities());
            assertThat(store.capabilities().hasServerTime()).isTrue();
            assertThat(store.capabilities().hasAtomicRename()).isFalse();
            assertThat(store.clock().instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        }
    }

    @Test
    void shouldRejectANegativeLatency() {
        assertThatThrownBy(() -> LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.001S");
    }
}
