package org.mlops4j.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;

/**
 * A lease on one key of an {@link ObjectStore}: it lets one holder at a time do a read-check-write on something that
 * cannot be guarded by compare-and-set itself (an alias in a registry without conditional updates). The lease is a
 * pointer, created if absent and then moved by {@link ObjectStore#compareAndSet}, that names the holder, a fencing
 * token that rises by one with every acquisition, and the expiry on the holder's clock; it is free once released or
 * expired, so a holder that dies blocks the others for one duration at most.
 *
 * <p>The holder calls {@link #verify()} before and after the guarded write: a holder that stalled past its expiry,
 * and whose lease another took (the token moved on), learns it there instead of believing its write was alone.
 *
 * <p>The record is canonical JSON (lake format §4), for example
 * {@code {"expires":"2026-11-29T10:00:30Z","format":"mlops4j.lease/1","holder":"host/4711/a1b2","released":false,
 * "token":7}}. Holder names are restricted to letters, digits and {@code . _ : @ / -}, so the record needs no escapes.
 *
 * <p>Thread-safe; an instance belongs to one holder, and {@link #close()} releases it.
 */
public final class StoreLease implements AutoCloseable {
    /** The format of the lease record. */
    static final String FORMAT = "mlops4j.lease/1";

    private static final Pattern HOLDER = Pattern.compile("[A-Za-z0-9._:@/-]{1,200}");
    private static final Pattern RECORD = Pattern.compile(
            "\\{\"expires\":\"([0-9T:.Z-]{1,40})\",\"format\":\"mlops4j"
                    + "\\.lease/1\",\"holder\":\"([A-Za-z0-9._:@/-]{1,200})\",\"released\":(true|false),\"token\":([1-9][0-9]{0,17})\\}");
    private static final Pattern ANY_FORMAT = Pattern.compile("\"format\":\"mlops4j\\.lease/([0-9]{1,9})\"");
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * What a lease record says.
     *
     * @param holder who took it
     * @param token its fencing token: 1 for the first acquisition of the key, one more for each later one
     * @param expires when it expires, on the holder's clock
     * @param released whether its holder gave it up
     */
    public record State(String holder, long token, Instant expires, boolean released) {
        /**
         * Validates the state.
         *
         * @throws IllegalArgumentException if the holder has other characters than letters, digits and
         *     {@code . _ : @ / -}, or the token is below 1
         */
        public State {
            requireValidHolder(holder);
            Objects.requireNonNull(expires, "expires");
            if (token < 1) {
                throw new IllegalArgumentException("a fencing token starts at 1, got " + token);
            }
        }

        /**
         * Tells whether another holder may take the lease.
         *
         * @param now the time on the caller's clock
         * @return true if it is released or expired
         */
        public boolean isFree(Instant now) {
            return released || !now.isBefore(expires);
        }

