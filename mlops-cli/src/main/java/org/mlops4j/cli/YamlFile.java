package org.mlops4j.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML file of the command line's schemas (policies, rollouts: docs/cli.md), read as a node tree that keeps each
 * node's line and column, with the checks every schema needs: known and unique keys, numbers, names, the
 * {@code version: 1} header. Every problem is a {@link YamlFileException} naming the file, line and column.
 */
final class YamlFile {
    final String file;

    private YamlFile(String file) {
        this.file = file;
    }

    /**
     * Reads a file with a schema's reader.
     *
     * @param path the file
     * @param option the option that named it, for the message when it cannot be read
     * @param schema reads the document's root node
     * @return what the schema made of it
     * @throws YamlFileException if the file is not valid YAML or breaks the schema
     * @throws CliException if the file cannot be read
     */
    static <T> T read(Path path, String option, Function<Document, T> schema) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return schema.apply(new YamlFile(path.toString()).document(reader));
        } catch (IOException e) {
            throw new CliException(
                    "cannot read " + path + ": " + e.getMessage() + "; check the path given to " + option);
        }
    }

    /** Reads text with a schema's reader; errors name the text {@code name}. */
    static <T> T parse(String name, String text, Function<Document, T> schema) {
        return schema.apply(new YamlFile(name).document(new java.io.StringReader(text)));
    }

    /** A parsed file: its root node and the file the errors name. */
    record Document(YamlFile yaml, Node root) {}

    private Document document(Reader reader) {
        Optional<Node> document;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).build();
            document = new Compose(settings).composeReader(reader);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            throw new YamlFileException(
                    file,
                    mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1),
                    "not valid YAML (check the indentation, quotes and brackets): " + e.getProblem(),
                    e);
        } catch (YamlEngineException e) {
            throw new YamlFileException(file, 1, 1, "not valid YAML: " + e.getMessage(), e);
        }
        if (document.isEmpty()) {
            throw new YamlFileException(file, 1, 1, "the file is empty; it starts with 'version: 1'");
        }
        return new Document(this, document.get());
    }

    /**
     * The root mapping's keys, after checking its {@code version: 1}.
     *
     * @param root the root node
     * @param allowed the keys the schema allows at the top, {@code version} among them
     * @param what what the file holds, for messages ({@code the policy})
     * @return the keys, in file order
     */
    Map<String, NodeTuple> top(Node root, Set<String> allowed, String what) {
        Map<String, NodeTuple> top = mapping(root, allowed, what);
        NodeTuple version = top.get("version");
        if (version == null) {
            throw error(root, "missing 'version: 1' at the top of " + what);
        }
        long number = integer(version.getValueNode(), "version");
        if (number != 1) {
            throw error(version.getValueNode(), "this mlops4j reads version 1 of " + what + ", not " + number);
        }
        return top;
    }

    /** The keys of a mapping, in file order; unknown and duplicate keys are errors. */
    Map<String, NodeTuple> mapping(Node node, Set<String> allowed, String what) {
        if (!(node instanceof MappingNode map)) {
            throw error(node, what + " must be a mapping (key: value lines)");
        }
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            String key = scalarText(tuple.getKeyNode());
            if (!allowed.contains(key)) {
                throw error(
                        tuple.getKeyNode(),
                        "unknown key '" + key + "' in " + what + "; expected one of " + sorted(allowed));
            }
            Node before = seen.put(key, tuple.getKeyNode());
            if (before != null) {
                throw error(
                        tuple.getKeyNode(),
                        "duplicate key '" + key + "' in " + what + " (first at line " + line(before) + ")");
            }
            keys.put(key, tuple);
        }
        return keys;
    }

    String requiredText(Node where, Map<String, NodeTuple> keys, String key) {
        NodeTuple tuple = keys.get(key);
        if (tuple == null) {
            throw error(where, "missing '" + key + "'");
        }
        Node value = tuple.getValueNode();
        if (!(value instanceof ScalarNode)
                || value.getTag().equals(Tag.NULL)
                || scalarText(value).isBlank()) {
            throw error(value, "'" + key + "' needs a name");
        }
        return scalarText(value);
    }

    double number(Node node, String key) {
        if (node instanceof ScalarNode scalar
                && (node.getTag().equals(Tag.INT) || node.getTag().equals(Tag.FLOAT))) {
            try {
                double value = Double.parseDouble(scalar.getValue().replace("_", ""));
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below, with the line
            }
        }
        throw error(node, "'" + key + "' must be a finite number, got " + shown(node));
    }

    long integer(Node node, String key) {
        if (node instanceof ScalarNode scalar && node.getTag().equals(Tag.INT)) {
            try {
                return Long.parseLong(scalar.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                // reported below, with the line
            }
        }
        throw error(node, "'" + key + "' must be a whole number, got " + shown(node));
    }

    int toInt(Node node, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(node, "the number " + value + " is too large");
        }
        return (int) value;
    }

    String scalarText(Node node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw error(
                node,
                "expected a single value here, got a "
                        + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }

    private static String shown(Node node) {
        return node instanceof ScalarNode scalar
                ? "'" + scalar.getValue() + "'"
                : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    /** Builds with the policy API, reporting a value it refuses at the value's line. */
    <T> T apply(Node where, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new YamlFileException(file, line(where), column(where), String.valueOf(e.getMessage()), e);
        }
    }

    YamlFileException error(@Nullable Node node, String problem) {
        return new YamlFileException(file, node == null ? 1 : line(node), node == null ? 1 : column(node), problem);
    }

    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    private static int column(Node node) {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }
}
