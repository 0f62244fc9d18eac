package org.mlops4j.lake.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.internal.DependencyVersions;
import org.mlops4j.internal.Quoting;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/**
 * Canonical JSON, the byte form of every lake record: one value has exactly one encoding, so equal records have equal
 * bytes and equal digests on any machine. Specified in {@code docs/lake-format.md}; in short:
 *
 * <ul>
 *   <li>UTF-8 without a byte order mark; no whitespace outside strings; nothing after the value;
 *   <li>object keys sorted by their UTF-8 bytes (code point order, not {@link String#compareTo}), each key once;
 *   <li>numbers are integers in [-2<sup>63</sup>, 2<sup>63</sup>-1], written in plain decimal: no {@code +}, no
 *       leading zero, no {@code -0}, no fraction, no exponent. There is no floating point in hashed content;
 *   <li>strings escape exactly {@code "} as {@code \"}, {@code \} as {@code \\}, U+0008, U+0009, U+000A, U+000C,
 *       U+000D as {@code \b \t \n \f \r}, and the other characters below U+0020 as {@code \}{@code u00XX} with
 *       upper-case hex; every other character, {@code /}, U+007F and everything above U+FFFF included, is written as
 *       raw UTF-8. Strings and keys must be valid Unicode: a lone surrogate is rejected.
 * </ul>
 *
 * <p><b>Values.</b> The writer takes a tree of {@link Map} (with {@link String} keys, any order), {@link List},
 * {@link String}, {@link Long}, {@link Integer}, {@link Short}, {@link Byte}, {@link BigInteger} (within 64 bits),
 * {@link Boolean}, {@code null}, plus {@link Digest} and {@link RecordFormat} (written as their text) and
 * {@link RecordWriter} (an object). The reader returns unmodifiable {@link Map}s (keys in canonical order),
 * unmodifiable {@link List}s, {@link String}, {@link Long}, {@link Boolean} and {@code null}. Records read their fields
 * through {@link RecordReader} rather than this raw tree.
 *
 * <p><b>The strict reader</b> rejects any input that is not the canonical encoding of its value, with a
 * {@link LakeFormatException} whose {@link Reason} says why; it never throws anything else for any input. Checks run
 * in this order: size ({@code TOO_LARGE}); encoding ({@code INVALID_UTF8}, and {@code MALFORMED_JSON} for a NUL in
 * the first four bytes, the mark of UTF-16 or UTF-32); then while parsing, at the first offending token, syntax
 * ({@code MALFORMED_JSON}), nesting ({@code TOO_DEEP}), keys ({@code DUPLICATE_KEY}, {@code UNSORTED_KEYS}), numbers
 * ({@code FLOATING_POINT} for a fraction, {@code NON_CANONICAL} for an exponent, {@code INVALID_VALUE} beyond 64
 * bits), escaped lone surrogates ({@code INVALID_UTF8}), a second value ({@code NON_CANONICAL}); last the re-encoded
 * value is compared with the input byte for byte ({@code NON_CANONICAL}: whitespace, escapes, number forms).
 *
 * <p>Stateless and thread-safe. Example:
 *
 * <pre>{@code
 * byte[] bytes = CanonicalJson.write(Map.of("b", 1L, "a", List.of("x")));   // {"a":["x"],"b":1}
 * Object tree = CanonicalJson.read(bytes);
 * }</pre>
 */
public final class CanonicalJson {
    /** The longest number token, in characters, that the reader lexes before it rejects the input as too large. */
    static final int MAX_NUMBER_LENGTH = 1000;

    static {
        // before WRITER links JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8, which an older Jackson lacks
        DependencyVersions.requireSupported();
    }

    private static final JsonFactory WRITER = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
            .enable(JsonWriteFeature.QUOTE_FIELD_NAMES)
            .disable(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS)
            .streamWriteConstraints(StreamWriteConstraints.builder()
                    .maxNestingDepth(JsonLimits.MAX_DEPTH + 1)
                    .build())
            .build();
    private static final JsonFactory DEFAULT_READER = readerFactory(JsonLimits.DEFAULT);

