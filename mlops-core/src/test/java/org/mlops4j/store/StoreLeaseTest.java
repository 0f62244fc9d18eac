package org.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.ManualClock;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;

class StoreLeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final StoreKey KEY = StoreKey.of("models/churn/alias-leases/champion.json");

    @TempDir
    Path dir;

    private LocalObjectStore store;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));

    @BeforeEach
    void setUp() {
        store = LocalObjectStore.open(dir);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void shouldStartTheFencingTokenAtOneAndRaiseItWithEachAcquisition() {
        try (StoreLease first =
                StoreLease.tryAcquire(store, KEY, "a", LEASE, clock).orElseThrow()) {
            assertThat(first.getToken()).isEqualTo(1);
            assertThat(first.getExpires()).isEqualTo(Instant.parse("2026-11-29T10:00:30Z"));
        }
        try (StoreLease second =
                StoreLease.tryAcquire(store, KEY, "b", LEASE, clock).orElseThrow()) {
            assertThat(second.getToken()).isEqualTo(2);
            second.verify();
        }
        assertThat(StoreLease.read(store, KEY).orElseThrow())
                .isEqualTo(new StoreLease.State("b", 2, clock.instant(), true));
    }

    @Test
    void shouldKeepOthersOutUntilItExpires() {
        StoreLease a = StoreLease.tryAcquire(store, KEY, "a", LEASE, clock).orElseThrow();

        clock.advance(LEASE.minusMillis(1));
        assertThat(StoreLease.tryAcquire(store, KEY, "b", LEASE, clock)).isEmpty();
        a.verify();
        clock.advance(Duration.ofMillis(1));
        StoreLease b = StoreLease.tryAcquire(store, KEY, "b", LEASE, clock).orElseThrow();

        assertThat(b.getToken()).isEqualTo(2);
        assertThatThrownBy(a::verify)
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("held by b with fencing token 2");
        a.close(); // a lost lease is left alone
        b.verify();
    }

    @Test
    void shouldFailVerificationWhenExpiredEvenIfNobodyTookIt() {
        StoreLease a = StoreLease.tryAcquire(store, KEY, "a", LEASE, clock).orElseThrow();
        clock.advance(LEASE);

        assertThatThrownBy(a::verify).isInstanceOf(ConflictException.class).hasMessageContaining("expired at");
    }

    @Test
    void shouldNameTheHolderWhenStillHeldAfterTheWait() {
        var unused =
                StoreLease.tryAcquire(store, KEY, "host/42/a1", LEASE, clock).orElseThrow();

        assertThatThrownBy(() -> StoreLease.acquire(store, KEY, "b", LEASE, clock, Duration.ZERO))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("held by host/42/a1 (fencing token 1) until 2026-11-29T10:00:30Z");
    }

    @Test
    void shouldTakeTheLeaseOnceTheHolderReleasesItWhileWaiting() {
        StoreLease a = StoreLease.tryAcquire(store, KEY, "a", LEASE, clock).orElseThrow();
        CompletableFuture<StoreLease> waiting =
                CompletableFuture.supplyAsync(() -> StoreLease.acquire(store, KEY, "b", LEASE, clock, LEASE));

        a.close();

        StoreLease b = await().atMost(Duration.ofSeconds(10)).until(() -> waiting.getNow(null), l -> l != null);
        assertThat(b.getToken()).isEqualTo(2);
    }

    @Test
    void shouldWriteACanonicalRecord() {
        var unused = StoreLease.tryAcquire(store, KEY, "registry/4711/a1b2c3d4", LEASE, clock);

        assertThat(store.get(KEY).getText())
                .isEqualTo("{\"expires\":\"2026-11-29T10:00:30Z\",\"format\":\"mlops4j.lease/1\","
                        + "\"holder\":\"registry/4711/a1b2c3d4\",\"released\":false,\"token\":1}");
    }

    @Test
    void shouldRefuseARecordOfANewerFormatAndADamagedOne() {
        assertThat(store.compareAndSet(
                        KEY,
                        null,
                        "{\"format\":\"mlops4j.lease/2\",\"holder\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
                .isPresent();
        assertThatThrownBy(() -> StoreLease.read(store, KEY))
                .isInstanceOf(MlopsException.class)
                .hasMessageContaining("newer MLOps4J");

        StoreKey damaged = StoreKey.of("leases/damaged.json");
        assertThat(store.compareAndSet(damaged, null, "{\"expires\": \"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isPresent();
        assertThatThrownBy(() -> StoreLease.tryAcquire(store, damaged, "a", LEASE, clock))
                .isInstanceOf(MlopsException.class)
                .hasMessageContaining("not a canonical mlops4j.lease/1 record");
    }

    @Test
    void shouldRefuseAHolderNameThatWouldNeedEscaping() {
        assertThatThrownBy(() -> StoreLease.tryAcquire(store, KEY, "a\"b", LEASE, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease holder");
        assertThatThrownBy(() -> StoreLease.tryAcquire(store, KEY, "a", Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than zero");
    }
}
