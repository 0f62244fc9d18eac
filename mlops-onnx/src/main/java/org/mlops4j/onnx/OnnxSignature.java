package org.mlops4j.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How rows of named columns become an ONNX model's input tensor, and how its output reads: the {@code signature.json}
 * that sits next to {@code model.onnx} in an ONNX model version's artifacts.
 *
 * <p>The format ({@value #FORMAT}):
 *
 * <pre>{@code
 * {
 *   "format": "mlops4j-onnx-signature/1",
 *   "columns": [ {"name": "tenure_months", "type": "number"}, {"name": "contract", "type": "string"} ],
 *   "input": "input",
 *   "features": [
 *     {"column": "contract", "equals": "monthly"},
 *     {"column": "tenure_months", "offset": 30.0, "scale": 20.0}
 *   ],
 *   "output": "output",
 *   "labels": ["no", "yes"]
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code columns}: the row's input columns in order, each {@code number} or {@code string};
 *   <li>{@code input}: the name of the model's one input, a {@code [rows, features]} float or double tensor;
 *   <li>{@code features}: the tensor's columns in order. A feature of a {@code number} column is
 *       {@code (value - offset) / scale} (offset 0 and scale 1 when left out); a feature of a {@code string} column is
 *       one-hot: 1 when the value {@code equals} the given one, else 0 (so a category never seen in training is all
 *       zeros, as in training);
 *   <li>{@code output}: the name of the output to read, a {@code [rows, k]} tensor;
 *   <li>{@code labels} (optional): the class of each of the {@code k} output columns. With labels a row's answer is
 *       {@code {"label": <best class>, "scores": {<class>: <score>, …}}}; without, it is the list of the {@code k}
 *       numbers (a single number when {@code k} is 1).
 * </ul>
 *
 * <p>Immutable and thread-safe. Built by learners with {@link #builder()}, read by {@link OnnxModelLoader} with
 * {@link #parse(String)}. Example:
 *
 * <pre>{@code
 * OnnxSignature signature = OnnxSignature.builder()
 *         .numberColumn("tenure_months").stringColumn("contract")
 *         .input("input").oneHot("contract", "monthly").number("tenure_months", 30.0, 20.0)
 *         .output("output").labels(List.of("no", "yes"))
 *         .build();
 * Files.writeString(dir.resolve(OnnxModelLoader.SIGNATURE_FILE), signature.toJson());
 * }</pre>
 */
public final class OnnxSignature {
    /** The value of the {@code format} field this version reads and writes. */
    public static final String FORMAT = "mlops4j-onnx-signature/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ColumnType> columns;
    private final String input;
    private final List<Feature> features;
    private final String output;
    private final List<String> labels;

    private OnnxSignature(Builder b) {
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(b.columns));
        this.input = Objects.requireNonNull(b.input, "input");
        this.features = List.copyOf(b.features);
        this.output = Objects.requireNonNull(b.output, "output");
        this.labels = List.copyOf(b.labels);
    }

    /** The type of an input column. */
    public enum ColumnType {
        /** A JSON number: feeds numeric features. */
        NUMBER,
        /** A JSON string: feeds one-hot features. */
        STRING
    }

    /**
     * One column of the input tensor.
     *
     * @param column the input column it is computed from
     * @param category for a one-hot feature of a string column, the value that gives 1 (the JSON field
     *     {@code equals}); null for a numeric feature
     * @param offset subtracted from a numeric value
     * @param scale a numeric value is divided by it (after the offset); not zero
     */
    public record Feature(String column, @Nullable String category, double offset, double scale) {
        /**
         * Validates the feature.
         *
         * @throws IllegalArgumentException if the scale is zero or not finite, or the offset is not finite
         */
        public Feature {
            Objects.requireNonNull(column, "column");
            if (!Double.isFinite(offset) || !Double.isFinite(scale) || scale == 0) {
                throw new IllegalArgumentException("feature of column '" + column
                        + "' needs a finite offset and a finite, non-zero scale, got offset " + offset + " and scale "
                        + scale);
            }
            offset += 0.0; // -0.0 becomes 0.0, so that a signature equals itself after a round trip through JSON
        }

        /** Returns whether this is a one-hot feature of a string column. */
        public boolean isOneHot() {
            return category != null;
        }
    }

    /** Returns a builder; see the class comment for an example. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a signature.
     *
     * @param json the {@code signature.json} text
     * @return the signature
     * @throws IllegalArgumentException if the text is not a signature of format {@value #FORMAT}; the message says
     *     which field is wrong
     */
    public static OnnxSignature parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("signature is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("signature must be a JSON object");
        }
        String format = text(root, "format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(
                    "signature format '" + format + "' is not supported; this version reads '" + FORMAT + "'");
        }
        Builder b = builder();
        for (JsonNode column : array(root, "columns")) {
            String name = text(column, "name");
            String type = text(column, "type");
            switch (type) {
                case "number" -> b.numberColumn(name);
                case "string" -> b.stringColumn(name);
                default ->
                    throw new IllegalArgumentException(
                            "column '" + name + "' has type '" + type + "'; use 'number' or 'string'");
            }
        }
        b.input(text(root, "input"));
        for (JsonNode feature : array(root, "features")) {
            String column = text(feature, "column");
            JsonNode equals = feature.get("equals");
            if (equals != null) {
                if (!equals.isTextual()) {
                    throw new IllegalArgumentException("feature of column '" + column + "': 'equals' must be a string");
                }
                b.oneHot(column, equals.asText());
            } else {
                b.number(column, number(feature, "offset", 0.0), number(feature, "scale", 1.0));
            }
        }
        b.output(text(root, "output"));
        if (b.features.isEmpty()) {
            throw new IllegalArgumentException("signature field 'features' must list at least one feature");
        }
        JsonNode labels = root.get("labels");
        if (labels != null) {
            List<String> names = new ArrayList<>();
            for (JsonNode label : array(root, "labels")) {
                if (!label.isTextual()) {
                    throw new IllegalArgumentException("'labels' must be strings, got " + label);
                }
                names.add(label.asText());
            }
            b.labels(names);
        }
        return b.build();
    }

    /** Returns the input columns in order, with their types. */
    public Map<String, ColumnType> getColumns() {
        return columns;
    }

    /** Returns the name of the model's input tensor. */
    public String getInput() {
        return input;
    }

    /** Returns the input tensor's columns, in order. */
    public List<Feature> getFeatures() {
        return features;
    }

    /** Returns the name of the output tensor to read. */
    public String getOutput() {
        return output;
    }

    /** Returns the class of each output column, or an empty list if the output is read as plain numbers. */
    public List<String> getLabels() {
        return labels;
    }

    /**
     * Finds a column's type.
     *
     * @param column the column's name
     * @return its type, or empty if the signature has no such column
     */
    public Optional<ColumnType> findColumn(String column) {
        return Optional.ofNullable(columns.get(column));
    }

    /** Returns the signature as {@code signature.json} text (pretty-printed, fields in the documented order). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode cols = root.putArray("columns");
        columns.forEach((name, type) ->
                cols.addObject().put("name", name).put("type", type == ColumnType.NUMBER ? "number" : "string"));
        root.put("input", input);
        ArrayNode feats = root.putArray("features");
        for (Feature f : features) {
            ObjectNode node = feats.addObject().put("column", f.column());
            if (f.isOneHot()) {
                node.put("equals", f.category());
            } else {
                if (f.offset() != 0) {
                    node.put("offset", f.offset());
                }
                if (f.scale() != 1) {
                    node.put("scale", f.scale());
                }
            }
        }
        root.put("output", output);
        if (!labels.isEmpty()) {
            ArrayNode names = root.putArray("labels");
            labels.forEach(names::add);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a signature: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "OnnxSignature{columns=" + columns + ", input=" + input + "[" + features.size() + "], output=" + output
                + (labels.isEmpty() ? "" : " labels=" + labels) + "}";
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof OnnxSignature s
                && columns.equals(s.columns)
                && input.equals(s.input)
                && features.equals(s.features)
                && output.equals(s.output)
                && labels.equals(s.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns, input, features, output, labels);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("signature field '" + field + "' must be a string, got " + value);
        }
        return value.asText();
    }

    private static double number(JsonNode node, String field, double otherwise) {
        JsonNode value = node.get(field);
        if (value == null) {
            return otherwise;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException("signature field '" + field + "' must be a number, got " + value);
        }
        return value.asDouble();
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("signature field '" + field + "' must be an array, got " + value);
        }
        return value::elements;
    }

    /**
     * Builds an {@link OnnxSignature}. Not thread-safe. Columns must be declared before the features that use them.
     */
    public static final class Builder {
        private final Map<String, ColumnType> columns = new LinkedHashMap<>();
        private final List<Feature> features = new ArrayList<>();
        private final List<String> labels = new ArrayList<>();
        private @Nullable String input;
        private @Nullable String output;

        private Builder() {}

        /**
         * Declares a numeric input column.
         *
         * @param name the column's name
         * @return this builder
         * @throws IllegalArgumentException if the column is already declared
         */
        @CanIgnoreReturnValue
        public Builder numberColumn(String name) {
            return column(name, ColumnType.NUMBER);
        }

        /**
         * Declares a string (categorical) input column.
         *
         * @param name the column's name
         * @return this builder
         * @throws IllegalArgumentException if the column is already declared
         */
        @CanIgnoreReturnValue
        public Builder stringColumn(String name) {
            return column(name, ColumnType.STRING);
        }

        private Builder column(String name, ColumnType type) {
            Objects.requireNonNull(name, "name");
            if (columns.putIfAbsent(name, type) != null) {
                throw new IllegalArgumentException("column '" + name + "' is declared twice");
            }
            return this;
        }

        /**
         * Names the model's input tensor.
         *
         * @param name the tensor's name
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder input(String name) {
            this.input = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Appends a numeric feature: {@code (value - offset) / scale}.
         *
         * @param column a declared number column
         * @param offset subtracted first
         * @param scale divided by next; not zero
         * @return this builder
         * @throws IllegalArgumentException if the column is not a declared number column, or the scale is zero
         */
        @CanIgnoreReturnValue
        public Builder number(String column, double offset, double scale) {
            requireColumn(column, ColumnType.NUMBER);
            features.add(new Feature(column, null, offset, scale));
            return this;
        }

        /**
         * Appends a one-hot feature: 1 when the string column equals the value, else 0.
         *
         * @param column a declared string column
         * @param value the value that gives 1
         * @return this builder
         * @throws IllegalArgumentException if the column is not a declared string column
         */
        @CanIgnoreReturnValue
        public Builder oneHot(String column, String value) {
            requireColumn(column, ColumnType.STRING);
            features.add(new Feature(column, Objects.requireNonNull(value, "value"), 0, 1));
            return this;
        }

        /**
         * Names the output tensor to read.
         *
         * @param name the tensor's name
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder output(String name) {
            this.output = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the class of each output column, in order.
         *
         * @param names the classes, distinct
         * @return this builder
         * @throws IllegalArgumentException if a class is repeated
         */
        @CanIgnoreReturnValue
        public Builder labels(List<String> names) {
            if (names.stream().distinct().count() != names.size()) {
                throw new IllegalArgumentException("labels must be distinct, got " + names);
            }
            labels.clear();
            labels.addAll(names);
            return this;
        }

        private void requireColumn(String column, ColumnType type) {
            ColumnType declared = columns.get(Objects.requireNonNull(column, "column"));
            if (declared != type) {
                throw new IllegalArgumentException(
                        "feature needs a declared " + type.name().toLowerCase(Locale.ROOT) + " column '" + column
                                + "', but the columns are " + columns);
            }
        }

        /**
         * Builds the signature.
         *
         * @return the signature
         * @throws IllegalStateException if the input or output is not named, or there are no features
         */
        public OnnxSignature build() {
            if (input == null || output == null) {
                throw new IllegalStateException("a signature needs input(...) and output(...)");
            }
            if (features.isEmpty()) {
                throw new IllegalStateException("a signature needs at least one feature");
            }
            return new OnnxSignature(this);
        }
    }
}
