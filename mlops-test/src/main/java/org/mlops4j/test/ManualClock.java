package org.mlops4j.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that moves only when a test moves it, for pipelines, leases, canaries and stat caches under test;
 * thread-safe.
 */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;

    /**
     * Starts the clock.
     *
     * @param start its first reading
     */
    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * Moves the clock forward.
     *
     * @param by how far
     */
    public void advance(Duration by) {
        var unused = now.updateAndGet(t -> t.plus(by));
    }

    /**
     * Sets the clock.
     *
     * @param instant its new reading
     */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