    private CanonicalJson() {}

    /**
     * Writes a value as canonical JSON within the {@linkplain JsonLimits#DEFAULT default limits}.
     *
     * @param value a tree of the supported types (see the class comment)
     * @return the canonical bytes
     * @throws IllegalArgumentException naming the path of an unsupported value: a floating-point number
     *     ({@link Double}, {@link Float}, {@link BigDecimal}), an integer beyond 64 bits, a non-string or null map key,
     *     a lone surrogate, a {@link java.util.Set} or another type, nesting or size beyond the limits (also a cycle)
     */
    public static byte[] write(@Nullable Object value) {
        return write(value, JsonLimits.DEFAULT);
    }

    /**
     * Writes a value as canonical JSON within the given limits, so that a reader with the same limits accepts it.
     *
     * @param value a tree of the supported types (see the class comment)
     * @param limits the largest size and deepest nesting to produce
     * @return the canonical bytes
     * @throws IllegalArgumentException naming the path of an unsupported value, or if the limits are exceeded
     */
    public static byte[] write(@Nullable Object value, JsonLimits limits) {
        Objects.requireNonNull(limits, "limits");
        byte[] bytes = encode(value, limits.maxDepth());
        if (bytes.length > limits.maxBytes()) {
            throw new IllegalArgumentException("the canonical JSON is " + bytes.length
                    + " bytes, more than the limit of "
                    + limits.maxBytes() + "; readers with that limit reject it as TOO_LARGE: split the record or"
                    + " raise JsonLimits.maxBytes on writer and readers");
        }
        return bytes;
    }

    /**
     * Returns the SHA-256 digest of a value's canonical JSON, the address under which the lake stores it.
     *
     * @param value a tree of the supported types
     * @return the digest of {@link #write(Object)}
     * @throws IllegalArgumentException as {@link #write(Object)}
     */
    public static Digest digest(@Nullable Object value) {
        return Digest.of(write(value));
    }

    /**
     * Reads canonical JSON strictly within the {@linkplain JsonLimits#DEFAULT default limits}.
     *
     * @param bytes the document
     * @return the value: an unmodifiable map or list, a string, a long, a boolean or null
     * @throws LakeFormatException if the bytes are not canonical JSON, with the reason, path and offset
     */
    public static @Nullable Object read(byte[] bytes) {
        return read(bytes, JsonLimits.DEFAULT);
    }

