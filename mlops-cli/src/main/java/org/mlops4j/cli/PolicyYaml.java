package org.mlops4j.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.MetricDirectionStep;
import org.mlops4j.compare.MetricRule;
import org.mlops4j.compare.Policies;
import org.mlops4j.compare.SignificanceRule;
import org.mlops4j.compare.SliceRule;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a comparison policy written in YAML (schema: docs/cli.md) into the Java policy API ({@link Policies}): each
 * rule is built by the same calls a Java user makes, so the values are validated there, once, and a value the API
 * refuses is reported at its line. Nothing is evaluated here.
 *
 * <pre>
 * version: 1
 * allOf:
 *   - metric: auc
 *     direction: higherIsBetter
 *     atLeast: 0.70
 *     minAbsoluteGain: 0.005
 *   - significantGain: accuracy
 *     resamples: 2000
 *     confidence: 0.95
 * </pre>
 *
 * <p>Errors are {@link PolicyFileException}s that name the file, line and column: syntax errors, unknown or duplicate
 * keys, missing keys, values of the wrong type, and values the API refuses.
 */
final class PolicyYaml {
    private static final Set<String> TOP = Set.of("version", "allOf", "anyOf");
    private static final Set<String> METRIC = Set.of(
            "metric",
            "direction",
            "atLeast",
            "atMost",
            "minAbsoluteGain",
            "maxAbsoluteLoss",
            "minRelativeGain",
            "maxRelativeLoss");
    private static final Set<String> SIGNIFICANCE =
            Set.of("significantGain", "test", "resamples", "confidence", "seed", "minSampleSize", "minPerClass");
    private static final Set<String> SLICE = Set.of("noSliceRegression", "by", "tolerance", "minSliceSize");
    private static final List<String> KINDS =
            List.of("metric", "significantGain", "noSliceRegression", "allOf", "anyOf");

    private final String file;

    private PolicyYaml(String file) {
        this.file = file;
    }

