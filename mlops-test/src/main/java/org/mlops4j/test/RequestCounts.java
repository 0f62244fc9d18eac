package org.mlops4j.test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * How many requests of each {@link StoreOperation} a {@link LatencyObjectStore} served: a snapshot, immutable and
 * thread-safe. Subtract two snapshots to count what one piece of work cost.
 */
public final class RequestCounts {
    private final EnumMap<StoreOperation, Long> counts;

    RequestCounts(Map<StoreOperation, Long> counts) {
        this.counts = new EnumMap<>(StoreOperation.class);
        counts.forEach((operation, count) -> {
            if (count != 0) {
                this.counts.put(operation, count);
            }
        });
    }

    /**
     * Returns how many requests of one operation were made.
     *
     * @param operation the operation
     * @return the count, 0 if none
     */
    public long get(StoreOperation operation) {
        return counts.getOrDefault(Objects.requireNonNull(operation, "operation"), 0L);
    }

    /** Returns the number of requests of every operation together. */
    public long total() {
        long total = 0;
        for (long count : counts.values()) {
            total += count;
        }
        return total;
    }

    /** Returns the counts by operation; operations never called are left out. */
    public Map<StoreOperation, Long> byOperation() {
        return Map.copyOf(counts);
    }

    /**
     * Returns what was counted since an earlier snapshot of the same store.
     *
     * @param earlier the earlier snapshot
     * @return the difference
     */
    public RequestCounts minus(RequestCounts earlier) {
        EnumMap<StoreOperation, Long> difference = new EnumMap<>(StoreOperation.class);
        for (StoreOperation operation : StoreOperation.values()) {
            difference.put(operation, get(operation) - earlier.get(operation));
        }
        return new RequestCounts(difference);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestCounts other && counts.equals(other.counts);
    }

    @Override
    public int hashCode() {
        return counts.hashCode();
    }

    /** Returns, e.g., {@code 7 requests (FIND 3, EXISTS 2, CREATE_IF_ABSENT 2)}. */
    @Override
    public String toString() {
        StringJoiner parts = new StringJoiner(", ", total() + " requests (", ")");
        counts.forEach((operation, count) -> parts.add(operation + " " + count));
        return parts.toString();
    }
}