        byte[] encode() {
            return ("{\"expires\":\"" + expires + "\",\"format\":\"" + FORMAT + "\",\"holder\":\"" + holder
                            + "\",\"released\":" + released + ",\"token\":" + token + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private final ObjectStore store;
    private final StoreKey key;
    private final Clock clock;
    private final State state;
    private boolean closed;

    private StoreLease(ObjectStore store, StoreKey key, Clock clock, State state) {
        this.store = store;
        this.key = key;
        this.clock = clock;
        this.state = state;
    }

    /**
     * Reads a lease record as it is.
     *
     * @param store the store
     * @param key the lease's key
     * @return the state, or empty if the key was never leased
     * @throws MlopsException if the record is damaged or was written by a newer MLOps4J
     */
    public static Optional<State> read(ObjectStore store, StoreKey key) {
        return store.find(key).map(StoreLease::decode);
    }

    /**
     * Takes the lease if it is free (absent, released or expired), in one attempt.
     *
     * @param store the store that holds the lease
     * @param key the lease's key
     * @param holder who takes it: letters, digits and {@code . _ : @ / -}, at most 200 characters
     * @param duration how long it lasts, more than zero
     * @param clock the holder's clock
     * @return the lease, or empty if another holder has it (or took it in the same instant)
     * @throws IllegalArgumentException if the holder or duration is invalid
     * @throws MlopsException if the record is damaged or the store fails
     */
    public static Optional<StoreLease> tryAcquire(
            ObjectStore store, StoreKey key, String holder, Duration duration, Clock clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(key, "key");
        requireValidHolder(holder);
        requirePositive(duration);
        Optional<StoredObject> current = store.find(key);
        @Nullable State before = current.map(StoreLease::decode).orElse(null);
        Instant now = clock.instant();
        if (before != null && !before.isFree(now)) {
            return Optional.empty();
        }
        State after = new State(holder, before == null ? 1 : before.token() + 1, now.plus(duration), false);
        return store.compareAndSet(key, current.map(StoredObject::getTag).orElse(null), after.encode())
                .map(unused -> new StoreLease(store, key, clock, after));
    }

    /**
     * Takes the lease, waiting (with a short randomised back-off) while another holder has it, for at most
     * {@code maxWait} of real time.
     *
     * @param store the store that holds the lease
     * @param key the lease's key
     * @param holder who takes it: letters, digits and {@code . _ : @ / -}, at most 200 characters
     * @param duration how long it lasts, more than zero
     * @param clock the holder's clock, on which expiry is judged
     * @param maxWait how long to wait for another holder to release it or let it expire
     * @return the lease
     * @throws ConflictException if another holder still had it after {@code maxWait}; names that holder, its fencing
     *     token and expiry
     * @throws IllegalArgumentException if the holder or duration is invalid
     * @throws MlopsException if the record is damaged or the store fails
     */
    public static StoreLease acquire(
            ObjectStore store, StoreKey key, String holder, Duration duration, Clock clock, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long backoff = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            Optional<StoreLease> lease = tryAcquire(store, key, holder, duration, clock);
            if (lease.isPresent()) {
                return lease.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                String who = read(store, key)
                        .map(s -> "held by " + s.holder() + " (fencing token " + s.token() + ") until " + s.expires())
                        .orElse("taken by another holder");
                throw new ConflictException("the lease " + key + " is " + who + "; waited " + maxWait
                        + ". Try again once that holder has finished, or after its lease has expired");
            }
            // a holder keeps the lease for a few store round trips: wait about that long, randomised so that
            // waiters do not retry in lockstep
            LockSupport.parkNanos(backoff + ThreadLocalRandom.current().nextLong(backoff));
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
    }

    /** Returns the lease's key. */
    public StoreKey getKey() {
        return key;
    }

    /** Returns the fencing token of this acquisition. */
    public synchronized long getToken() {
        return state.token();
    }

    /** Returns when this lease expires, on the holder's clock. */
    public synchronized Instant getExpires() {
        return state.expires();
    }

    /**
     * Checks that this holder still has the lease: the record still carries its fencing token, is not released, and
     * has not expired.
     *
     * @throws ConflictException if the lease was lost, saying why; whatever it guarded must be re-read
     * @throws MlopsException if the record is damaged or the store fails
     */
    public synchronized void verify() {
        if (closed) {
            throw lost("it was released");
        }
        StoredObject current = store.find(key).orElseThrow(() -> lost("the lease record is gone"));
        State now = decode(current);
        if (now.token() != state.token() || !now.holder().equals(state.holder())) {
            throw lost("it is held by " + now.holder() + " with fencing token " + now.token());
        }
        if (now.released()) {
            throw lost("it was released");
        }
        Instant time = clock.instant();
        if (!time.isBefore(now.expires())) {
            throw lost("it expired at " + now.expires() + " (now " + time + ")");
        }
    }

    /**
     * Releases the lease, keeping its fencing token so that the next holder's is higher; does nothing if it was lost
     * or released already.
     *
     * @throws MlopsException if the store fails
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Optional<StoredObject> current = store.find(key);
        if (current.isEmpty()) {
            return;
        }
        State now = decode(current.get());
        if (now.token() == state.token() && now.holder().equals(state.holder()) && !now.released()) {
            var unused = store.compareAndSet(
                    key, current.get().getTag(), new State(now.holder(), now.token(), clock.instant(), true).encode());
        }
    }

    private ConflictException lost(String why) {
        return new ConflictException("lost the lease " + key + " (fencing token " + state.token() + "): " + why
                + "; what it guarded may have been changed by another holder. Re-read it and try again");
    }

    static State decode(StoredObject object) {
        String text = object.getText();
        Matcher m = RECORD.matcher(text);
        if (!m.matches()) {
            Matcher format = ANY_FORMAT.matcher(text);
            if (format.find() && !format.group(1).equals("1")) {
                throw new MlopsException("the lease record " + object.getKey() + " has format mlops4j.lease/"
                        + format.group(1) + ", written by a newer MLOps4J; upgrade to use this lake");
            }
            throw new MlopsException("the lease record " + object.getKey() + " is not a canonical " + FORMAT
                    + " record; the store is damaged. Delete the key to free the lease");
        }
        try {
            return new State(
                    m.group(2),
                    Long.parseLong(m.group(4)),
                    Instant.parse(m.group(1)),
                    Boolean.parseBoolean(m.group(3)));
        } catch (DateTimeException e) {
            throw new MlopsException(
                    "the lease record " + object.getKey() + " has an invalid expiry '" + m.group(1)
                            + "'; the store is damaged. Delete the key to free the lease",
                    e);
        }
    }

    private static void requireValidHolder(String holder) {
        Objects.requireNonNull(holder, "holder");
        if (!HOLDER.matcher(holder).matches()) {
            throw new IllegalArgumentException("a lease holder is 1 to 200 letters, digits, '.', '_', ':', '@', '/' or"
                    + " '-', got '" + (holder.length() > 40 ? holder.substring(0, 40) + "…" : holder) + "'");
        }
    }

    private static void requirePositive(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a lease lasts more than zero, got " + duration);
        }
    }

    @Override
    public synchronized String toString() {
        return "StoreLease{" + key + " " + state.holder() + " token " + state.token() + " until " + state.expires()
                + (closed ? " released" : "") + "}";
    }
}
