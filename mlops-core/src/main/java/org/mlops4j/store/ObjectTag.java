package org.mlops4j.store;

import java.util.Objects;

/**
 * The opaque version tag of a stored object, used by {@link ObjectStore#compareAndSet}: a generation counter on
 * the local store, an ETag on Azure Blob. Compare tags only for equality.
 *
 * @param value the tag as the store wrote it
 */
public record ObjectTag(String value) {
    /**
     * Validates the tag.
     *
     * @throws IllegalArgumentException if the value is empty
     */
    public ObjectTag {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("an object tag must not be empty");
        }
    }
}
