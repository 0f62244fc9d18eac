package org.mlops4j.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mlops4j.deploy.HealthGate;
import org.mlops4j.deploy.Rollout;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a rollout written in YAML (schema: docs/cli.md) into the Java API ({@link Rollout}, {@link HealthGate}), which
 * validates the values; a value it refuses is reported at its line.
 *
 * <pre>
 * version: 1
 * strategy: canary          # replace | blueGreen | canary | shadow
 * steps: [10, 50, 100]      # canary: traffic percentages
 * gate:                     # canary: when a step is healthy
 *   maxErrorRate: 0.01
 *   maxP95Latency: 250ms
 *   minRequests: 100
 *   maxWait: 10m
 * </pre>
 */
final class RolloutYaml {
    private static final Set<String> TOP = Set.of("version", "strategy", "steps", "percent", "gate");
    private static final Set<String> GATE = Set.of("maxErrorRate", "maxP95Latency", "minRequests", "maxWait");

    private RolloutYaml() {}

    static Rollout read(Path path) {
        return YamlFile.read(path, "--rollout", RolloutYaml::rollout);
    }

    static Rollout parse(String name, String text) {
        return YamlFile.parse(name, text, RolloutYaml::rollout);
    }

    private static Rollout rollout(YamlFile.Document document) {
        YamlFile yaml = document.yaml();
        Map<String, NodeTuple> keys = yaml.top(document.root(), TOP, "the rollout");
        String strategy = yaml.requiredText(document.root(), keys, "strategy");
        Node where = keys.get("strategy").getValueNode();
        List<String> allowed = switch (strategy) {
            case "replace", "blueGreen" -> List.of();
            case "canary" -> List.of("steps", "gate");
            case "shadow" -> List.of("percent");
            default ->
                throw yaml.error(where, "strategy is replace, blueGreen, canary or shadow, not '" + strategy + "'");
        };
        for (NodeTuple tuple : keys.values()) {
            String key = yaml.scalarText(tuple.getKeyNode());
            if (!key.equals("version") && !key.equals("strategy") && !allowed.contains(key)) {
                throw yaml.error(
                        tuple.getKeyNode(),
                        "'" + key + "' does not apply to strategy " + strategy
                                + (allowed.isEmpty() ? "" : "; it takes " + allowed));
            }
        }
        return switch (strategy) {
            case "replace" -> Rollout.replace();
            case "blueGreen" -> Rollout.blueGreen();
            case "shadow" -> {
                NodeTuple percent = keys.get("percent");
                if (percent == null) {
                    throw yaml.error(
                            document.root(), "a shadow rollout needs 'percent', the share of traffic mirrored");
                }
                int share = yaml.toInt(percent.getValueNode(), yaml.integer(percent.getValueNode(), "percent"));
                yield yaml.apply(percent.getValueNode(), () -> Rollout.shadow(share));
            }
            default -> canary(yaml, document.root(), keys);
        };
    }

    private static Rollout canary(YamlFile yaml, Node root, Map<String, NodeTuple> keys) {
        NodeTuple steps = keys.get("steps");
        if (steps == null) {
            throw yaml.error(root, "a canary rollout needs 'steps', e.g. [10, 50, 100]");
        }
        if (!(steps.getValueNode() instanceof SequenceNode list)
                || list.getValue().isEmpty()) {
            throw yaml.error(steps.getValueNode(), "'steps' is a non-empty list of traffic percentages");
        }
        List<Integer> percents = new ArrayList<>();
        for (Node step : list.getValue()) {
            percents.add(yaml.toInt(step, yaml.integer(step, "a step")));
        }
        int[] array = percents.stream().mapToInt(Integer::intValue).toArray();
        NodeTuple gate = keys.get("gate");
        if (gate == null) {
            return yaml.apply(list, () -> Rollout.canary(array));
        }
        HealthGate health = gate(yaml, gate.getValueNode());
        return yaml.apply(list, () -> Rollout.canary(health, array));
    }

    private static HealthGate gate(YamlFile yaml, Node node) {
        Map<String, NodeTuple> keys = yaml.mapping(node, GATE, "the gate");
        HealthGate.Builder gate = HealthGate.custom();
        for (NodeTuple tuple : keys.values()) {
            String key = yaml.scalarText(tuple.getKeyNode());
            Node value = tuple.getValueNode();
            switch (key) {
                case "maxErrorRate" -> {
                    double rate = yaml.number(value, key);
                    yaml.apply(value, () -> gate.maxErrorRate(rate));
                }
                case "minRequests" -> {
                    long requests = yaml.integer(value, key);
                    yaml.apply(value, () -> gate.minRequests(requests));
                }
                case "maxP95Latency" -> {
                    Duration latency = duration(yaml, value, key);
                    yaml.apply(value, () -> gate.maxP95Latency(latency));
                }
                default -> {
                    Duration wait = duration(yaml, value, key);
                    yaml.apply(value, () -> gate.maxWait(wait));
                }
            }
        }
        return yaml.apply(node, gate::build);
    }

    /** {@code 250ms}, {@code 30s}, {@code 10m}, {@code 1h}, or ISO-8601 ({@code PT0.25S}). */
    private static Duration duration(YamlFile yaml, Node node, String key) {
        String text = yaml.scalarText(node).strip();
        String lower = text.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("pt") || lower.startsWith("p")) {
                return Duration.parse(text);
            }
            String[][] units = {{"ms", "MILLIS"}, {"s", "SECONDS"}, {"m", "MINUTES"}, {"h", "HOURS"}};
            for (String[] unit : units) {
                if (lower.endsWith(unit[0]) && lower.length() > unit[0].length()) {
                    long amount = Long.parseLong(lower.substring(0, lower.length() - unit[0].length()));
                    return Duration.of(amount, java.time.temporal.ChronoUnit.valueOf(unit[1]));
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below, with the line
        }
        throw yaml.error(
                node, "'" + key + "' is a duration such as 250ms, 30s, 10m, 1h or PT0.25S, got '" + text + "'");
    }
}