    /**
     * Reads a policy file.
     *
     * @param path the file
     * @return the policy
     * @throws PolicyFileException if the file cannot be read or breaks the schema
     */
    static ComparisonPolicy read(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return new PolicyYaml(path.toString()).parse(reader);
        } catch (IOException e) {
            throw new CliException("cannot read the policy file " + path + ": " + e.getMessage()
                    + "; check the path given to --policy");
        }
    }

    /**
     * Reads a policy from text.
     *
     * @param name the name errors give the text
     * @param text the YAML
     * @return the policy
     * @throws PolicyFileException if the text breaks the schema
     */
    static ComparisonPolicy parse(String name, String text) {
        return new PolicyYaml(name).parse(new java.io.StringReader(text));
    }

    private ComparisonPolicy parse(Reader reader) {
        Optional<Node> document;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).build();
            document = new Compose(settings).composeReader(reader);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            throw new PolicyFileException(
                    file,
                    mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1),
                    "not valid YAML (check the indentation, quotes and brackets): " + e.getProblem(),
                    e);
        } catch (YamlEngineException e) {
            throw new PolicyFileException(file, 1, 1, "not valid YAML: " + e.getMessage(), e);
        }
        if (document.isEmpty()) {
            throw new PolicyFileException(file, 1, 1, "the file is empty; a policy starts with 'version: 1'");
        }
        Map<String, NodeTuple> top = mapping(document.get(), TOP, "the policy");
        NodeTuple version = top.get("version");
        if (version == null) {
            throw error(document.get(), "missing 'version: 1' at the top of the policy");
        }
        long number = integer(version.getValueNode(), "version");
        if (number != 1) {
            throw error(version.getValueNode(), "this mlops4j reads policy version 1, not " + number);
        }
        return combination(document.get(), top, "the policy");
    }

    /** The {@code allOf} or {@code anyOf} of a mapping: exactly one of them. */
    private ComparisonPolicy combination(Node where, Map<String, NodeTuple> keys, String what) {
        NodeTuple all = keys.get("allOf");
        NodeTuple any = keys.get("anyOf");
        if ((all == null) == (any == null)) {
            throw error(
                    all != null ? any == null ? where : any.getKeyNode() : where,
                    what + " needs exactly one of 'allOf' and 'anyOf', a list of rules");
        }
        NodeTuple list = all != null ? all : any;
        Node rules = list.getValueNode();
        if (!(rules instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            throw error(rules, "'" + scalarText(list.getKeyNode()) + "' must be a non-empty list of rules");
        }
        List<ComparisonPolicy> policies = new ArrayList<>();
        for (Node rule : sequence.getValue()) {
            policies.add(rule(rule));
        }
        ComparisonPolicy[] array = policies.toArray(ComparisonPolicy[]::new);
        return all != null ? Policies.allOf(array) : Policies.anyOf(array);
    }

    private ComparisonPolicy rule(Node node) {
        if (!(node instanceof MappingNode map)) {
            throw error(node, "a rule is a mapping starting with one of " + KINDS);
        }
        String kind = null;
        for (NodeTuple tuple : map.getValue()) {
            String key = scalarText(tuple.getKeyNode());
            if (KINDS.contains(key)) {
                if (kind != null && !(isCombination(kind) && isCombination(key))) {
                    throw error(
                            tuple.getKeyNode(),
                            "a rule has one kind, but this one has both '" + kind + "' and '" + key
                                    + "'; write two rules");
                }
                kind = kind == null ? key : kind;
            }
        }
        if (kind == null) {
            throw error(node, "a rule needs one of " + KINDS);
        }
        return switch (kind) {
            case "metric" -> metric(node);
            case "significantGain" -> significance(node);
            case "noSliceRegression" -> slice(node);
            default -> combination(node, mapping(node, Set.of("allOf", "anyOf"), "a nested rule"), "a nested rule");
        };
    }

    private static boolean isCombination(String key) {
        return key.equals("allOf") || key.equals("anyOf");
    }

    private ComparisonPolicy metric(Node node) {
        Map<String, NodeTuple> keys = mapping(node, METRIC, "a metric rule");
        String name = requiredText(node, keys, "metric");
        NodeTuple direction = keys.get("direction");
        if (direction == null) {
            throw error(
                    node,
                    "metric rule '" + name + "' needs 'direction: higherIsBetter' or" + " 'direction: lowerIsBetter'");
        }
        MetricDirectionStep step = apply(keys.get("metric").getValueNode(), () -> Policies.metric(name));
        String way = scalarText(direction.getValueNode());
        MetricRule rule = switch (way) {
            case "higherIsBetter" -> step.higherIsBetter();
            case "lowerIsBetter" -> step.lowerIsBetter();
            default ->
                throw error(
                        direction.getValueNode(),
                        "direction is 'higherIsBetter' or 'lowerIsBetter', not '" + way + "'");
        };
        for (NodeTuple tuple : keys.values()) {
            String key = scalarText(tuple.getKeyNode());
            if (key.equals("metric") || key.equals("direction")) {
                continue;
            }
            Node value = tuple.getValueNode();
            double bound = number(value, key);
            MetricRule current = rule;
            rule = apply(value, () -> switch (key) {
                case "atLeast" -> current.atLeast(bound);
                case "atMost" -> current.atMost(bound);
                case "minAbsoluteGain" -> current.minAbsoluteGain(bound);
                case "maxAbsoluteLoss" -> current.maxAbsoluteLoss(bound);
                case "minRelativeGain" -> current.minRelativeGain(bound);
                case "maxRelativeLoss" -> current.maxRelativeLoss(bound);
                default -> throw new IllegalStateException("unhandled key " + key);
            });
        }
        return rule;
    }

    private ComparisonPolicy significance(Node node) {
        Map<String, NodeTuple> keys = mapping(node, SIGNIFICANCE, "a significantGain rule");
        String name = requiredText(node, keys, "significantGain");
        SignificanceRule rule = apply(keys.get("significantGain").getValueNode(), () -> Policies.significantGain(name));
        NodeTuple test = keys.get("test");
        NodeTuple resamples = keys.get("resamples");
        String method = test == null ? "pairedBootstrap" : scalarText(test.getValueNode());
        if (method.equals("mcNemar")) {
            if (resamples != null) {
                throw error(
                        resamples.getKeyNode(),
                        "'resamples' belongs to the paired bootstrap, not to McNemar's"
                                + " test; remove it or use 'test: pairedBootstrap'");
            }
            SignificanceRule current = rule;
            rule = apply(test.getValueNode(), current::mcNemar);
        } else if (!method.equals("pairedBootstrap")) {
            throw error(test.getValueNode(), "test is 'pairedBootstrap' or 'mcNemar', not '" + method + "'");
        } else if (resamples != null) {
            long count = integer(resamples.getValueNode(), "resamples");
            SignificanceRule current = rule;
            rule = apply(
                    resamples.getValueNode(), () -> current.pairedBootstrap(toInt(resamples.getValueNode(), count)));
        }
        for (NodeTuple tuple : keys.values()) {
            String key = scalarText(tuple.getKeyNode());
            Node value = tuple.getValueNode();
            SignificanceRule current = rule;
            rule = switch (key) {
                case "confidence" -> {
                    double level = number(value, key);
                    yield apply(value, () -> current.confidence(level));
                }
                case "seed" -> {
                    long seed = integer(value, key);
                    yield apply(value, () -> current.seed(seed));
                }
                case "minSampleSize" -> {
                    int size = toInt(value, integer(value, key));
                    yield apply(value, () -> current.minSampleSize(size));
                }
                case "minPerClass" -> {
                    int size = toInt(value, integer(value, key));
                    yield apply(value, () -> current.minPerClass(size));
                }
                default -> current;
            };
        }
        return rule;
    }

    private ComparisonPolicy slice(Node node) {
        Map<String, NodeTuple> keys = mapping(node, SLICE, "a noSliceRegression rule");
        String name = requiredText(node, keys, "noSliceRegression");
        String by = requiredText(node, keys, "by");
        SliceRule rule = apply(
                keys.get("noSliceRegression").getValueNode(),
                () -> Policies.noSliceRegression(name).by(by));
        NodeTuple tolerance = keys.get("tolerance");
        if (tolerance != null) {
            double value = number(tolerance.getValueNode(), "tolerance");
            SliceRule current = rule;
            rule = apply(tolerance.getValueNode(), () -> current.tolerance(value));
        }
        NodeTuple minSize = keys.get("minSliceSize");
        if (minSize != null) {
            int value = toInt(minSize.getValueNode(), integer(minSize.getValueNode(), "minSliceSize"));
            SliceRule current = rule;
            rule = apply(minSize.getValueNode(), () -> current.minSliceSize(value));
        }
        return rule;
    }

    // --- YAML shapes ---------------------------------------------------------------------------------------------

    /** The keys of a mapping, in file order; unknown and duplicate keys are errors. */
    private Map<String, NodeTuple> mapping(Node node, Set<String> allowed, String what) {
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

    private String requiredText(Node where, Map<String, NodeTuple> keys, String key) {
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

    private double number(Node node, String key) {
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

    private long integer(Node node, String key) {
        if (node instanceof ScalarNode scalar && node.getTag().equals(Tag.INT)) {
            try {
                return Long.parseLong(scalar.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                // reported below, with the line
            }
        }
        throw error(node, "'" + key + "' must be a whole number, got " + shown(node));
    }

    private int toInt(Node node, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(node, "the number " + value + " is too large");
        }
        return (int) value;
    }

    private String scalarText(Node node) {
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
    private <T> T apply(Node where, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new PolicyFileException(file, line(where), column(where), String.valueOf(e.getMessage()), e);
        }
    }

    private PolicyFileException error(@Nullable Node node, String problem) {
        return new PolicyFileException(file, node == null ? 1 : line(node), node == null ? 1 : column(node), problem);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    private static int column(Node node) {
        return node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    }
}
