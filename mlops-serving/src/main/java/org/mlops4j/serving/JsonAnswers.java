package org.mlops4j.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes the server's JSON answers. It writes what JSON can carry — finite numbers, strings, booleans, {@code null},
 * lists and maps with string keys — and refuses anything else with {@link NotJsonException} rather than invent an
 * encoding: Jackson's default writes a NaN as the string {@code "NaN"}, which a client reads as a valid prediction.
 * Thread-safe (stateless).
 */
final class JsonAnswers {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    /** Deeper predictions are refused: a cycle in a model's output would otherwise overflow the stack. */
    private static final int MAX_DEPTH = 64;

    private JsonAnswers() {}

    /**
     * Writes {@code {"predictions": […]}}.
     *
     * @param predictions one prediction per row
     * @return the UTF-8 body
     * @throws NotJsonException naming the first prediction JSON cannot carry (a NaN, an infinity, an object)
     */
    static byte[] predictions(List<?> predictions) {
        return write(Map.of("predictions", predictions), 32 + 12 * predictions.size());
    }

    /**
     * Writes a map of plain values (a health answer, an error).
     *
     * @param body the fields, in the map's order
     * @return the UTF-8 body
     * @throws NotJsonException if a value has no JSON form
     */
    static byte[] object(Map<String, ?> body) {
        return write(body, 128);
    }

    private static byte[] write(Object value, int sizeHint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            value(json, value, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON into memory failed", e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void value(JsonGenerator json, @Nullable Object value, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new NotJsonException("", "is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            json.writeNull();
        } else if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Boolean flag) {
            json.writeBoolean(flag);
        } else if (value instanceof Number number) {
            number(json, number);
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new NotJsonException("", "is a map with a key of type " + typeOf(entry.getKey()));
                }
                json.writeFieldName(key);
                try {
                    value(json, entry.getValue(), depth + 1);
                } catch (NotJsonException e) {
                    throw e.within("." + Echo.of(key));
                }
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (int i = 0; i < list.size(); i++) {
                element(json, list.get(i), depth, i);
            }
            json.writeEndArray();
        } else if (value instanceof double[] doubles) {
            json.writeStartArray();
            for (int i = 0; i < doubles.length; i++) {
                element(json, doubles[i], depth, i);
            }
            json.writeEndArray();
        } else if (value instanceof float[] floats) {
            json.writeStartArray();
            for (int i = 0; i < floats.length; i++) {
                element(json, floats[i], depth, i);
            }
            json.writeEndArray();
        } else if (value instanceof long[] longs) {
            json.writeArray(longs, 0, longs.length);
        } else if (value instanceof int[] ints) {
            json.writeArray(ints, 0, ints.length);
        } else if (value instanceof Object[] objects) {
            json.writeStartArray();
            for (int i = 0; i < objects.length; i++) {
                element(json, objects[i], depth, i);
            }
            json.writeEndArray();
        } else {
            throw new NotJsonException("", "is a " + typeOf(value) + ", which has no JSON form");
        }
    }

    private static void element(JsonGenerator json, @Nullable Object value, int depth, int index) throws IOException {
        try {
            value(json, value, depth + 1);
        } catch (NotJsonException e) {
            throw e.within("[" + index + "]");
        }
    }

    private static void number(JsonGenerator json, Number number) throws IOException {
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (!Double.isFinite(d)) {
                throw new NotJsonException("", "is " + d + ", which JSON cannot carry");
            }
            if (number instanceof Float f) {
                json.writeNumber(f.floatValue());
            } else {
                json.writeNumber(d);
            }
        } else if (number instanceof Integer
                || number instanceof Long
                || number instanceof Short
                || number instanceof Byte) {
            json.writeNumber(number.longValue());
        } else if (number instanceof BigInteger big) {
            json.writeNumber(big);
        } else if (number instanceof BigDecimal decimal) {
            json.writeNumber(decimal);
        } else {
            throw new NotJsonException("", "is a " + typeOf(number) + ", which has no JSON form");
        }
    }

    private static String typeOf(@Nullable Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    /** A value JSON cannot carry; the message names where it is, e.g. {@code [3] is NaN, which JSON cannot carry}. */
    static final class NotJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final String problem;

        NotJsonException(String path, String problem) {
            super(path + " " + problem, null, false, false);
            this.path = path;
            this.problem = problem;
        }

        NotJsonException within(String outer) {
            return new NotJsonException(outer + path, problem);
        }

        /**
         * Returns where the value is, relative to the written root ({@code .predictions[3]}).
         *
         * @return the path
         */
        String path() {
            return path;
        }

        /**
         * Returns what is wrong with it.
         *
         * @return the problem
         */
        String problem() {
            return problem;
        }
    }
}
