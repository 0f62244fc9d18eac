package org.mlops4j.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's lease: one pointer {@code pipelines/<name>/lease.json}, moved by compare-and-set, holding the holder,
 * a fencing token that rises with every acquisition, the expiry on the store's time ({@link ObjectStore#clock()}, or
 * the clock injected into the pipeline) and the run the holder
 * works on. A holder checks it before each side effect ({@link #check}), renewing it when half its time is used, and
 * {@link #keepAlive} renews it in the background while the user's code runs between two checks. Thread-safe: the run's
 * thread and its heartbeat share one lease object.
 */
final class Lease {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.pipeline-lease", 1);
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

    /** What the pointer says. */
    record State(String holder, long token, Instant expires, boolean released, String run) {
        byte[] encode() {
            return RecordWriter.create(FORMAT)
                    .put("holder", holder)
                    .put("token", token)
                    .put("expires", expires.toString())
                    .put("released", released)
                    .put("run", run)
                    .toBytes();
        }

        static State decode(StoredObject object) {
            return RecordReader.decode(
                    object.getBytes(), FORMAT, object.getKey().toString(), r -> {
                        var unusedFormat = r.requireFormat(FORMAT);
                        State state = new State(
                                r.getString("holder"),
                                r.getLong("token"),
                                r.getParsed("expires", Instant::parse),
                                r.getBoolean("released"),
                                r.getString("run"));
                        return state;
                    });
        }

        boolean isFree(Instant now) {
            return released || !now.isBefore(expires);
        }
    }

    private final ObjectStore store;
    private final StoreKey key;
    private final String pipeline;
    private final String holder;
    private final Clock clock;
    private final Duration duration;
    private State state;
    private ObjectTag tag;
    private final String previousRun;
    /** Why the heartbeat found the lease lost; the next {@link #check} throws it. */
    private @Nullable ConflictException lostInBackground;

    private Lease(
            ObjectStore store,
            StoreKey key,
            String pipeline,
            String holder,
            Clock clock,
            Duration duration,
            State state,
            ObjectTag tag,
            String previousRun) {
        this.store = store;
        this.key = key;
        this.pipeline = pipeline;
        this.holder = holder;
        this.clock = clock;
        this.duration = duration;
        this.state = state;
        this.tag = tag;
        this.previousRun = previousRun;
    }

    static StoreKey key(String pipeline) {
        return StoreKey.of("pipelines/" + pipeline + "/lease.json");
    }

    /** Reads the lease as it is, for dry runs and diagnostics. */
    static Optional<State> read(ObjectStore store, String pipeline) {
        return store.find(key(pipeline)).map(State::decode);
    }

    /**
     * Takes the lease if it is free (absent, released or expired), once; throws a conflict naming the holder and the
     * expiry otherwise.
     */
    static Optional<Lease> tryAcquire(
            ObjectStore store, String pipeline, String holder, Clock clock, Duration duration) {
        StoreKey key = key(pipeline);
        Optional<StoredObject> current = store.find(key);
        @Nullable State before = current.map(State::decode).orElse(null);
        Instant now = clock.instant();
        if (before != null && !before.isFree(now)) {
            return Optional.empty();
        }
        State after = new State(
                holder,
                before == null ? 1 : before.token() + 1,
                now.plus(duration),
                false,
                before == null ? "" : before.run());
        Optional<ObjectTag> tag =
                store.compareAndSet(key, current.map(StoredObject::getTag).orElse(null), after.encode());
        return tag.map(t -> new Lease(store, key, pipeline, holder, clock, duration, after, t, after.run()));
    }

    /** Describes the current holder for a conflict message. */
    static ConflictException busy(ObjectStore store, String pipeline, Duration waited) {
        String who = read(store, pipeline)
                .map(s -> "held by " + s.holder() + " (fencing token " + s.token() + ") until " + s.expires()
                        + (s.run().isEmpty() ? "" : ", running " + s.run()))
                .orElse("taken by another process");
        return new ConflictException("pipeline '" + pipeline + "' is " + who + "; waited " + waited
                + ". Run it again after that process finishes or its lease expires (leaseDuration), or wait longer"
                + " with leaseWait(...)");
    }

    synchronized long token() {
        return state.token();
    }

    /** Returns the run the previous holder last worked on ("" if none). */
    String previousRun() {
        return previousRun;
    }

    /** Records the run this holder works on, so that the next holder can resume it if this one dies. */
    synchronized void startRun(RunId runId) {
        check();
        write(new State(holder, state.token(), clock.instant().plus(duration), false, runId.value()));
    }

    /**
     * Checks, before a side effect, that this process still holds the lease; renews it when half its time is used.
     *
     * @throws ConflictException if another process took it (this one's expired) — the fencing token moved on
     */
    synchronized void check() {
        Instant time = verifyHeld();
        if (Duration.between(time, state.expires()).compareTo(duration.dividedBy(2)) < 0) {
            write(new State(holder, state.token(), time.plus(duration), false, state.run()));
        }
    }

    /** Throws unless this process still holds the lease; returns the time on the pipeline's clock. */
    private Instant verifyHeld() {
        if (lostInBackground != null) {
            throw lostInBackground;
        }
        StoredObject current = store.find(key).orElseThrow(() -> lost("the lease record is gone"));
        State now = State.decode(current);
        if (now.token() != state.token() || !now.holder().equals(holder)) {
            throw lost("it is held by " + now.holder() + " with fencing token " + now.token());
        }
        if (!current.getTag().equals(tag)) {
            state = now;
            tag = current.getTag();
        }
        Instant time = clock.instant();
        if (!time.isBefore(state.expires())) {
            throw lost("it expired at " + state.expires() + " (now " + time + ")");
        }
        return time;
    }

    /**
     * Renews the lease in the background, every third of its duration, until the returned heartbeat is closed. A step
     * of the user's code that runs longer than the lease (training for an hour under a 5-minute lease) then keeps it,
     * where checks alone would find it expired after the step and stop the run; a process that dies or freezes stops
     * renewing with it, so another takes over after one duration at most. A renewal that finds the lease lost (taken
     * by another process, or expired because this one stalled) stops renewing, and the next {@link #check} throws.
     */
    Heartbeat keepAlive() {
        return keepAlive(duration.dividedBy(3));
    }

    /** {@link #keepAlive()} with its interval, which tests shorten. */
    Heartbeat keepAlive(Duration interval) {
        Heartbeat heartbeat = new Heartbeat(interval);
        heartbeat.thread.start();
        return heartbeat;
    }

    /** The renewing thread of {@link #keepAlive}; closing stops it and waits for it. */
    final class Heartbeat implements AutoCloseable {
        private final Thread thread;
        /** Stops the thread without interrupting it: an interrupt would close the store's channels under it. */
        private final CountDownLatch stop = new CountDownLatch(1);

        private Heartbeat(Duration interval) {
            long millis = Math.max(1, interval.toMillis());
            thread = new Thread(
                    () -> {
                        try {
                            while (!stop.await(millis, TimeUnit.MILLISECONDS) && renewInBackground()) {
                                // renewed; sleep until the next beat
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt(); // nobody interrupts it; if someone does, stop
                        }
                    },
                    "mlops4j-lease-" + pipeline);
            thread.setDaemon(true);
        }

        /** Whether it still renews: false once closed or once it found the lease lost. */
        boolean isRenewing() {
            return thread.isAlive();
        }

        @Override
        public void close() {
            stop.countDown();
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true; // wait anyway: a renewal in flight must not outlive the run
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One renewal of the heartbeat; false once the lease is lost (then {@link #check} throws why). */
    private synchronized boolean renewInBackground() {
        if (lostInBackground != null) {
            return false;
        }
        try {
            Instant time = verifyHeld();
            write(new State(holder, state.token(), time.plus(duration), false, state.run()));
            return true;
        } catch (ConflictException e) {
            lostInBackground = e;
            return false;
        } catch (RuntimeException e) {
            // a store hiccup: the lease still runs for two thirds of its time, so try again at the next beat
            LOG.warn("pipeline {}: could not renew its lease, will retry: {}", pipeline, e.toString());
            return true;
        }
    }

    /** Releases the lease (keeping its token, so that the next holder's is higher); quiet if it was lost. */
    synchronized void release() {
        Optional<StoredObject> current = store.find(key);
        if (current.isEmpty()) {
            return;
        }
        State now = State.decode(current.get());
        if (now.token() == state.token() && now.holder().equals(holder)) {
            var unused = store.compareAndSet(
                    key,
                    current.get().getTag(),
                    new State(holder, state.token(), clock.instant(), true, now.run()).encode());
        }
    }

    private void write(State next) { // callers hold the monitor
        Optional<ObjectTag> written = store.compareAndSet(key, tag, next.encode());
        if (written.isEmpty()) {
            throw lost("another process moved it while this one renewed it");
        }
        state = next;
        tag = written.get();
    }

    private ConflictException lost(String why) {
        return new ConflictException("lost the lease of pipeline '" + pipeline + "' (fencing token " + state.token()
                + "): " + why + "; stopped before the next side effect. Run the pipeline again to resume the run from"
                + " its journal");
    }

    @Override
    public String toString() {
        return "Lease{" + pipeline + " " + state + "}";
    }
}