    /**
     * Reads canonical JSON strictly.
     *
     * @param bytes the document
     * @param limits the largest document and deepest nesting to accept
     * @return the value: an unmodifiable map or list, a string, a long, a boolean or null
     * @throws LakeFormatException if the bytes are not canonical JSON, with the reason, path and offset
     */
    public static @Nullable Object read(byte[] bytes, JsonLimits limits) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(limits, "limits");
        if (bytes.length > limits.maxBytes()) {
            throw new LakeFormatException(
                    Reason.TOO_LARGE,
                    "$",
                    -1,
                    "",
                    "the document is " + bytes.length + " bytes, more than the limit of " + limits.maxBytes()
                            + "; if it is genuine, read it with larger JsonLimits",
                    null);
        }
        checkEncoding(bytes);
        JsonFactory factory = limits.equals(JsonLimits.DEFAULT) ? DEFAULT_READER : readerFactory(limits);
        Object tree;
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new LakeFormatException(
                        Reason.MALFORMED_JSON, "$", 0, "", "the document holds no JSON value", null);
            }
            tree = readValue(parser, first, JsonPath.ROOT, 0, new Reading(limits.maxDepth()));
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new LakeFormatException(
                        Reason.NON_CANONICAL,
                        "$",
                        offset(parser.currentTokenLocation()),
                        "",
                        "a second JSON value follows the first; a document holds exactly one",
                        null);
            }
        } catch (StreamConstraintsException e) {
            boolean depth = String.valueOf(e.getOriginalMessage()).contains("nesting depth");
            throw new LakeFormatException(
                    depth ? Reason.TOO_DEEP : Reason.TOO_LARGE,
                    "$",
                    offset(e.getLocation()),
                    "",
                    "a limit was exceeded: " + e.getOriginalMessage(),
                    e);
        } catch (JsonProcessingException e) {
            throw new LakeFormatException(
                    Reason.MALFORMED_JSON,
                    "$",
                    offset(e.getLocation()),
                    "",
                    "not valid JSON: " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new LakeFormatException(Reason.MALFORMED_JSON, "$", -1, "", "not valid JSON: " + e, e);
        }
        byte[] canonical = encode(tree, JsonLimits.MAX_DEPTH);
        if (!Arrays.equals(canonical, bytes)) {
            throw nonCanonical(canonical, bytes);
        }
        return tree;
    }

    /**
     * Reads a canonical JSON object strictly within the {@linkplain JsonLimits#DEFAULT default limits}.
     *
     * @param bytes the document
     * @return the object, unmodifiable, its keys in canonical order
     * @throws LakeFormatException if the bytes are not canonical JSON ({@code WRONG_TYPE} if not an object)
     */
    public static Map<String, @Nullable Object> readObject(byte[] bytes) {
        return readObject(bytes, JsonLimits.DEFAULT);
    }

    /**
     * Reads a canonical JSON object strictly.
     *
     * @param bytes the document
     * @param limits the largest document and deepest nesting to accept
     * @return the object, unmodifiable, its keys in canonical order
     * @throws LakeFormatException if the bytes are not canonical JSON ({@code WRONG_TYPE} if not an object)
     */
    @SuppressWarnings("unchecked")
    public static Map<String, @Nullable Object> readObject(byte[] bytes, JsonLimits limits) {
        Object value = read(bytes, limits);
        if (!(value instanceof Map)) {
            throw new LakeFormatException(
                    Reason.WRONG_TYPE, "$", "a record must be a JSON object, got " + describe(value));
        }
        return (Map<String, @Nullable Object>) value;
    }

    /** Names a value's JSON type and an abbreviated value, for messages. */
    static String describe(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "the string " + Quoting.abbreviate(s);
        }
        if (value instanceof Long || value instanceof Boolean) {
            return (value instanceof Long ? "the integer " : "the boolean ") + value;
        }
        if (value instanceof Map<?, ?> m) {
            return "an object with " + m.size() + " fields";
        }
        if (value instanceof List<?> l) {
            return "an array of " + l.size() + " values";
        }
        return "a " + value.getClass().getSimpleName();
    }

    // --- writing ---------------------------------------------------------------------------------------------

    private static byte[] encode(@Nullable Object value, int maxDepth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = WRITER.createGenerator(out, JsonEncoding.UTF8)) {
            writeValue(generator, value, JsonPath.ROOT, 0, maxDepth);
        } catch (IOException e) {
            // every value is checked before Jackson sees it, and the output is memory: nothing should fail here
            throw new MlopsException(
                    "cannot encode canonical JSON in memory: " + e + "; this is a bug in MLOps4J, please report it", e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, @Nullable Object value, JsonPath path, int depth, int maxDepth)
            throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            requireWellFormed(s, path);
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            if (big.bitLength() > 63) {
                throw new IllegalArgumentException("integer at " + path + " is beyond 64 bits (" + big
                        + "); the lake holds integers in [-2^63, 2^63-1]: write it as a string");
            }
            g.writeNumber(big.longValue());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            throw new IllegalArgumentException("floating-point value at " + path + " (" + value
                    + "); hashed lake content holds integers only: scale it to an integer unit (e.g. micro-units as a"
                    + " long) or write it as a string");
        } else if (value instanceof Digest || value instanceof RecordFormat) {
            g.writeString(value.toString());
        } else if (value instanceof RecordWriter record) {
            writeObject(g, record.fieldsToWrite(), path, depth, maxDepth);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(g, map, path, depth, maxDepth);
        } else if (value instanceof List<?> list) {
            if (depth + 1 > maxDepth) {
                throw tooDeep(path, maxDepth);
            }
            g.writeStartArray();
            int i = 0;
            for (Object element : list) {
                writeValue(g, element, path.index(i++), depth + 1, maxDepth);
            }
            g.writeEndArray();
        } else if (value instanceof java.util.Set<?>) {
            throw new IllegalArgumentException("a Set at " + path + " has no defined order; write a sorted List");
        } else {
            throw new IllegalArgumentException("unsupported value at " + path + ": a "
                    + value.getClass().getName() + "; canonical JSON takes Map, List, String, Long, Integer, Boolean,"
                    + " null, Digest, RecordFormat and RecordWriter");
        }
    }

    private static void writeObject(JsonGenerator g, Map<?, ?> map, JsonPath path, int depth, int maxDepth)
            throws IOException {
        if (depth + 1 > maxDepth) {
            throw tooDeep(path, maxDepth);
        }
        String[] keys = new String[map.size()];
        int n = 0;
        for (Object key : map.keySet()) {
            if (!(key instanceof String s)) {
                throw new IllegalArgumentException("object at " + path + " has a "
                        + (key == null ? "null" : key.getClass().getName()) + " key; JSON keys are strings");
            }
            requireWellFormed(s, path.field(s));
            keys[n++] = s;
        }
        Arrays.sort(keys, 0, n, StoreKey::compareUtf8);
        g.writeStartObject();
        for (int i = 0; i < n; i++) {
            g.writeFieldName(keys[i]);
            writeValue(g, map.get(keys[i]), path.field(keys[i]), depth + 1, maxDepth);
        }
        g.writeEndObject();
    }

    private static IllegalArgumentException tooDeep(JsonPath path, int maxDepth) {
        return new IllegalArgumentException("value at " + path + " is nested deeper than " + maxDepth
                + " objects and arrays (is there a cycle?); readers reject it as TOO_DEEP");
    }

    private static void requireWellFormed(String s, JsonPath path) {
        int bad = loneSurrogate(s);
        if (bad >= 0) {
            throw new IllegalArgumentException("string at " + path + " has a lone surrogate U+"
                    + Integer.toHexString(s.charAt(bad)).toUpperCase(java.util.Locale.ROOT) + " at index " + bad
                    + ", which UTF-8 cannot encode: " + Quoting.abbreviate(s));
        }
    }

    /** Returns the index of the first unpaired surrogate, or -1. */
    static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    // --- reading ---------------------------------------------------------------------------------------------

    private static JsonFactory readerFactory(JsonLimits limits) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth() + 1)
                        .maxDocumentLength(limits.maxBytes())
                        .maxStringLength(limits.maxBytes())
                        .maxNameLength(limits.maxBytes())
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // parse leading zeros so that they are reported as NON_CANONICAL, like every other number form
                .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
                .build();
    }

    private static @Nullable Object readValue(JsonParser p, JsonToken token, JsonPath path, int depth, Reading reading)
            throws IOException {
        switch (token) {
            case START_OBJECT:
                return readObject(p, path, depth + 1, reading);
            case START_ARRAY:
                return readArray(p, path, depth + 1, reading);
            case VALUE_STRING:
                String text = p.getText();
                checkUnicode(p, text, path, "string");
                return text;
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new LakeFormatException(
                            Reason.INVALID_VALUE,
                            path.toString(),
                            offset(p.currentTokenLocation()),
                            "",
                            "integer " + Quoting.abbreviate(p.getText())
                                    + " is beyond 64 bits; the lake holds integers in [-2^63, 2^63-1]",
                            null);
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                String number = p.getText();
                boolean fraction = number.indexOf('.') >= 0;
                throw new LakeFormatException(
                        fraction ? Reason.FLOATING_POINT : Reason.NON_CANONICAL,
                        path.toString(),
                        offset(p.currentTokenLocation()),
                        "",
                        (fraction
                                ? "floating-point number " + Quoting.abbreviate(number)
                                        + "; hashed lake content holds integers only"
                                : "number " + Quoting.abbreviate(number)
                                        + " has an exponent; integers are written in plain decimal digits"),
                        null);
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new LakeFormatException(
                        Reason.MALFORMED_JSON,
                        path.toString(),
                        offset(p.currentTokenLocation()),
                        "",
                        "unexpected JSON token " + token,
                        null);
        }
    }

    private static Map<String, @Nullable Object> readObject(JsonParser p, JsonPath path, int depth, Reading reading)
            throws IOException {
        if (depth > reading.maxDepth) {
            throw tooDeep(p, path, reading.maxDepth);
        }
        List<String> keys = new ArrayList<>();
        List<@Nullable Object> values = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String previous = null;
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = reading.key(p.currentName());
            JsonPath child = path.field(key);
            checkUnicode(p, key, child, "key");
            if (!seen.add(key)) {
                throw new LakeFormatException(
                        Reason.DUPLICATE_KEY,
                        child.toString(),
                        offset(p.currentTokenLocation()),
                        "",
                        "key " + Quoting.abbreviate(key) + " appears twice in one object",
                        null);
            }
            if (previous != null && StoreKey.compareUtf8(previous, key) > 0) {
                throw new LakeFormatException(
                        Reason.UNSORTED_KEYS,
                        child.toString(),
                        offset(p.currentTokenLocation()),
                        "",
                        "key " + Quoting.abbreviate(key) + " follows "
                                + Quoting.abbreviate(previous)
                                + "; keys must ascend by their UTF-8 bytes",
                        null);
            }
            JsonToken valueToken = p.nextToken();
            if (valueToken == null) {
                throw endOfInput(p, child);
            }
            keys.add(key);
            values.add(readValue(p, valueToken, child, depth, reading));
            previous = key;
        }
        if (token != JsonToken.END_OBJECT) {
            throw endOfInput(p, path);
        }
        return SortedArrayMap.of(keys.toArray(new String[0]), values.toArray());
    }

    private static List<@Nullable Object> readArray(JsonParser p, JsonPath path, int depth, Reading reading)
            throws IOException {
        if (depth > reading.maxDepth) {
            throw tooDeep(p, path, reading.maxDepth);
        }
        List<@Nullable Object> list = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw endOfInput(p, path);
            }
            list.add(readValue(p, token, path.index(list.size()), depth, reading));
        }
        // compact lists: a hostile document of many small arrays must not cost an ArrayList and a wrapper each
        return list.contains(null) ? new NullableArrayList(list.toArray()) : List.copyOf(list);
    }

    /** An unmodifiable list over an exact-size array that may hold nulls (which {@link List#copyOf} refuses). */
    private static final class NullableArrayList extends AbstractList<@Nullable Object> implements RandomAccess {
        private final @Nullable Object[] elements;

        NullableArrayList(@Nullable Object[] elements) {
            this.elements = elements;
        }

        @Override
        public @Nullable Object get(int index) {
            return elements[index];
        }

        @Override
        public int size() {
            return elements.length;
        }
    }

    /** The state of one read: its depth limit and the keys seen so far, shared so each distinct key is one String. */
    private static final class Reading {
        final int maxDepth;
        private final Map<String, String> keys = new HashMap<>();

        Reading(int maxDepth) {
            this.maxDepth = maxDepth;
        }

        String key(String key) {
            String known = keys.putIfAbsent(key, key);
            return known != null ? known : key;
        }
    }

    private static LakeFormatException tooDeep(JsonParser p, JsonPath path, int maxDepth) {
        return new LakeFormatException(
                Reason.TOO_DEEP,
                path.toString(),
                offset(p.currentTokenLocation()),
                "",
                "objects and arrays are nested deeper than the limit of " + maxDepth,
                null);
    }

    private static LakeFormatException endOfInput(JsonParser p, JsonPath path) {
        return new LakeFormatException(
                Reason.MALFORMED_JSON,
                path.toString(),
                offset(p.currentLocation()),
                "",
                "the document ends inside a value",
                null);
    }

    private static void checkUnicode(JsonParser p, String s, JsonPath path, String what) {
        int bad = loneSurrogate(s);
        if (bad >= 0) {
            throw new LakeFormatException(
                    Reason.INVALID_UTF8,
                    path.toString(),
                    offset(p.currentTokenLocation()),
                    "",
                    what + " " + Quoting.abbreviate(s) + " has an escaped lone surrogate U+"
                            + Integer.toHexString(s.charAt(bad)).toUpperCase(java.util.Locale.ROOT)
                            + ", which is not Unicode text",
                    null);
        }
    }

    private static long offset(@Nullable JsonLocation location) {
        return location == null ? -1 : location.getByteOffset();
    }

    /**
     * Rejects a byte order mark, invalid UTF-8 (overlong forms, surrogates, code points above U+10FFFF, truncated
     * sequences) and NUL bytes at the start, where they mark UTF-16 or UTF-32 (which Jackson would otherwise detect).
     */
    private static void checkEncoding(byte[] b) {
        int n = b.length;
        if (n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            throw new LakeFormatException(
                    Reason.INVALID_UTF8,
                    "$",
                    0,
                    "",
                    "the document starts with a UTF-8 byte order mark; the lake format forbids it",
                    null);
        }
        for (int i = 0; i < Math.min(4, n); i++) {
            if (b[i] == 0) {
                throw new LakeFormatException(
                        Reason.MALFORMED_JSON,
                        "$",
                        i,
                        "",
                        "a NUL byte at the start: the document looks like UTF-16 or UTF-32, and the lake format is"
                                + " UTF-8",
                        null);
            }
        }
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int length;
            int low = 0x80;
            int high = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                length = 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                length = 3;
                if (c == 0xE0) {
                    low = 0xA0;
                } else if (c == 0xED) {
                    high = 0x9F;
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                length = 4;
                if (c == 0xF0) {
                    low = 0x90;
                } else if (c == 0xF4) {
                    high = 0x8F;
                }
            } else {
                throw invalidUtf8(b, i);
            }
            if (i + length > n) {
                throw invalidUtf8(b, i);
            }
            int second = b[i + 1] & 0xff;
            if (second < low || second > high) {
                throw invalidUtf8(b, i);
            }
            for (int k = 2; k < length; k++) {
                int next = b[i + k] & 0xff;
                if (next < 0x80 || next > 0xBF) {
                    throw invalidUtf8(b, i);
                }
            }
            i += length;
        }
    }

    private static LakeFormatException invalidUtf8(byte[] b, int i) {
        StringBuilder hex = new StringBuilder();
        for (int k = i; k < Math.min(b.length, i + 4); k++) {
            hex.append(String.format(java.util.Locale.ROOT, "%02X ", b[k] & 0xff));
        }
        return new LakeFormatException(
                Reason.INVALID_UTF8,
                "$",
                i,
                "",
                "invalid UTF-8 sequence starting " + hex.toString().trim()
                        + " (overlong, surrogate, above U+10FFFF, truncated or a stray byte); the lake is UTF-8 text",
                null);
    }

    private static LakeFormatException nonCanonical(byte[] canonical, byte[] input) {
        int i = Arrays.mismatch(canonical, input);
        int b = i < input.length ? input[i] & 0xff : -1;
        String hint;
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
            hint = "insignificant whitespace";
        } else if (b == '\\') {
            hint = "an escape the canonical form does not use (it escapes only '\"', '\\' and control characters,"
                    + " as \\b \\t \\n \\f \\r or \\u00XX with upper-case hex; all else is raw UTF-8)";
        } else if (b == '-' || (b >= '0' && b <= '9')) {
            hint = "a number form other than plain decimal (a leading zero or -0)";
        } else {
            hint = "bytes that differ from the canonical encoding";
        }
        return new LakeFormatException(
                Reason.NON_CANONICAL,
                "$",
                i,
                "",
                hint + ": expected " + snippet(canonical, i) + ", got " + snippet(input, i)
                        + "; rewrite the record with a canonical JSON writer (docs/lake-format.md)",
                null);
    }

    private static String snippet(byte[] bytes, int at) {
        int from = Math.max(0, at - 10);
        int to = Math.min(bytes.length, at + 20);
        return Quoting.abbreviate(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    }
}
