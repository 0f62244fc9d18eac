package org.mlops4j.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A small object read from an {@link ObjectStore}: its key, its bytes and its tag for a later
 * {@link ObjectStore#compareAndSet}. Immutable: the bytes are copied in and out.
 */
public final class StoredObject {
    private final StoreKey key;
    private final byte[] bytes;
    private final ObjectTag tag;

    /**
     * Creates the value.
     *
     * @param key the key
     * @param bytes the object's bytes (copied)
     * @param tag the object's tag
     */
    public StoredObject(StoreKey key, byte[] bytes, ObjectTag tag) {
        this.key = Objects.requireNonNull(key, "key");
        this.bytes = bytes.clone();
        this.tag = Objects.requireNonNull(tag, "tag");
    }

    /** Returns the key. */
    public StoreKey getKey() {
        return key;
    }

    /** Returns a copy of the bytes. */
    public byte[] getBytes() {
        return bytes.clone();
    }

    /** Returns the bytes decoded as UTF-8. */
    public String getText() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Returns the number of bytes. */
    public int getSize() {
        return bytes.length;
    }

    /** Returns the tag to pass to {@link ObjectStore#compareAndSet}. */
    public ObjectTag getTag() {
        return tag;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredObject other
                && key.equals(other.key)
                && tag.equals(other.tag)
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, tag, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "StoredObject{key=" + key + ", size=" + bytes.length + ", tag=" + tag.value() + "}";
    }
}
