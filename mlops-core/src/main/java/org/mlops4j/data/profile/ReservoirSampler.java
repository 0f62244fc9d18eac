package org.mlops4j.data.profile;

import java.util.SplittableRandom;

/**
 * Decides the slots of a fixed-size uniform reservoir sample with Li's Algorithm L ("Reservoir-sampling algorithms of
 * time complexity O(n(1 + log(N/n)))", 1994): after n offers every subset of {@code min(n, size)} items is equally
 * likely, and random numbers are drawn only when an item is kept. The caller stores the item in the slot returned.
 * Deterministic for a given seed. Not thread-safe.
 */
final class ReservoirSampler {
    private final int size;
    private final SplittableRandom random;
    private long seen;
    private long next;
    private double w;

    ReservoirSampler(int size, long seed) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        this.size = size;
        this.random = new SplittableRandom(seed);
        if (size > 0) {
            w = Math.exp(Math.log(uniform()) / size);
            next = size - 1 + skip() + 1;
        }
    }

    /**
     * Offers the next item.
     *
     * @return the slot in [0, size) to store the item in, or -1 to drop it
     */
    int offer() {
        long i = seen++;
        if (i < size) {
            return (int) i;
        }
        if (i != next || size == 0) {
            return -1;
        }
        int slot = random.nextInt(size);
        w *= Math.exp(Math.log(uniform()) / size);
        long step = skip() + 1;
        next = next > Long.MAX_VALUE - step ? Long.MAX_VALUE : next + step;
        return slot;
    }

    /** Returns how many slots are filled. */
    int filled() {
        return (int) Math.min(seen, size);
    }

    private long skip() {
        double s = Math.floor(Math.log(uniform()) / Math.log1p(-w));
        return s >= 0x1p62 || Double.isNaN(s) ? 1L << 62 : (long) s;
    }

    /** Returns a uniform double in (0, 1]. */
    private double uniform() {
        return 1.0 - random.nextDouble();
    }
}
