package org.mlops4j.store;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Nfc;

/**
 * The key of an object in an {@link ObjectStore}: slash-separated segments, as in {@code datasets/churn/v/00000001.json}.
 *
 * <p>Keys are valid Unicode in NFC, at most {@value #MAX_UTF8_LENGTH} UTF-8 bytes, with no empty, {@code .} or
 * {@code ..} segment, no leading or trailing slash, no backslash and no control character. The root segment
 * {@value #RESERVED_ROOT} is reserved for stores' own files. These rules make every key a safe relative path on any
 * backend. Immutable and thread-safe.
 *
 * @param value the key as text
 */
public record StoreKey(String value) implements Comparable<StoreKey> {
    /** The longest key, in UTF-8 bytes (Azure Blob allows 1,024 characters). */
    public static final int MAX_UTF8_LENGTH = 1024;

    /** The root segment reserved for a store's own files (temp files, locks); no key may start with it. */
    public static final String RESERVED_ROOT = ".mlops4j-store";

    /**
     * Validates the key.
     *
     * @throws IllegalArgumentException naming the key and the broken rule
     */
    public StoreKey {
        Objects.requireNonNull(value, "value");
        String problem = problemWith(value);
        if (problem != null) {
            throw new IllegalArgumentException("invalid store key '" + printable(value) + "': " + problem);
        }
    }

    /**
     * Creates a key.
     *
     * @param value the key as text
     * @return the key
     * @throws IllegalArgumentException if the key breaks a rule
     */
    public static StoreKey of(String value) {
        return new StoreKey(value);
    }

    /**
     * Returns the key of a child: {@code this + "/" + relative}.
     *
     * @param relative one or more segments
     * @return the child key
     * @throws IllegalArgumentException if the result is not a valid key
     */
    public StoreKey resolve(String relative) {
        return new StoreKey(value + "/" + relative);
    }

    /** Returns the last segment. */
    public String name() {
        int slash = value.lastIndexOf('/');
        return slash < 0 ? value : value.substring(slash + 1);
    }

    /** Orders keys by their UTF-8 bytes, the order in which {@link ObjectStore#list} returns them. */
    @Override
    public int compareTo(StoreKey other) {
        return compareUtf8(value, other.value);
    }

    // equals and hashCode are written out because a record's generated ones are linked through invokedynamic on
    // first use, which costs milliseconds on the path that opens every lake (see benchmarks/DATASETS.md).
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof StoreKey other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }

    /**
     * Compares two strings by their UTF-8 bytes (which is code point order), not by UTF-16 units as
     * {@link String#compareTo} does; the two differ for characters above U+FFFF.
     *
     * @param a one string
     * @param b another
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     */
    public static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String problemWith(String value) {
        if (value.isEmpty()) {
            return "a key must not be empty";
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_LENGTH) {
            return "longer than " + MAX_UTF8_LENGTH + " UTF-8 bytes";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control character U+" + String.format("%04X", (int) c) + " at index " + i;
            }
            if (c == '\\') {
                return "backslash at index " + i + "; use '/' between segments";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    return "unpaired surrogate at index " + i;
                }
                i++;
            }
        }
        if (!Nfc.isNormalized(value)) {
            return "not in Unicode NFC; normalize it with java.text.Normalizer first";
        }
        String[] segments = value.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return "empty segment (leading, trailing or double '/')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "'" + segment + "' segment";
            }
        }
        if (segments[0].equals(RESERVED_ROOT)) {
            return "the root segment '" + RESERVED_ROOT + "' is reserved for the store's own files";
        }
        return null;
    }

    private static String printable(String value) {
        return org.mlops4j.internal.Redaction.abbreviate(value, 200);
    }
}
