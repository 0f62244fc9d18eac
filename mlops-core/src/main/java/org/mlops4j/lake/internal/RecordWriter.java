package org.mlops4j.lake.internal;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.Digest;

/**
 * Builds a lake record, or an object nested in one, field by field, and writes it as canonical JSON. Fields may be
 * put in any order: the bytes are the same. A record started with {@link #create(RecordFormat)} carries its
 * {@code format} field.
 *
 * <p>Values are those {@link CanonicalJson} writes: strings, {@code long}/{@code int}, booleans, {@link Digest},
 * lists, maps and nested {@code RecordWriter}s. Absent optional fields are omitted, never written as {@code null}.
 * Not thread-safe: build a record on one thread. Example:
 *
 * <pre>{@code
 * byte[] bytes = RecordWriter.create(RecordFormat.of("mlops4j.dataset-version", 1))
 *         .put("root", rootDigest)
 *         .put("parents", List.of())
 *         .putIfNotNull("note", note)
 *         .toBytes();
 * }</pre>
 */
public final class RecordWriter {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private RecordWriter() {}

    /**
     * Starts a record of the given format; its {@code format} field is set.
     *
     * @param format the record's format
     * @return the writer
     */
    public static RecordWriter create(RecordFormat format) {
        Objects.requireNonNull(format, "format");
        RecordWriter writer = new RecordWriter();
        writer.fields.put(RecordFormat.FIELD, format.toString());
        return writer;
    }

    /**
     * Starts an object to nest in a record (a tree entry, a transform); it has no {@code format} field.
     *
     * @return the writer
     */
    public static RecordWriter object() {
        return new RecordWriter();
    }

    /**
     * Sets a field.
     *
     * @param field the field's name
     * @param value its value, one of the types {@link CanonicalJson} writes
     * @return this writer
     * @throws IllegalArgumentException if the field was set before
     * @throws NullPointerException if the value is null: omit absent fields, or use {@link #putIfNotNull}
     */
    @CanIgnoreReturnValue
    public RecordWriter put(String field, Object value) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, () -> "value of field '" + field + "'");
        if (fields.containsKey(field)) {
            throw new IllegalArgumentException("field '" + field + "' was already set to " + fields.get(field));
        }
        fields.put(field, value);
        return this;
    }

    /**
     * Sets a field if the value is not null; an absent optional field is omitted from the record.
     *
     * @param field the field's name
     * @param value its value, or null to omit the field
     * @return this writer
     * @throws IllegalArgumentException if the field was set before
     */
    @CanIgnoreReturnValue
    public RecordWriter putIfNotNull(String field, @Nullable Object value) {
        return value == null ? this : put(field, value);
    }

    /**
     * Writes the record as canonical JSON.
     *
     * @return the bytes
     * @throws IllegalArgumentException if a value is not supported (a floating-point number, say), naming its path
     */
    public byte[] toBytes() {
        return CanonicalJson.write(this);
    }

    /**
     * Returns the SHA-256 digest of {@link #toBytes()}.
     *
     * @return the digest
     * @throws IllegalArgumentException if a value is not supported
     */
    public Digest digest() {
        return Digest.of(toBytes());
    }

    /** Returns the fields set so far, unmodifiable, in the order they were set. */
    public Map<String, Object> fields() {
        return Collections.unmodifiableMap(fields);
    }

    @Override
    public String toString() {
        return "RecordWriter" + fields;
    }
}
