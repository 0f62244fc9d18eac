package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Misra–Gries frequent items with k counters ("Finding repeated elements", 1982).
 *
 * <p>After n items: every item whose frequency f exceeds {@code n/(k+1)} holds a counter, and each counter c obeys
 * {@code f - (n - sum of counters)/(k+1) <= c <= f}. The mass not in any counter, {@code n - sum of counters}, is
 * the "other" bucket. While at most k distinct items have been seen, no counter was ever decremented and the counts
 * are exact. Memory: k keys and counters. Amortized O(1) per item. Not thread-safe.
 */
final class MisraGries {
    private final int k;
    private final HashMap<String, long[]> counters;
    private long n;
    private boolean exact = true;

    MisraGries(int k) {
        this.k = k;
        this.counters = new HashMap<>(Math.max(16, k * 2));
    }

    void add(String key) {
        n++;
        long[] counter = counters.get(key);
        if (counter != null) {
            counter[0]++;
        } else if (counters.size() < k) {
            counters.put(key, new long[] {1});
        } else {
            // the new item and one unit of every counter cancel out: k+1 distinct items leave the summary
            exact = false;
            Iterator<long[]> it = counters.values().iterator();
            while (it.hasNext()) {
                long[] c = it.next();
                if (--c[0] == 0) {
                    it.remove();
                }
            }
        }
    }

    long count() {
        return n;
    }

    boolean isExact() {
        return exact;
    }

    /** Returns the counters, in no particular order. */
    List<Map.Entry<String, Long>> entries() {
        List<Map.Entry<String, Long>> out = new ArrayList<>(counters.size());
        for (Map.Entry<String, long[]> e : counters.entrySet()) {
            out.add(Map.entry(e.getKey(), e.getValue()[0]));
        }
        return out;
    }
}
