package org.mlops4j.deploy.local;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.registry.ModelRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A predictor in a slot, with its counters and a count of the requests it is serving. When it leaves the routing
 * table it is {@linkplain #retire() retired}: closed as soon as its last in-flight request ends, so that a switch
 * never fails a request that had already picked it. Thread-safe.
 */
final class LoadedModel {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);
    private static final int CLOSED = -1;

    private final ModelRef ref;
    private final Predictor predictor;
    private final SlotCounters counters = new SlotCounters();
    // requests in flight, or CLOSED once retired and drained
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;

    LoadedModel(ModelRef ref, Predictor predictor) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.predictor = Objects.requireNonNull(predictor, "predictor");
    }

    ModelRef ref() {
        return ref;
    }

    Predictor predictor() {
        return predictor;
    }

    SlotCounters counters() {
        return counters;
    }

    /**
     * Claims the predictor for one request.
     *
     * @return false if it was already closed (the caller re-reads the routing table, which no longer holds it)
     */
    boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n == CLOSED) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Ends one request's claim; closes the predictor if it was retired and this was the last request. */
    void release() {
        if (inFlight.decrementAndGet() == 0 && retired) {
            closeIfIdle();
        }
    }

    /** Marks the predictor as out of the routing table; it closes once idle. Idempotent. */
    void retire() {
        retired = true;
        closeIfIdle();
    }

    boolean isClosed() {
        return inFlight.get() == CLOSED;
    }

    private void closeIfIdle() {
        if (inFlight.compareAndSet(0, CLOSED)) {
            try {
                predictor.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the predictor of {} failed", ref, e);
            }
        }
    }

    @Override
    public String toString() {
        return "LoadedModel{" + ref + (retired ? ", retired" : "") + "}";
    }
}
