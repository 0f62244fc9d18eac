package org.mlops4j.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;

/**
 * The metric history of a model across its versions, from two sources: evaluations on one dataset (the challenger's
 * evaluation dataset; the report's champion, challenger and any other evaluation it was given there), which compare
 * versions on the same data, and the metrics each registered version carries, each measured when it was registered.
 * A table lists every version (registration time, state, both kinds of metric; the lineage graph shows its data), and
 * one line chart per metric that at least two versions have marks each version with its state (alias, live,
 * rejected).
 */
final class HistorySection {
    private static final double WIDTH = 250;
    private static final double LEFT = 54;
    private static final double RIGHT = WIDTH - 14;
    private static final double TOP = 56;
    private static final double BOTTOM = 146;
    private static final int MAX_LABELLED = 8;
    private static final DateTimeFormatter MINUTES =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final List<ModelRef> refs;
    private final Map<ModelRef, ModelVersion> registered = new LinkedHashMap<>();
    private final Map<ModelRef, Evaluation> evaluated = new LinkedHashMap<>();
    private final @Nullable DatasetRef dataset;
    private final Map<LineageNode, NodeState> states;
    private final Directions directions;

    /**
     * @param versions registered versions
     * @param evaluations evaluations the report knows; those on {@code dataset} join the history
     * @param dataset the dataset on which versions are compared, or null for registered metrics only
     */
    HistorySection(
            List<ModelVersion> versions,
            List<Evaluation> evaluations,
            @Nullable DatasetRef dataset,
            Map<LineageNode, NodeState> states,
            Directions directions) {
        this.dataset = dataset;
        this.states = states;
        this.directions = directions;
        versions.forEach(v -> registered.put(v.getRef(), v));
        for (Evaluation e : evaluations) {
            if (e.getDataset().equals(dataset)) {
                evaluated.putIfAbsent(e.getModel(), e);
            }
        }
        TreeSet<ModelRef> all =
                new TreeSet<>(Comparator.comparing(ModelRef::name).thenComparingLong(ModelRef::version));
        all.addAll(registered.keySet());
        if (!registered.isEmpty()) {
            all.addAll(evaluated.keySet());
        }
        this.refs = List.copyOf(all);
    }

    /** Shown only with registered versions: the champion and challenger alone are the comparison section. */
    boolean isEmpty() {
        return registered.isEmpty();
    }

    private boolean oneModel() {
        return refs.stream().map(ModelRef::name).distinct().count() <= 1;
    }

    private String label(ModelRef ref) {
        return oneModel() ? "@" + ref.version() : ref.toString();
    }

    private NodeState state(ModelRef ref) {
        return states.getOrDefault(LineageNode.model(ref.name(), ref.version()), NodeState.NONE);
    }

    /** The registration time to the minute, in UTC, as {@code 2026-11-29 10:05Z}. */
    private static String when(ModelVersion v) {
        return MINUTES.format(v.getCreated());
    }

    /** The evaluated metrics by name, then by version. */
    private Map<String, Map<ModelRef, Double>> evaluatedMetrics() {
        Map<String, Map<ModelRef, Double>> byMetric = new TreeMap<>();
        evaluated.forEach((ref, e) -> e.getMetrics()
                .forEach((m, v) ->
                        byMetric.computeIfAbsent(m, k -> new LinkedHashMap<>()).put(ref, v)));
        return byMetric;
    }

    private Map<String, Map<ModelRef, Double>> registeredMetrics() {
        Map<String, Map<ModelRef, Double>> byMetric = new TreeMap<>();
        registered.forEach((ref, v) -> v.getMetrics()
                .forEach((m, value) ->
                        byMetric.computeIfAbsent(m, k -> new LinkedHashMap<>()).put(ref, value)));
        return byMetric;
    }

    private String where() {
        return "on " + dataset;
    }

