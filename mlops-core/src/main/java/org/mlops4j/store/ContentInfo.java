package org.mlops4j.store;

import java.util.Objects;

/**
 * What an {@link ObjectStore} holds for one piece of content.
 *
 * @param digest the SHA-256 of the bytes
 * @param size the number of bytes
 * @param created true when this call stored the bytes, false when they were already there
 */
public record ContentInfo(Digest digest, long size, boolean created) {
    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public ContentInfo {
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
    }
}
