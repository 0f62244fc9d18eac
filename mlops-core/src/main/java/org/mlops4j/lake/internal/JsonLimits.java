package org.mlops4j.lake.internal;

import org.jspecify.annotations.Nullable;

/**
 * Bounds on the canonical JSON a reader accepts and a writer produces, so that untrusted input can exhaust neither
 * memory nor stack. Immutable and thread-safe. Example: {@code CanonicalJson.read(bytes, new JsonLimits(1 << 20, 16))}.
 *
 * @param maxBytes the largest document, in bytes (at least 2)
 * @param maxDepth the deepest nesting of objects and arrays (the root object is depth 1; at least 1, at most 1000)
 */
public record JsonLimits(int maxBytes, int maxDepth) {
    /**
     * The defaults: documents of up to 16 MiB, nested at most 64 deep. A hostile document costs the reader at most
     * about ten times its size in memory.
     */
    public static final JsonLimits DEFAULT = new JsonLimits(16 * 1024 * 1024, 64);

    /** The deepest nesting any limit may allow; readers and writers recurse once per level. */
    public static final int MAX_DEPTH = 1000;

    /**
     * Validates the limits.
     *
     * @throws IllegalArgumentException if {@code maxBytes < 2} or {@code maxDepth} is not in [1, 1000]
     */
    public JsonLimits {
        if (maxBytes < 2) {
            throw new IllegalArgumentException("maxBytes must be >= 2 (the size of '{}'), got " + maxBytes);
        }
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("maxDepth must be in [1, " + MAX_DEPTH + "], got " + maxDepth);
        }
    }

    // Written out, not generated: see StoreKey#equals.
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof JsonLimits other && maxBytes == other.maxBytes && maxDepth == other.maxDepth;
    }

    @Override
    public int hashCode() {
        return 31 * maxBytes + maxDepth;
    }
}
