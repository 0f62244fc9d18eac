package org.mlops4j.deploy.local;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.mlops4j.deploy.SlotMetrics;

/**
 * One slot occupant's counters: requests, errors and a bounded latency histogram (four buckets per power of two of
 * microseconds, so a percentile is read to within 25% in constant memory). Counters only grow; a health gate reads
 * the difference between two {@link Snapshot}s. Thread-safe and lock-free.
 */
final class SlotCounters {
    private static final int SUB_BUCKETS = 4;
    private static final int BUCKETS = SUB_BUCKETS * 42; // up to 2^42 µs, about 51 days

    // requests are counted before errors and read after them, so a snapshot never shows more errors than requests
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final AtomicLong maxNanos = new AtomicLong();

    /**
     * Counts one answered request.
     *
     * @param nanos how long it took
     * @param failed whether it failed (5xx, or the predictor threw)
     */
    void record(long nanos, boolean failed) {
        requests.increment();
        if (failed) {
            errors.increment();
        }
        buckets.incrementAndGet(bucketOf(nanos));
        maxNanos.accumulateAndGet(nanos, Math::max);
    }

    /** Returns the counters now. */
    Snapshot snapshot() {
        long e = errors.sum();
        long r = requests.sum();
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = buckets.get(i);
        }
        return new Snapshot(r, e, counts, maxNanos.get());
    }

    /**
     * Returns what was served since a snapshot.
     *
     * @param slot the slot's name
     * @param since the earlier snapshot, or {@link Snapshot#ZERO} for everything
     * @return the slot's metrics
     */
    SlotMetrics metricsSince(String slot, Snapshot since) {
        Snapshot now = snapshot();
        long r = now.requests - since.requests;
        long e = Math.min(r, now.errors - since.errors);
        long[] diff = new long[BUCKETS];
        long total = 0;
        int highest = -1;
        for (int i = 0; i < BUCKETS; i++) {
            diff[i] = now.buckets[i] - (since.buckets.length == 0 ? 0 : since.buckets[i]);
            total += diff[i];
            if (diff[i] > 0) {
                highest = i;
            }
        }
        Duration p95 = Duration.ZERO;
        if (total > 0) {
            long rank = (long) Math.ceil(total * 0.95);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += diff[i];
                if (seen >= rank) {
                    p95 = Duration.ofNanos(Math.min(upperBoundNanos(i), now.maxNanos));
                    break;
                }
            }
        }
        Duration max = highest < 0 ? Duration.ZERO : Duration.ofNanos(Math.min(upperBoundNanos(highest), now.maxNanos));
        return new SlotMetrics(slot, r, Math.max(0, e), p95, max);
    }

    static int bucketOf(long nanos) {
        long micros = Math.max(1, nanos / 1000);
        int exp = 63 - Long.numberOfLeadingZeros(micros);
        int sub = exp >= 2 ? (int) ((micros >>> (exp - 2)) & 3) : (int) ((micros << (2 - exp)) & 3);
        return Math.min(BUCKETS - 1, exp * SUB_BUCKETS + sub);
    }

    static long upperBoundNanos(int bucket) {
        int exp = bucket / SUB_BUCKETS;
        int sub = bucket % SUB_BUCKETS;
        // bucket (exp, sub) holds micros in [(4 + sub) * 2^exp / 4, (5 + sub) * 2^exp / 4)
        return ((5L + sub) << exp) * 1000 / 4;
    }

    /** Counters at one moment. */
    static final class Snapshot {
        static final Snapshot ZERO = new Snapshot(0, 0, new long[0], 0);

        private final long requests;
        private final long errors;
        private final long[] buckets;
        private final long maxNanos;

        private Snapshot(long requests, long errors, long[] buckets, long maxNanos) {
            this.requests = requests;
            this.errors = errors;
            this.buckets = buckets;
            this.maxNanos = maxNanos;
        }

        long requests() {
            return requests;
        }
    }
}