    void appendHtml(StringBuilder out) {
        if (isEmpty()) {
            return;
        }
        Map<String, Map<ModelRef, Double>> onData = evaluatedMetrics();
        Map<String, Map<ModelRef, Double>> asRegistered = registeredMetrics();
        out.append("<h2>History</h2>\n<p class=\"note\">")
                .append(
                        onData.isEmpty()
                                ? ""
                                : Markup.xml("Metrics " + where() + " compare the versions on the same data; "))
                .append("registered metrics were each measured when the version was registered.</p>\n")
                .append("<table class=\"history\">\n<tr><th rowspan=\"2\">version</th><th rowspan=\"2\">registered")
                .append("</th><th rowspan=\"2\">state</th>");
        if (!onData.isEmpty()) {
            out.append("<th colspan=\"")
                    .append(onData.size())
                    .append("\">")
                    .append(Markup.xml(where()))
                    .append("</th>");
        }
        if (!asRegistered.isEmpty()) {
            out.append("<th colspan=\"").append(asRegistered.size()).append("\">as registered</th>");
        }
        out.append("</tr>\n<tr>");
        onData.keySet().forEach(m -> out.append("<th>").append(Markup.xml(m)).append("</th>"));
        asRegistered
                .keySet()
                .forEach(m -> out.append("<th>").append(Markup.xml(m)).append("</th>"));
        out.append("</tr>\n");
        for (ModelRef ref : refs) {
            NodeState state = state(ref);
            ModelVersion v = registered.get(ref);
            out.append("<tr class=\"")
                    .append(state.cssClasses().trim())
                    .append("\" data-version=\"")
                    .append(Markup.xml(ref.toString()))
                    .append("\"><td>")
                    .append(Markup.xml(ref.toString()))
                    .append("</td><td>")
                    .append(v == null ? "–" : "<time>" + when(v) + "</time>")
                    .append("</td><td class=\"state\">")
                    .append(Markup.xml(state.describe()))
                    .append("</td>");
            for (Map<String, Map<ModelRef, Double>> group : List.of(onData, asRegistered)) {
                for (Map<ModelRef, Double> values : group.values()) {
                    Double value = values.get(ref);
                    out.append("<td class=\"num\">")
                            .append(value == null ? "–" : Markup.number(value))
                            .append("</td>");
                }
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n<div class=\"charts\">\n");
        onData.forEach((m, values) -> appendChart(out, m, where(), values));
        asRegistered.forEach((m, values) -> appendChart(out, m, "as registered", values));
        out.append("</div>\n");
    }

    private void appendChart(StringBuilder out, String metric, String source, Map<ModelRef, Double> byRef) {
        List<ModelRef> with = refs.stream().filter(byRef::containsKey).toList();
        if (with.size() < 2) {
            return;
        }
        double low = with.stream().mapToDouble(byRef::get).min().orElseThrow();
        double high = with.stream().mapToDouble(byRef::get).max().orElseThrow();
        double pad = high > low ? (high - low) * 0.15 : Math.max(Math.abs(high) * 0.05, 0.01);
        double lo = low - 2 * pad; // room for a label under the lowest point
        double hi = high + pad;
        double step = (RIGHT - LEFT) / with.size();
        Svg svg = new Svg(out)
                .open(
                        "history-chart",
                        WIDTH,
                        BOTTOM + 30,
                        metric + " by version, " + source + " (" + directions.describe(metric) + ")",
                        "data-metric",
                        metric,
                        "data-source",
                        source)
                .text("title", WIDTH / 2, 18, "middle", metric)
                .text("direction", WIDTH / 2, 33, "middle", source + " · " + directions.describe(metric));
        for (double tick : Axis.ticks(lo, hi, 3)) {
            double y = BOTTOM - (tick - lo) / (hi - lo) * (BOTTOM - TOP);
            svg.line("grid", LEFT, y, RIGHT, y).text("tick", LEFT - 6, y + 4, "end", Markup.number(tick));
        }
        svg.line("axis", LEFT, TOP - 8, LEFT, BOTTOM).line("axis", LEFT, BOTTOM, RIGHT, BOTTOM);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < with.size(); i++) {
            double value = byRef.get(with.get(i));
            points.add(new double[] {LEFT + (i + 0.5) * step, BOTTOM - (value - lo) / (hi - lo) * (BOTTOM - TOP)});
        }
        svg.polyline("trend", points);
        for (int i = 0; i < with.size(); i++) {
            ModelRef ref = with.get(i);
            NodeState state = state(ref);
            double value = byRef.get(ref);
            double[] p = points.get(i);
            svg.circle(
                    "dot" + state.cssClasses(),
                    p[0],
                    p[1],
                    4.5,
                    ref + ": " + Markup.number(value) + (state.isEmpty() ? "" : " — " + state.describe()));
            svg.text("version", p[0], BOTTOM + 15, "middle", label(ref));
            if (with.size() <= MAX_LABELLED) {
                // below a dip, above anything else, so the label does not sit on the line
                boolean dip = (i == 0 || points.get(i - 1)[1] < p[1])
                        && (i + 1 == with.size() || points.get(i + 1)[1] < p[1]);
                svg.text("value", p[0], dip ? p[1] + 16 : p[1] - 9, "middle", Markup.number(value));
            }
        }
        svg.close();
    }

    void appendMarkdown(StringBuilder out) {
        if (isEmpty()) {
            return;
        }
        Map<String, Map<ModelRef, Double>> onData = evaluatedMetrics();
        Map<String, Map<ModelRef, Double>> asRegistered = registeredMetrics();
        out.append("## History\n\n| version | state |");
        onData.keySet()
                .forEach(m -> out.append(' ')
                        .append(Markup.markdown(m + " " + where()))
                        .append(" |"));
        asRegistered
                .keySet()
                .forEach(m -> out.append(' ').append(Markup.markdown(m)).append(" (registered) |"));
        out.append("\n|---|---|");
        for (int i = 0; i < onData.size() + asRegistered.size(); i++) {
            out.append("---:|");
        }
        out.append('\n');
        for (ModelRef ref : refs) {
            out.append("| ")
                    .append(Markup.markdown(ref.toString()))
                    .append(" | ")
                    .append(Markup.markdown(state(ref).describe()))
                    .append(" |");
            for (Map<String, Map<ModelRef, Double>> group : List.of(onData, asRegistered)) {
                for (Map<ModelRef, Double> values : group.values()) {
                    Double value = values.get(ref);
                    out.append(' ')
                            .append(value == null ? "–" : Markup.number(value))
                            .append(" |");
                }
            }
            out.append('\n');
        }
        out.append('\n');
    }
}
