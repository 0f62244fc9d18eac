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
 * {@code format} field and, when written, its {@code checksum} field (lake format §5.1): the digest of the record's
 * canonical JSON without that field, so that a reader detects any change to the record. A record whose bytes are
 * checked otherwise (a tree, stored under its own digest; {@code lake.json}, fixed by the format) is started with
 * {@link #createWithoutChecksum(RecordFormat)}.
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
    private final boolean checksummed;

    private RecordWriter(boolean checksummed) {
        this.checksummed = checksummed;
    }

    /**
     * Starts a record of the given format; its {@code format} field is set, and {@link #toBytes()} adds its
     * {@code checksum} field.
     *
     * @param format the record's format
     * @return the writer
     */
    public static RecordWriter create(RecordFormat format) {
        Objects.requireNonNull(format, "format");
        RecordWriter writer = new RecordWriter(true);
        writer.fields.put(RecordFormat.FIELD, format.toString());
        return writer;
    }

    /**
     * Starts a record without a {@code checksum} field, for the records whose bytes are checked otherwise (lake format
     * §5.1): a tree manifest, stored under the digest of its own bytes, and {@code lake.json}, whose bytes the format
     * fixes. Its {@code format} field is set.
     *
     * @param format the record's format
     * @return the writer
     */
    public static RecordWriter createWithoutChecksum(RecordFormat format) {
        Objects.requireNonNull(format, "format");
        RecordWriter writer = new RecordWriter(false);
        writer.fields.put(RecordFormat.FIELD, format.toString());
        return writer;
    }

    /**
     * Starts an object to nest in a record (a tree entry, a transform); it has no {@code format} field.
     *
     * @return the writer
     */
    public static RecordWriter object() {
        return new RecordWriter(false);
    }

    /**
     * Sets a field.
     *
     * @param field the field's name
     * @param value its value, one of the types {@link CanonicalJson} writes
     * @return this writer
     * @throws IllegalArgumentException if the field was set before, or is a checksummed record's {@code checksum}
     * @throws NullPointerException if the value is null: omit absent fields, or use {@link #putIfNotNull}
     */
    @CanIgnoreReturnValue
    public RecordWriter put(String field, Object value) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, () -> "value of field '" + field + "'");
        if (checksummed && field.equals(RecordFormat.CHECKSUM_FIELD)) {
            throw new IllegalArgumentException("field '" + field + "' is reserved: toBytes() writes the checksum");
        }
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
     * Writes the record as canonical JSON; a record started with {@link #create} gets its {@code checksum} field, the
     * digest of the canonical JSON of the other fields.
     *
     * @return the bytes
     * @throws IllegalArgumentException if a value is not supported (a floating-point number, say), naming its path
     */
    public byte[] toBytes() {
        return CanonicalJson.write(this);
    }

    /** Returns the fields to write: those set, plus the checksum of a record started with {@link #create}. */
    public Map<String, Object> fieldsToWrite() {
        if (!checksummed) {
            return fields;
        }
        Map<String, Object> withChecksum = new LinkedHashMap<>(fields);
        withChecksum.put(
                RecordFormat.CHECKSUM_FIELD, CanonicalJson.digest(fields).toString());
        return withChecksum;
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
