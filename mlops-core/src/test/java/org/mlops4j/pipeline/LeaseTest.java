package org.mlops4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.ConflictException;
import org.mlops4j.store.LocalObjectStore;

class LeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** The heartbeat's interval in real time; the lease's expiry runs on the manual clock. */
    private static final Duration BEAT = Duration.ofMillis(10);

    @TempDir
    Path dir;

    private LocalObjectStore store;
    private final org.mlops4j.ManualClock clock = new org.mlops4j.ManualClock(Instant.parse("2026-11-29T10:00:00Z"));

    @BeforeEach
    void setUp() {
        store = LocalObjectStore.open(dir);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void shouldKeepOthersOutUntilItExpiresWhenHeld() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();

        assertThat(Lease.tryAcquire(store, "p", "B", clock, LEASE)).isEmpty();
        clock.advance(LEASE.minusMillis(1));
        assertThat(Lease.tryAcquire(store, "p", "B", clock, LEASE)).isEmpty();
        assertThat(Lease.busy(store, "p", Duration.ZERO).getMessage())
                .contains("held by A (fencing token 1) until 2026-11-29T10:00:30Z");
        assertThat(a.token()).isEqualTo(1);
    }

    @Test
    void shouldFenceTheOldHolderWhenTheLeaseExpiredAndWasTaken() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();
        clock.advance(LEASE);

        Lease b = Lease.tryAcquire(store, "p", "B", clock, LEASE).orElseThrow();

        assertThat(b.token()).isEqualTo(2);
        assertThatThrownBy(a::check)
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("held by B with fencing token 2");
        b.check();
    }

    @Test
    void shouldStopBeforeTheNextSideEffectWhenItsOwnLeaseExpired() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();
        clock.advance(LEASE.plusSeconds(1));

        assertThatThrownBy(a::check)
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("expired at 2026-11-29T10:00:30Z");
    }

    @Test
    void shouldRenewWhenHalfTheTimeIsUsed() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();
        clock.advance(Duration.ofSeconds(20));
        a.check();
        clock.advance(Duration.ofSeconds(20));

        a.check();

        assertThat(Lease.read(store, "p").orElseThrow().expires()).isEqualTo(Instant.parse("2026-11-29T10:01:10Z"));
        assertThat(Lease.tryAcquire(store, "p", "B", clock, LEASE)).isEmpty();
    }

    @Test
    void shouldKeepTheLeaseThroughAStepLongerThanItWhenKeptAlive() throws InterruptedException {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();

        try (Lease.Heartbeat heartbeat = a.keepAlive(BEAT)) {
            for (int i = 0; i < 5; i++) { // 50 s of a 30 s lease pass during one step, with no check
                clock.advance(Duration.ofSeconds(10));
                awaitExpiry(clock.instant().plus(LEASE));
            }

            assertThat(Lease.tryAcquire(store, "p", "B", clock, LEASE)).isEmpty();
            a.check();
        }
    }

    @Test
    void shouldStopRenewingAndFailTheNextCheckWhenTheLeaseWasLostMeanwhile() throws InterruptedException {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();

        try (Lease.Heartbeat heartbeat = a.keepAlive(BEAT)) {
            clock.advance(LEASE.plusSeconds(1)); // the process stalled past its expiry: B may take over
            Lease b = Lease.tryAcquire(store, "p", "B", clock, LEASE).orElseThrow();
            Thread.sleep(BEAT.toMillis() * 10);

            assertThatThrownBy(a::check).isInstanceOf(ConflictException.class).hasMessageContaining("lost the lease");
            assertThat(Lease.read(store, "p").orElseThrow().holder()).isEqualTo("B");
            b.check();
        }
    }

    @Test
    void shouldRenewNoMoreWhenTheHeartbeatIsClosed() throws InterruptedException {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();
        try (Lease.Heartbeat heartbeat = a.keepAlive(BEAT)) {
            clock.advance(Duration.ofSeconds(10));
            awaitExpiry(clock.instant().plus(LEASE));
        }
        Instant expires = Lease.read(store, "p").orElseThrow().expires();

        clock.advance(Duration.ofSeconds(10));
        Thread.sleep(BEAT.toMillis() * 10);

        assertThat(Lease.read(store, "p").orElseThrow().expires()).isEqualTo(expires);
    }

    /** Waits (in real time) until the heartbeat has moved the lease's expiry to {@code expected}. */
    private void awaitExpiry(Instant expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Lease.read(store, "p").orElseThrow().expires().equals(expected)) {
            assertThat(System.nanoTime())
                    .as("the heartbeat renews the lease to %s within 10 s", expected)
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void shouldLetTheNextHolderInWithAHigherTokenWhenReleased() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();
        a.startRun(RunId.of("0123456789abcdef0123", 1));
        a.release();

        Lease b = Lease.tryAcquire(store, "p", "B", clock, LEASE).orElseThrow();

        assertThat(b.token()).isEqualTo(2);
        assertThat(b.previousRun()).isEqualTo("0123456789abcdef0123-1");
    }
}
