package org.mlops4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.ConflictException;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

class LeaseTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** The heartbeat's interval in real time; the lease's expiry runs on the manual clock. */
    private static final Duration BEAT = Duration.ofMillis(10);
    /** How long a test waits for the heartbeat, in real time; a beat takes milliseconds. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private ObjectStore store;
    private final org.mlops4j.ManualClock clock = new org.mlops4j.ManualClock(Instant.parse("2026-11-29T10:00:00Z"));

    @BeforeEach
    void setUp() {
        store = TestStores.open(dir);
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
    void shouldKeepTheLeaseThroughAStepLongerThanItWhenKeptAlive() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();

        try (Lease.Heartbeat heartbeat = a.keepAlive(BEAT)) {
            for (int i = 0; i < 5; i++) { // 50 s of a 30 s lease pass during one step, with no check
                clock.advance(Duration.ofSeconds(10));
                Instant renewed = clock.instant().plus(LEASE);
                await().atMost(WAIT).until(() -> expires().equals(renewed));
            }

            assertThat(Lease.tryAcquire(store, "p", "B", clock, LEASE)).isEmpty();
            a.check();
        }
    }

    @Test
    void shouldStopRenewingAndFailTheNextCheckWhenTheLeaseWasLostMeanwhile() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();

        try (Lease.Heartbeat heartbeat = a.keepAlive(BEAT)) {
            clock.advance(LEASE.plusSeconds(1)); // the process stalled past its expiry: B may take over
            Lease b = Lease.tryAcquire(store, "p", "B", clock, LEASE).orElseThrow();

            await().atMost(WAIT).until(() -> !heartbeat.isRenewing());
            assertThatThrownBy(a::check).isInstanceOf(ConflictException.class).hasMessageContaining("lost the lease");
            assertThat(Lease.read(store, "p").orElseThrow())
                    .satisfies(state -> assertThat(state.holder()).isEqualTo("B"))
                    .satisfies(state -> assertThat(state.token()).isEqualTo(2));
            b.check();
        }
    }

    @Test
    void shouldRenewNoMoreWhenTheHeartbeatIsClosed() {
        Lease a = Lease.tryAcquire(store, "p", "A", clock, LEASE).orElseThrow();
        Lease.Heartbeat heartbeat = a.keepAlive(BEAT);
        clock.advance(Duration.ofSeconds(10));
        Instant renewed = clock.instant().plus(LEASE);
        await().atMost(WAIT).until(() -> expires().equals(renewed));

        heartbeat.close();

        assertThat(heartbeat.isRenewing()).isFalse(); // close waits for the thread: nothing can renew after it
        assertThat(expires()).isEqualTo(renewed);
    }

    private Instant expires() {
        return Lease.read(store, "p").orElseThrow().expires();
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
