package org.mlops4j.lake.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.internal.Quoting;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/**
 * Reads the fields of a lake record strictly: typed getters fail with {@code MISSING_FIELD}, {@code WRONG_TYPE} or
 * {@code INVALID_VALUE}, and {@link #finish()} fails with {@code UNKNOWN_FIELD} for any field no getter read, here or
 * in a nested object read through this reader. Records never hold {@code null}: an absent optional field is omitted,
 * so a {@code null} value is {@code WRONG_TYPE}.
 *
 * <p>{@link #parse(byte[], RecordFormat, String)} reads canonical JSON strictly and checks the {@code format} field
 * first; a version newer than the reader knows is {@code UNSUPPORTED_FORMAT} (even when the newer record would fail
 * other checks), so that an old MLOps4J says "upgrade" rather than "corrupt". Not thread-safe: read a record on one
 * thread. Example:
 *
 * <pre>{@code
 * RecordReader r = RecordReader.parse(bytes, RecordFormat.of("mlops4j.dataset-version", 1), key.toString());
 * Digest root = r.getDigest("root");
 * List<Digest> parents = r.getDigestList("parents");
 * Optional<String> note = r.findString("note");
 * r.finish();
 * }</pre>
 */
public final class RecordReader {
    private static final JsonFactory PEEK = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(JsonLimits.MAX_DEPTH)
                    .maxNumberLength(CanonicalJson.MAX_NUMBER_LENGTH)
                    .build())
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final Map<String, @Nullable Object> fields;
    private final JsonPath path;
    private final String source;
    private final int formatVersion;
    private final Set<String> consumed = new HashSet<>();
    private final List<RecordReader> children = new ArrayList<>();

    private RecordReader(Map<String, @Nullable Object> fields, JsonPath path, String source, int formatVersion) {
        this.fields = fields;
        this.path = path;
        this.source = source;
        this.formatVersion = formatVersion;
    }

    /**
     * Reads a record strictly within the {@linkplain JsonLimits#DEFAULT default limits} and checks its format.
     *
     * @param bytes the record's bytes
     * @param format the format this reader knows: same name, version at most {@code format.version()}
     * @param source what is read, for messages (a store key); may be empty
     * @return the reader, its {@code format} field already read
     * @throws LakeFormatException if the bytes are not canonical JSON, not an object, or of another or newer format
     */
    public static RecordReader parse(byte[] bytes, RecordFormat format, String source) {
        return parse(bytes, format, source, JsonLimits.DEFAULT);
    }

    /**
     * Reads a record strictly and checks its format.
     *
     * @param bytes the record's bytes
     * @param format the format this reader knows: same name, version at most {@code format.version()}
     * @param source what is read, for messages (a store key); may be empty
     * @param limits the largest document and deepest nesting to accept
     * @return the reader, its {@code format} field already read
     * @throws LakeFormatException if the bytes are not canonical JSON, not an object, or of another or newer format
     */
    public static RecordReader parse(byte[] bytes, RecordFormat format, String source, JsonLimits limits) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        Map<String, @Nullable Object> fields;
        try {
            fields = CanonicalJson.readObject(bytes, limits);
        } catch (LakeFormatException e) {
            RecordFormat found = bytes.length <= limits.maxBytes() ? peekFormat(bytes) : null;
            if (found != null && found.name().equals(format.name()) && found.version() > format.version()) {
                throw newer(found, format, source, e);
            }
            throw e.withSource(source);
        }
        RecordReader reader = new RecordReader(fields, JsonPath.ROOT, source, 0);
        int version = reader.requireFormat(format);
        RecordReader checked =
                new RecordReader(fields, JsonPath.ROOT, source, version).markConsumed(RecordFormat.FIELD);
        checked.checkChecksum();
        return checked;
    }

    /**
     * Checks any record without knowing its kind, as store verification does: the bytes are canonical JSON (within
     * the {@linkplain JsonLimits#DEFAULT default limits}), an object with a well-formed {@code format} field, and match
     * the record's {@code checksum} field if it has one. The record's own fields are not read.
     *
     * @param bytes the record's bytes
     * @param source what is read, for messages (a store key); may be empty
     * @return the record's format
     * @throws LakeFormatException if the record is not canonical JSON, has no well-formed format, or does not match
     *     its checksum
     */
    public static RecordFormat check(byte[] bytes, String source) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        Map<String, @Nullable Object> fields;
        try {
            fields = CanonicalJson.readObject(bytes, JsonLimits.DEFAULT);
        } catch (LakeFormatException e) {
            throw e.withSource(source);
        }
        RecordReader reader = new RecordReader(fields, JsonPath.ROOT, source, 0);
        String text = reader.getString(RecordFormat.FIELD);
        RecordFormat format;
        try {
            format = RecordFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw reader.fail(Reason.INVALID_VALUE, JsonPath.ROOT.field(RecordFormat.FIELD), e.getMessage());
        }
        reader.checkChecksum();
        return format;
    }

    /**
     * Reads a record strictly, checks its format, and decodes it: the decoder reads the fields into a value, and
     * {@link #finish()} is called after it. Any failure of the decoder other than an {@link MlopsException} (an
     * {@link IllegalArgumentException} from a value's constructor, a {@link NumberFormatException}, …) is reported as
     * {@code INVALID_VALUE} naming the source, so that a damaged record is always an {@link IntegrityException}.
     *
     * @param bytes the record's bytes
     * @param format the format this reader knows: same name, version at most {@code format.version()}
     * @param source what is read, for messages (a store key); may be empty
     * @param decoder reads the fields into a value
     * @param <T> the value's type
     * @return the value
     * @throws LakeFormatException if the record is not canonical JSON, of another or newer format, does not match its
     *     checksum, or cannot be decoded
     * @throws MlopsException what the decoder throws of it (a record that names another key, say)
     */
    public static <T> T decode(
            byte[] bytes, RecordFormat format, String source, Function<? super RecordReader, ? extends T> decoder) {
        Objects.requireNonNull(decoder, "decoder");
        RecordReader r = parse(bytes, format, source);
        try {
            T value = decoder.apply(r);
            r.finish();
            return value;
        } catch (MlopsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LakeFormatException(
                    Reason.INVALID_VALUE,
                    "$",
                    -1,
                    source,
                    "cannot decode the record: " + e
                            + "; the record was altered or written by another tool: restore it from a copy",
                    e);
        }
    }

    /**
     * Checks the record's {@code checksum} field, if it has one (records written before checksums have none): it must
     * be the digest of the record's canonical JSON without that field.
     */
    private void checkChecksum() {
        if (!fields.containsKey(RecordFormat.CHECKSUM_FIELD)) {
            return;
        }
        Digest expected = getDigest(RecordFormat.CHECKSUM_FIELD);
        Map<String, @Nullable Object> body = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (!k.equals(RecordFormat.CHECKSUM_FIELD)) {
                body.put(k, v);
            }
        });
        Digest actual = Digest.of(CanonicalJson.write(body));
        if (!actual.equals(expected)) {
            throw fail(
                    Reason.CHECKSUM_MISMATCH,
                    path.field(RecordFormat.CHECKSUM_FIELD),
                    "the record hashes to " + actual + ", its checksum says " + expected
                            + "; it was changed after it was written: the lake is damaged, restore the record from a"
                            + " copy");
        }
    }

    /**
     * Wraps an object already read by {@link CanonicalJson#readObject(byte[])}; no format is checked.
     *
     * @param object the object
     * @param source what was read, for messages; may be empty
     * @return the reader
     */
    public static RecordReader of(Map<String, ? extends @Nullable Object> object, String source) {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(source, "source");
        return new RecordReader(Collections.unmodifiableMap(object), JsonPath.ROOT, source, 0);
    }

    private RecordReader markConsumed(String field) {
        consumed.add(field);
        return this;
    }

    /** Returns the version of the record's format that {@link #parse} found, or 0 for a reader made by {@link #of}. */
    public int getFormatVersion() {
        return formatVersion;
    }

    /** Returns the JSON path of this object, {@code $} for a record's root. */
    public String getPath() {
        return path.toString();
    }

    /** Returns what is read (a store key), as given to {@link #parse}. */
    public String getSource() {
        return source;
    }

    /**
     * Returns the names of all fields, read or not, in canonical order: for objects that map names to values.
     *
     * @return the names, unmodifiable
     */
    public Set<String> fieldNames() {
        TreeSet<String> names = new TreeSet<>(StoreKey::compareUtf8);
        names.addAll(fields.keySet());
        return Collections.unmodifiableSet(names);
    }

    /**
     * Tells whether a field is present, without reading it.
     *
     * @param field the field's name
     * @return true if present
     */
    public boolean has(String field) {
        return fields.containsKey(Objects.requireNonNull(field, "field"));
    }

    /**
     * Reads a required string.
     *
     * @param field the field's name
     * @return the value
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE}
     */
    public String getString(String field) {
        return asString(require(field), path.field(field));
    }

    /**
     * Reads an optional string.
     *
     * @param field the field's name
     * @return the value, or empty if the field is absent
     * @throws LakeFormatException {@code WRONG_TYPE}
     */
    public Optional<String> findString(String field) {
        return has(field) ? Optional.of(getString(field)) : Optional.empty();
    }

    /**
     * Reads a required integer.
     *
     * @param field the field's name
     * @return the value
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE}
     */
    public long getLong(String field) {
        return asLong(require(field), path.field(field));
    }

    /**
     * Reads a required integer in a range.
     *
     * @param field the field's name
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the value
     * @throws LakeFormatException {@code MISSING_FIELD}, {@code WRONG_TYPE}, or {@code INVALID_VALUE} if out of range
     */
    public long getLong(String field, long min, long max) {
        long value = getLong(field);
        if (value < min || value > max) {
            throw fail(
                    Reason.INVALID_VALUE,
                    path.field(field),
                    "integer " + value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    /**
     * Reads an optional integer.
     *
     * @param field the field's name
     * @return the value, or empty if the field is absent
     * @throws LakeFormatException {@code WRONG_TYPE}
     */
    public OptionalLong findLong(String field) {
        return has(field) ? OptionalLong.of(getLong(field)) : OptionalLong.empty();
    }

    /**
     * Reads a required boolean.
     *
     * @param field the field's name
     * @return the value
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE}
     */
    public boolean getBoolean(String field) {
        Object value = require(field);
        if (!(value instanceof Boolean b)) {
            throw wrongType(path.field(field), "a boolean", value);
        }
        return b;
    }

    /**
     * Reads an optional boolean.
     *
     * @param field the field's name
     * @return the value, or empty if the field is absent
     * @throws LakeFormatException {@code WRONG_TYPE}
     */
    public Optional<Boolean> findBoolean(String field) {
        return has(field) ? Optional.of(getBoolean(field)) : Optional.empty();
    }

    /**
     * Reads a required digest, written {@code sha256:<64 lowercase hex>}.
     *
     * @param field the field's name
     * @return the digest
     * @throws LakeFormatException {@code MISSING_FIELD}, {@code WRONG_TYPE}, or {@code INVALID_VALUE} if malformed
     */
    public Digest getDigest(String field) {
        return asDigest(require(field), path.field(field));
    }

    /**
     * Reads an optional digest.
     *
     * @param field the field's name
     * @return the digest, or empty if the field is absent
     * @throws LakeFormatException {@code WRONG_TYPE} or {@code INVALID_VALUE}
     */
    public Optional<Digest> findDigest(String field) {
        return has(field) ? Optional.of(getDigest(field)) : Optional.empty();
    }

    /**
     * Reads a required string and converts it, for values with their own text form ({@code Instant::parse},
     * {@code StoreKey::of}). A conversion that throws any {@link RuntimeException} is an invalid value.
     *
     * @param field the field's name
     * @param parser converts the text; throws on a bad value
     * @param <T> the value's type
     * @return the converted value
     * @throws LakeFormatException {@code MISSING_FIELD}, {@code WRONG_TYPE}, or {@code INVALID_VALUE} with the
     *     parser's message
     */
    public <T> T getParsed(String field, Function<String, T> parser) {
        Objects.requireNonNull(parser, "parser");
        String text = getString(field);
        try {
            return Objects.requireNonNull(parser.apply(text), "the parser returned null");
        } catch (RuntimeException e) {
            throw new LakeFormatException(
                    Reason.INVALID_VALUE,
                    path.field(field).toString(),
                    -1,
                    source,
                    "cannot read " + Quoting.abbreviate(text) + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Reads a required nested object; {@link #finish()} on this reader finishes it too.
     *
     * @param field the field's name
     * @return a reader for the nested object
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE}
     */
    public RecordReader getObject(String field) {
        return asObject(require(field), path.field(field));
    }

    /**
     * Reads an optional nested object.
     *
     * @param field the field's name
     * @return a reader for it, or empty if the field is absent
     * @throws LakeFormatException {@code WRONG_TYPE}
     */
    public Optional<RecordReader> findObject(String field) {
        return has(field) ? Optional.of(getObject(field)) : Optional.empty();
    }

    /**
     * Reads a required array of objects.
     *
     * @param field the field's name
     * @return a reader per element, in order
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE} (also for an element)
     */
    public List<RecordReader> getObjectList(String field) {
        return list(field, this::asObject);
    }

    /**
     * Reads a required array of strings.
     *
     * @param field the field's name
     * @return the strings, unmodifiable
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE} (also for an element)
     */
    public List<String> getStringList(String field) {
        return list(field, this::asString);
    }

    /**
     * Reads a required array of integers.
     *
     * @param field the field's name
     * @return the integers, unmodifiable
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE} (also for an element)
     */
    public List<Long> getLongList(String field) {
        return list(field, this::asLong);
    }

    /**
     * Reads a required array of digests.
     *
     * @param field the field's name
     * @return the digests, unmodifiable
     * @throws LakeFormatException {@code MISSING_FIELD}, {@code WRONG_TYPE} or {@code INVALID_VALUE}
     */
    public List<Digest> getDigestList(String field) {
        return list(field, this::asDigest);
    }

    /**
     * Reads a required object whose values are all strings, such as tags.
     *
     * @param field the field's name
     * @return the entries, unmodifiable, in canonical key order
     * @throws LakeFormatException {@code MISSING_FIELD} or {@code WRONG_TYPE} (also for a value)
     */
    public Map<String, String> getStringMap(String field) {
        JsonPath at = path.field(field);
        Object value = require(field);
        if (!(value instanceof Map<?, ?> map)) {
            throw wrongType(at, "an object of strings", value);
        }
        Map<String, String> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put((String) k, asString(v, at.field((String) k))));
        return Collections.unmodifiableMap(result);
    }

    /**
     * Reads a required field of any JSON type as the raw tree {@link CanonicalJson#read(byte[])} returns, for
     * free-form content (user parameters). Its inside is not checked for unknown fields.
     *
     * @param field the field's name
     * @return the value; null only if the record holds a JSON null there
     * @throws LakeFormatException {@code MISSING_FIELD}
     */
    public @Nullable Object getValue(String field) {
        Objects.requireNonNull(field, "field");
        if (!fields.containsKey(field)) {
            throw missing(field);
        }
        consumed.add(field);
        return fields.get(field);
    }

    /**
     * Checks the {@code format} field: the same name as {@code expected} and a version no higher.
     *
     * @param expected the format this reader knows
     * @return the version found, from 1 to {@code expected.version()}
     * @throws LakeFormatException {@code MISSING_FIELD}, {@code WRONG_TYPE}, {@code INVALID_VALUE} (malformed, or
     *     another record kind) or {@code UNSUPPORTED_FORMAT} (a newer version: upgrade MLOps4J)
     */
    public int requireFormat(RecordFormat expected) {
        Objects.requireNonNull(expected, "expected");
        String text = getString(RecordFormat.FIELD);
        JsonPath at = path.field(RecordFormat.FIELD);
        RecordFormat found;
        try {
            found = RecordFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(Reason.INVALID_VALUE, at, e.getMessage() + "; expected " + expected);
        }
        if (!found.name().equals(expected.name())) {
            throw fail(
                    Reason.INVALID_VALUE,
                    at,
                    "expected a '" + expected.name() + "' record, found '" + found
                            + "'; the record is misplaced or the key is wrong");
        }
        if (found.version() > expected.version()) {
            throw newer(found, expected, source, null);
        }
        return found.version();
    }

    /**
     * Checks that every field of this object, and of every nested object read through it, was read; call it after
     * the last getter.
     *
     * @throws LakeFormatException {@code UNKNOWN_FIELD} naming the first unread field
     */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        for (String field : fieldNames()) {
            if (!consumed.contains(field)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.get(0);
            throw fail(
                    Reason.UNKNOWN_FIELD,
                    path.field(first),
                    "field " + Quoting.abbreviate(first)
                            + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more)" : "")
                            + " is not part of this record's format; a newer MLOps4J would have raised the format"
                            + " version, so the record was altered or written by another tool");
        }
        for (RecordReader child : children) {
            child.finish();
        }
    }

    @Override
    public String toString() {
        return "RecordReader{source=" + source + ", path=" + path + ", fields=" + fieldNames() + "}";
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private @Nullable Object require(String field) {
        Objects.requireNonNull(field, "field");
        if (!fields.containsKey(field)) {
            throw missing(field);
        }
        consumed.add(field);
        Object value = fields.get(field);
        if (value == null) {
            throw fail(
                    Reason.WRONG_TYPE,
                    path.field(field),
                    "null is not a value in a lake record; absent optional fields are omitted");
        }
        return value;
    }

    private <T> List<T> list(String field, ElementReader<T> reader) {
        JsonPath at = path.field(field);
        Object value = require(field);
        if (!(value instanceof List<?> elements)) {
            throw wrongType(at, "an array", value);
        }
        List<T> result = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            result.add(reader.read(elements.get(i), at.index(i)));
        }
        return Collections.unmodifiableList(result);
    }

    @FunctionalInterface
    private interface ElementReader<T> {
        T read(@Nullable Object value, JsonPath at);
    }

    private String asString(@Nullable Object value, JsonPath at) {
        if (!(value instanceof String s)) {
            throw wrongType(at, "a string", value);
        }
        return s;
    }

    private Long asLong(@Nullable Object value, JsonPath at) {
        if (!(value instanceof Long l)) {
            throw wrongType(at, "an integer", value);
        }
        return l;
    }

    private Digest asDigest(@Nullable Object value, JsonPath at) {
        String text;
        try {
            text = asString(value, at);
        } catch (LakeFormatException e) {
            throw wrongType(at, "a digest string", value);
        }
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(Reason.INVALID_VALUE, at, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private RecordReader asObject(@Nullable Object value, JsonPath at) {
        if (!(value instanceof Map<?, ?>)) {
            throw wrongType(at, "an object", value);
        }
        RecordReader child = new RecordReader((Map<String, @Nullable Object>) value, at, source, 0);
        children.add(child);
        return child;
    }

    private LakeFormatException missing(String field) {
        return fail(Reason.MISSING_FIELD, path.field(field), "required field '" + field + "' is absent");
    }

    private LakeFormatException wrongType(JsonPath at, String expected, @Nullable Object value) {
        return wrongTypeStatic(at, expected, value).withSource(source);
    }

    private static LakeFormatException wrongTypeStatic(JsonPath at, String expected, @Nullable Object value) {
        return new LakeFormatException(
                Reason.WRONG_TYPE, at.toString(), "expected " + expected + ", got " + CanonicalJson.describe(value));
    }

    private LakeFormatException fail(Reason reason, JsonPath at, @Nullable String detail) {
        return new LakeFormatException(reason, at.toString(), -1, source, String.valueOf(detail), null);
    }

    private static LakeFormatException newer(
            RecordFormat found, RecordFormat known, String source, @Nullable Throwable cause) {
        return new LakeFormatException(
                Reason.UNSUPPORTED_FORMAT,
                "$.format",
                -1,
                source,
                "the record has format '" + found + "', written by a newer MLOps4J; this version reads '" + known.name()
                        + "' up to version " + known.version() + ": upgrade MLOps4J to read it",
                cause);
    }

    /**
     * Finds the top-level {@code format} string of a document that failed the strict reader, leniently; null if
     * there is none or the document cannot be scanned.
     */
    private static @Nullable RecordFormat peekFormat(byte[] bytes) {
        try (JsonParser p = PEEK.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (RecordFormat.FIELD.equals(name) && value == JsonToken.VALUE_STRING) {
                    return RecordFormat.parse(p.getText());
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
