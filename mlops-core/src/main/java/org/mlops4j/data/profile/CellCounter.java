package org.mlops4j.data.profile;

import java.util.Arrays;

/**
 * Counts numbers in the cells of {@link ValueHistogram}'s grid, raising the shift whenever more than a cap of cells are
 * occupied: an open-addressing map from cell key to count, of at most {@code 4 × cap} slots. The result depends
 * only on the multiset of numbers added, not on their order. Not thread-safe.
 */
final class CellCounter {
    private final int cap;
    private int shift;
    private long[] keys;
    private long[] counts; // 0 marks an empty slot
    private int size;

    CellCounter(int cap) {
        if (cap < 2) {
            throw new IllegalArgumentException("a histogram needs at least 2 cells, got " + cap);
        }
        this.cap = cap;
        this.keys = new long[16];
        this.counts = new long[16];
    }

    void add(double x) {
        long key = ValueHistogram.cellKey(x, shift);
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (counts[i] != 0) {
            if (keys[i] == key) {
                counts[i]++;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        counts[i] = 1;
        size++;
        if (size > cap) {
            while (size > cap) {
                rehash(shift + 1);
            }
        } else if (size * 2 > keys.length) {
            rehash(shift);
        }
    }

    /** Re-inserts every cell at a shift (merging cells when it is coarser), in a table with room to grow. */
    private void rehash(int newShift) {
        long[] oldKeys = keys;
        long[] oldCounts = counts;
        int by = newShift - shift;
        int length = oldKeys.length;
        if (by == 0) {
            length *= 2;
        }
        keys = new long[length];
        counts = new long[length];
        size = 0;
        shift = newShift;
        int mask = length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldCounts[j] == 0) {
                continue;
            }
            long key = oldKeys[j] >> by;
            int i = slot(key, mask);
            while (counts[i] != 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (counts[i] == 0) {
                keys[i] = key;
                size++;
            }
            counts[i] += oldCounts[j];
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9e3779b97f4a7c15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    ValueHistogram finish() {
        long[] k = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] != 0) {
                k[n++] = keys[i];
            }
        }
        Arrays.sort(k);
        long[] c = new long[size];
        int mask = keys.length - 1;
        for (int j = 0; j < size; j++) {
            int i = slot(k[j], mask);
            while (keys[i] != k[j] || counts[i] == 0) {
                i = (i + 1) & mask;
            }
            c[j] = counts[i];
        }
        return new ValueHistogram(shift, k, c);
    }
}
