package org.mlops4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.MetricDirectionStep;
import org.mlops4j.compare.MetricRule;
import org.mlops4j.compare.Policies;
import org.mlops4j.compare.SignificanceRule;
import org.mlops4j.compare.SliceRule;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

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

    private final YamlFile yaml;

    private PolicyYaml(YamlFile yaml) {
        this.yaml = yaml;
    }

    /**
     * Reads a policy file.
     *
     * @param path the file
     * @return the policy
     * @throws YamlFileException if the file breaks the schema
     * @throws CliException if the file cannot be read
     */
    static ComparisonPolicy read(Path path) {
        return YamlFile.read(path, "--policy", PolicyYaml::policy);
    }

    /**
     * Reads a policy from text.
     *
     * @param name the name errors give the text
     * @param text the YAML
     * @return the policy
     * @throws YamlFileException if the text breaks the schema
     */
    static ComparisonPolicy parse(String name, String text) {
        return YamlFile.parse(name, text, PolicyYaml::policy);
    }

    private static ComparisonPolicy policy(YamlFile.Document document) {
        PolicyYaml reader = new PolicyYaml(document.yaml());
        Node root = document.root();
        return reader.combination(root, document.yaml().top(root, TOP, "the policy"), "the policy");
    }

    /** The {@code allOf} or {@code anyOf} of a mapping: exactly one of them. */
    private ComparisonPolicy combination(Node where, Map<String, NodeTuple> keys, String what) {
        NodeTuple all = keys.get("allOf");
        NodeTuple any = keys.get("anyOf");
        if ((all == null) == (any == null)) {
            throw yaml.error(
                    all != null ? any == null ? where : any.getKeyNode() : where,
                    what + " needs exactly one of 'allOf' and 'anyOf', a list of rules");
        }
        NodeTuple list = all != null ? all : any;
        Node rules = list.getValueNode();
        if (!(rules instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            throw yaml.error(rules, "'" + yaml.scalarText(list.getKeyNode()) + "' must be a non-empty list of rules");
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
            throw yaml.error(node, "a rule is a mapping starting with one of " + KINDS);
        }
        String kind = null;
        for (NodeTuple tuple : map.getValue()) {
            String key = yaml.scalarText(tuple.getKeyNode());
            if (KINDS.contains(key)) {
                if (kind != null && !(isCombination(kind) && isCombination(key))) {
                    throw yaml.error(
                            tuple.getKeyNode(),
                            "a rule has one kind, but this one has both '" + kind + "' and '" + key
                                    + "'; write two rules");
                }
                kind = kind == null ? key : kind;
            }
        }
        if (kind == null) {
            throw yaml.error(node, "a rule needs one of " + KINDS);
        }
        return switch (kind) {
            case "metric" -> metric(node);
            case "significantGain" -> significance(node);
            case "noSliceRegression" -> slice(node);
            default ->
                combination(node, yaml.mapping(node, Set.of("allOf", "anyOf"), "a nested rule"), "a nested rule");
        };
    }

    private static boolean isCombination(String key) {
        return key.equals("allOf") || key.equals("anyOf");
    }

    private ComparisonPolicy metric(Node node) {
        Map<String, NodeTuple> keys = yaml.mapping(node, METRIC, "a metric rule");
        String name = yaml.requiredText(node, keys, "metric");
        NodeTuple direction = keys.get("direction");
        if (direction == null) {
            throw yaml.error(
                    node,
                    "metric rule '" + name + "' needs 'direction: higherIsBetter' or" + " 'direction: lowerIsBetter'");
        }
        MetricDirectionStep step = yaml.apply(keys.get("metric").getValueNode(), () -> Policies.metric(name));
        String way = yaml.scalarText(direction.getValueNode());
        MetricRule rule = switch (way) {
            case "higherIsBetter" -> step.higherIsBetter();
            case "lowerIsBetter" -> step.lowerIsBetter();
            default ->
                throw yaml.error(
                        direction.getValueNode(),
                        "direction is 'higherIsBetter' or 'lowerIsBetter', not '" + way + "'");
        };
        for (NodeTuple tuple : keys.values()) {
            String key = yaml.scalarText(tuple.getKeyNode());
            if (key.equals("metric") || key.equals("direction")) {
                continue;
            }
            Node value = tuple.getValueNode();
            double bound = yaml.number(value, key);
            MetricRule current = rule;
            rule = yaml.apply(value, () -> switch (key) {
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
        Map<String, NodeTuple> keys = yaml.mapping(node, SIGNIFICANCE, "a significantGain rule");
        String name = yaml.requiredText(node, keys, "significantGain");
        SignificanceRule rule =
                yaml.apply(keys.get("significantGain").getValueNode(), () -> Policies.significantGain(name));
        NodeTuple test = keys.get("test");
        NodeTuple resamples = keys.get("resamples");
        String method = test == null ? "pairedBootstrap" : yaml.scalarText(test.getValueNode());
        if (method.equals("mcNemar")) {
            if (resamples != null) {
                throw yaml.error(
                        resamples.getKeyNode(),
                        "'resamples' belongs to the paired bootstrap, not to McNemar's"
                                + " test; remove it or use 'test: pairedBootstrap'");
            }
            SignificanceRule current = rule;
            rule = yaml.apply(test.getValueNode(), current::mcNemar);
        } else if (!method.equals("pairedBootstrap")) {
            throw yaml.error(test.getValueNode(), "test is 'pairedBootstrap' or 'mcNemar', not '" + method + "'");
        } else if (resamples != null) {
            long count = yaml.integer(resamples.getValueNode(), "resamples");
            SignificanceRule current = rule;
            rule = yaml.apply(
                    resamples.getValueNode(),
                    () -> current.pairedBootstrap(yaml.toInt(resamples.getValueNode(), count)));
        }
        for (NodeTuple tuple : keys.values()) {
            String key = yaml.scalarText(tuple.getKeyNode());
            Node value = tuple.getValueNode();
            SignificanceRule current = rule;
            rule = switch (key) {
                case "confidence" -> {
                    double level = yaml.number(value, key);
                    yield yaml.apply(value, () -> current.confidence(level));
                }
                case "seed" -> {
                    long seed = yaml.integer(value, key);
                    yield yaml.apply(value, () -> current.seed(seed));
                }
                case "minSampleSize" -> {
                    int size = yaml.toInt(value, yaml.integer(value, key));
                    yield yaml.apply(value, () -> current.minSampleSize(size));
                }
                case "minPerClass" -> {
                    int size = yaml.toInt(value, yaml.integer(value, key));
                    yield yaml.apply(value, () -> current.minPerClass(size));
                }
                default -> current;
            };
        }
        return rule;
    }

    private ComparisonPolicy slice(Node node) {
        Map<String, NodeTuple> keys = yaml.mapping(node, SLICE, "a noSliceRegression rule");
        String name = yaml.requiredText(node, keys, "noSliceRegression");
        String by = yaml.requiredText(node, keys, "by");
        SliceRule rule = yaml.apply(
                keys.get("noSliceRegression").getValueNode(),
                () -> Policies.noSliceRegression(name).by(by));
        NodeTuple tolerance = keys.get("tolerance");
        if (tolerance != null) {
            double value = yaml.number(tolerance.getValueNode(), "tolerance");
            SliceRule current = rule;
            rule = yaml.apply(tolerance.getValueNode(), () -> current.tolerance(value));
        }
        NodeTuple minSize = keys.get("minSliceSize");
        if (minSize != null) {
            int value = yaml.toInt(minSize.getValueNode(), yaml.integer(minSize.getValueNode(), "minSliceSize"));
            SliceRule current = rule;
            rule = yaml.apply(minSize.getValueNode(), () -> current.minSliceSize(value));
        }
        return rule;
    }
}
