package org.mlops4j.serving;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Reads scoring request bodies into rows (one map of column to value per row; a value is a finite number, a string or
 * a boolean). Two shapes are read:
 *
 * <ul>
 *   <li>the native one, {@code {"rows":[{"x":1.5,"city":"Oslo"}, …]}}, where {@code null} is refused (omit a missing
 *       value);
 *   <li>MLflow's scoring formats, exactly one of {@code dataframe_split} ({@code {"columns":[…],"data":[[…],…]}}),
 *       {@code dataframe_records} ({@code [{…},…]}), {@code instances} or {@code inputs} (a list of row objects, an
 *       object of equal-length column lists, or an object of single values for one row), where {@code null} is a
 *       missing value as pandas reads it and the column is left out of the row. Tensors without column names (lists
 *       of lists) are refused: the models served here read named columns.
 * </ul>
 *
 * <p>Both refuse what JSON parsers disagree on — a key repeated in one object, trailing data after the value — and
 * numbers beyond a double's range. A refusal is an {@link IllegalArgumentException} whose message says what was wrong
 * and what to send, for a 400 answer; it repeats at most {@link Echo#MAX_CHARS} characters of any key. Thread-safe.
 */
final class ScoringRequests {
    /** The four input fields of MLflow's scoring server, in its documentation's order. */
    static final List<String> MLFLOW_FIELDS = List.of("dataframe_split", "dataframe_records", "instances", "inputs");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final String NATIVE_SHAPE = "{\"rows\":[{\"column\":value, …}]}";
    private static final String MLFLOW_SHAPE = "exactly one of \"dataframe_split\", \"dataframe_records\","
            + " \"instances\" or \"inputs\", e.g. {\"dataframe_split\":{\"columns\":[\"x\"],\"data\":[[1.5]]}}";
    private static final String NAMED_COLUMNS = "the models served here read named columns: send rows as objects"
            + " ({\"inputs\":[{\"x\":1.5}]}), columns as an object of lists ({\"inputs\":{\"x\":[1.5]}}) or"
            + " \"dataframe_split\" with \"columns\"";

    private ScoringRequests() {}

    /**
     * Reads a native scoring request.
     *
     * @param body {@code {"rows":[{"column": value, …}, …]}}
     * @return one map per row
     * @throws IllegalArgumentException saying what is wrong with the body, for a 400 answer
     */
    static List<Map<String, Object>> rows(byte[] body) {
        JsonNode root = read(body, NATIVE_SHAPE);
        if (!root.isObject() || !root.path("rows").isArray()) {
            throw new IllegalArgumentException(
                    "the request body must be a JSON object with a \"rows\" array: " + NATIVE_SHAPE);
        }
        return records(root.get("rows"), i -> "row " + i, false);
    }

    /**
     * Reads a request in one of MLflow's scoring formats.
     *
     * @param body a JSON object with exactly one of {@link #MLFLOW_FIELDS} (and, optionally, empty {@code params})
     * @return one map per row
     * @throws IllegalArgumentException saying what is wrong with the body, for a 400 answer
     */
    static List<Map<String, Object>> invocation(byte[] body) {
        JsonNode root = read(body, MLFLOW_SHAPE);
        if (!root.isObject()) {
            throw new IllegalArgumentException(
                    "the request body is a JSON " + type(root) + "; send a JSON object" + " with " + MLFLOW_SHAPE);
        }
        String format = null;
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (MLFLOW_FIELDS.contains(name)) {
                if (format != null) {
                    throw new IllegalArgumentException(
                            "the request body has both \"" + format + "\" and \"" + name + "\"; send " + MLFLOW_SHAPE);
                }
                format = name;
            } else if (name.equals("params")) {
                JsonNode params = field.getValue();
                if (!params.isNull() && !(params.isObject() && params.isEmpty())) {
                    throw new IllegalArgumentException("\"params\" are not supported: the models served here take no"
                            + " inference parameters; leave \"params\" out");
                }
            } else {
                throw new IllegalArgumentException(
                        "the request body has an unknown field \"" + Echo.of(name) + "\"; send " + MLFLOW_SHAPE);
            }
        }
        if (format == null) {
            throw new IllegalArgumentException("the request body has no input field; send " + MLFLOW_SHAPE);
        }
        JsonNode input = root.get(format);
        switch (format) {
            case "dataframe_split":
                return split(input);
            case "dataframe_records":
                if (!input.isArray()) {
                    throw new IllegalArgumentException("\"dataframe_records\" is a JSON " + type(input)
                            + "; send a list of row objects: {\"dataframe_records\":[{\"x\":1.5}]}");
                }
                return records(input, i -> "dataframe_records[" + i + "]", true);
            default:
                return tensorInput(format, input);
        }
    }

    private static JsonNode read(byte[] body, String shape) {
        try {
            JsonNode root = JSON.readTree(body);
            return root == null ? JSON.missingNode() : root;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the request body is not valid JSON ("
                    + Echo.of(String.valueOf(e.getOriginalMessage()), 300) + "); send " + shape);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the request body cannot be read as JSON (" + e.getClass().getSimpleName() + "); send " + shape);
        }
    }

    /** Rows given as a JSON array of objects. */
    private static List<Map<String, Object>> records(JsonNode array, IntFunction<String> where, boolean nullIsMissing) {
        List<Map<String, Object>> rows = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode row = array.get(i);
            if (!row.isObject()) {
                throw new IllegalArgumentException(
                        where.apply(i) + " is a JSON " + type(row) + "; each row is an object of column to value");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : row.properties()) {
                put(values, field.getKey(), field.getValue(), where.apply(i), nullIsMissing);
            }
            rows.add(values);
        }
        return rows;
    }

    /** {@code {"columns":[…],"data":[[…],…],"index":[…]}}, pandas' "split" orientation. */
    private static List<Map<String, Object>> split(JsonNode input) {
        if (!input.isObject()) {
            throw new IllegalArgumentException("\"dataframe_split\" is a JSON " + type(input)
                    + "; send {\"dataframe_split\":{\"columns\":[\"x\"],\"data\":[[1.5]]}}");
        }
        for (Map.Entry<String, JsonNode> field : input.properties()) {
            String name = field.getKey();
            if (!name.equals("columns") && !name.equals("data") && !name.equals("index")) {
                throw new IllegalArgumentException("\"dataframe_split\" has an unknown field \"" + Echo.of(name)
                        + "\"; it takes \"columns\", \"data\" and, optionally, \"index\"");
            }
        }
        JsonNode columns = input.get("columns");
        if (columns == null || !columns.isArray()) {
            throw new IllegalArgumentException("\"dataframe_split\" has no \"columns\" list; " + NAMED_COLUMNS);
        }
        List<String> names = new ArrayList<>(columns.size());
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < columns.size(); c++) {
            JsonNode column = columns.get(c);
            if (!column.isTextual()) {
                throw new IllegalArgumentException(
                        "dataframe_split.columns[" + c + "] is a JSON " + type(column) + "; column names are strings");
            }
            if (!seen.add(column.textValue())) {
                throw new IllegalArgumentException(
                        "dataframe_split.columns names '" + Echo.of(column.textValue()) + "' twice; each column once");
            }
            names.add(column.textValue());
        }
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw new IllegalArgumentException("\"dataframe_split\" has no \"data\" list of rows; send"
                    + " \"data\":[[value, …], …] with one value per column");
        }
        JsonNode index = input.get("index");
        if (index != null && (!index.isArray() || index.size() != data.size())) {
            throw new IllegalArgumentException("dataframe_split.index must be a list with one entry per row of"
                    + " \"data\" (" + data.size() + "), or left out");
        }
        List<Map<String, Object>> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            JsonNode row = data.get(i);
            String where = "dataframe_split.data[" + i + "]";
            if (!row.isArray() || row.size() != names.size()) {
                throw new IllegalArgumentException(where + " is "
                        + (row.isArray() ? "a list of " + row.size() + " values" : "a JSON " + type(row)) + "; each"
                        + " row is a list of " + names.size() + " values, one per column");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (int c = 0; c < names.size(); c++) {
                put(values, names.get(c), row.get(c), where, true);
            }
            rows.add(values);
        }
        return rows;
    }

    /** {@code instances} or {@code inputs}: TF-serving's row and column formats, with named columns. */
    private static List<Map<String, Object>> tensorInput(String format, JsonNode input) {
        if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isObject()) {
                    throw new IllegalArgumentException(format + "[" + i + "] is a JSON " + type(input.get(i))
                            + ", a tensor without column names; " + NAMED_COLUMNS);
                }
            }
            return records(input, i -> format + "[" + i + "]", true);
        }
        if (!input.isObject() || input.isEmpty()) {
            throw new IllegalArgumentException("\"" + format + "\" is "
                    + (input.isObject() ? "an empty object" : "a JSON " + type(input))
                    + "; send a list of row objects or an object of columns; " + NAMED_COLUMNS);
        }
        int lists = 0;
        int length = -1;
        for (Map.Entry<String, JsonNode> column : input.properties()) {
            if (column.getValue().isArray()) {
                lists++;
                if (length >= 0 && column.getValue().size() != length) {
                    throw new IllegalArgumentException(format + " column '" + Echo.of(column.getKey()) + "' has "
                            + column.getValue().size() + " values and another one " + length
                            + "; give every column the same number of values, one per row");
                }
                length = column.getValue().size();
            }
        }
        if (lists == 0) { // one value per column: a single row, as MLflow reads a dict of scalars
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> column : input.properties()) {
                put(values, column.getKey(), column.getValue(), format, true);
            }
            return List.of(values);
        }
        if (lists != input.size()) {
            throw new IllegalArgumentException(format + " mixes columns of lists and columns of single values; give"
                    + " every column a list of values (one per row), or every column one value (one row)");
        }
        List<Map<String, Object>> rows = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> column : input.properties()) {
                put(values, column.getKey(), column.getValue().get(i), format + " row " + i, true);
            }
            rows.add(values);
        }
        return rows;
    }

    private static void put(
            Map<String, Object> row, String column, JsonNode value, String where, boolean nullIsMissing) {
        Object read = value(value, where, column, nullIsMissing);
        if (read != null) {
            row.put(column, read);
        }
    }

    private static @Nullable Object value(JsonNode value, String where, String column, boolean nullIsMissing) {
        if (value.isNumber()) {
            if (!Double.isFinite(value.doubleValue())) {
                throw new IllegalArgumentException(where + " column '" + Echo.of(column) + "' is a number beyond the"
                        + " range of a double; send a finite number");
            }
            return value.numberValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNull() && nullIsMissing) {
            return null;
        }
        throw new IllegalArgumentException(where + " column '" + Echo.of(column) + "' is a JSON " + type(value)
                + "; values are numbers, strings or booleans (omit a missing value)");
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
