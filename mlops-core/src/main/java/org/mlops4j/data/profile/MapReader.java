package org.mlops4j.data.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;

/** Reads the plain map form of a profile strictly: exact keys, exact types, canonical numbers. */
final class MapReader {
    private final Map<?, ?> map;
    private final String path;

    private MapReader(Map<?, ?> map, String path) {
        this.map = map;
        this.path = path;
    }

    static MapReader of(@Nullable Object value, String path, Set<String> keys) {
        if (!(value instanceof Map)) {
            throw fail(path, "expected an object, got " + describe(value));
        }
        Map<?, ?> map = (Map<?, ?>) value;
        Set<String> actual = new TreeSet<>();
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw fail(path, "keys must be strings, got " + describe(key));
            }
            actual.add((String) key);
        }
        if (!actual.equals(new TreeSet<>(keys))) {
            Set<String> unknown = new TreeSet<>(actual);
            unknown.removeAll(keys);
            Set<String> missing = new TreeSet<>(keys);
            missing.removeAll(actual);
            throw fail(path, "unknown fields " + unknown + ", missing fields " + missing);
        }
        return new MapReader(map, path);
    }

    boolean has(String key) {
        return map.containsKey(key);
    }

    @Nullable
    Object raw(String key) {
        return map.get(key);
    }

    String path(String key) {
        return path + "." + key;
    }

    String string(String key) {
        Object v = map.get(key);
        if (!(v instanceof String)) {
            throw fail(path(key), "expected a string, got " + describe(v));
        }
        return (String) v;
    }

    long longValue(String key, long min) {
        Object v = map.get(key);
        if (!(v instanceof Long)) {
            throw fail(path(key), "expected an integer (Long), got " + describe(v));
        }
        long l = (Long) v;
        if (l < min) {
            throw fail(path(key), "must be at least " + min + ", got " + l);
        }
        return l;
    }

    int intValue(String key, int min, int max) {
        long l = longValue(key, min);
        if (l > max) {
            throw fail(path(key), "must be at most " + max + ", got " + l);
        }
        return (int) l;
    }

    boolean bool(String key) {
        Object v = map.get(key);
        if (!(v instanceof Boolean)) {
            throw fail(path(key), "expected a boolean, got " + describe(v));
        }
        return (Boolean) v;
    }

    double decimal(String key) {
        return decimal(string(key), path(key));
    }

    static double decimal(@Nullable Object v, String path) {
        if (!(v instanceof String)) {
            throw fail(path, "expected a decimal string, got " + describe(v));
        }
        try {
            return Decimals.parse((String) v);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("profile field " + path + ": " + e.getMessage(), e);
        }
    }

    List<?> list(String key) {
        Object v = map.get(key);
        if (!(v instanceof List)) {
            throw fail(path(key), "expected a list, got " + describe(v));
        }
        return (List<?>) v;
    }

    List<String> strings(String key) {
        List<?> raw = list(key);
        List<String> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            Object v = raw.get(i);
            if (!(v instanceof String)) {
                throw fail(path(key) + "[" + i + "]", "expected a string, got " + describe(v));
            }
            out.add((String) v);
        }
        return out;
    }

    static IntegrityException fail(String path, String problem) {
        return new IntegrityException("profile field " + path + ": " + problem
                + "; the record does not follow the profile format, do not trust it");
    }

    private static String describe(@Nullable Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }
}
