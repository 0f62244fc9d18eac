package org.mlops4j.lake.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.StoreKey;

/**
 * The reader's compact, unmodifiable JSON object: keys in canonical (UTF-8 byte) order in one array, values in
 * another; lookups by binary search. About a third of the memory of a {@code LinkedHashMap}, which matters because
 * the reader holds whole documents from untrusted stores. Immutable and thread-safe once built.
 */
final class SortedArrayMap extends AbstractMap<String, @Nullable Object> {
    private final String[] keys;
    private final @Nullable Object[] values;

    /** Takes ownership of the arrays; the keys must be strictly ascending by {@link StoreKey#compareUtf8}. */
    SortedArrayMap(String[] keys, @Nullable Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
        int i = indexOf(key);
        return i >= 0 ? values[i] : null;
    }

    private int indexOf(@Nullable Object key) {
        if (!(key instanceof String k)) {
            return -1;
        }
        int low = 0;
        int high = keys.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = StoreKey.compareUtf8(keys[mid], k);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, @Nullable Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys.length;
            }

            @Override
            public Iterator<Entry<String, @Nullable Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Entry<String, @Nullable Object> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }
        };
    }

    /** Returns the smallest unmodifiable map for these entries: one entry needs no order and no arrays. */
    static Map<String, @Nullable Object> of(String[] keys, @Nullable Object[] values) {
        if (keys.length == 0) {
            return Map.of();
        }
        Object only = values[0];
        if (keys.length == 1 && only != null) {
            return Map.of(keys[0], only);
        }
        return new SortedArrayMap(keys, values);
    }
}
