package org.mlops4j.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Metrics;
import org.mlops4j.compare.Outcomes;

/**
 * Metrics per slice (examples sharing a key along a dimension, such as {@code region=south}), for the challenger and,
 * when its outcomes are paired with the challenger's (same dataset version, same examples), the champion. A slice where
 * the challenger is worse is highlighted; slices smaller than {@link #SMALL} examples are marked as noisy.
 */
final class SliceSection {
    /** Fewer examples than this make a slice's metrics noisy (the slice rule's default minimum, too). */
    static final int SMALL = 30;
    /** Slices shown per dimension, largest first. */
    static final int MAX_SLICES = 40;

    private static final List<String> CLASSIFICATION = List.of("accuracy", "recall", "auc");
    private static final List<String> REGRESSION = List.of("rmse", "mae");

    /** One slice's size and the metrics of both models (champion's empty when not paired). */
    record Slice(String key, int examples, Map<String, Double> champion, Map<String, Double> challenger) {}

    /** One dimension's slices and the metrics shown for it. */
    record Dimension(String name, List<String> metrics, List<Slice> slices, int hidden) {}

    private final List<Dimension> dimensions = new ArrayList<>();
    private final Directions directions;

    SliceSection(@Nullable Evaluation champion, @Nullable Evaluation challenger, Directions directions) {
        this.directions = directions;
        if (challenger == null || challenger.findOutcomes().isEmpty()) {
            return;
        }
        Outcomes b = challenger.findOutcomes().orElseThrow();
        Outcomes a = champion == null
                        || !champion.getDataset().equals(challenger.getDataset())
                        || champion.findOutcomes().isEmpty()
                        || champion.findOutcomes().orElseThrow().size() != b.size()
                ? null
                : champion.findOutcomes().orElseThrow();
        boolean classes = OutcomeSection.isWhole(b.getLabels()) && OutcomeSection.isWhole(b.getPredictions());
        for (String dimension : b.getSliceDimensions()) {
            Map<String, List<Integer>> members = new LinkedHashMap<>();
            List<String> keys = b.getSliceKeys(dimension);
            for (int i = 0; i < keys.size(); i++) {
                members.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(i);
            }
            List<Map.Entry<String, List<Integer>>> bySize = new ArrayList<>(members.entrySet());
            bySize.sort((x, y) -> y.getValue().size() != x.getValue().size()
                    ? Integer.compare(y.getValue().size(), x.getValue().size())
                    : x.getKey().compareTo(y.getKey()));
            List<Slice> slices = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> slice : bySize.subList(0, Math.min(MAX_SLICES, bySize.size()))) {
                int[] at = slice.getValue().stream().mapToInt(Integer::intValue).toArray();
                slices.add(new Slice(
                        slice.getKey(),
                        at.length,
                        a == null ? Map.of() : metrics(a, at, classes),
                        metrics(b, at, classes)));
            }
            List<String> shown = new ArrayList<>();
            for (String metric : classes ? CLASSIFICATION : REGRESSION) {
                if (slices.stream().anyMatch(s -> s.challenger().containsKey(metric))) {
                    shown.add(metric);
                }
            }
            dimensions.add(new Dimension(dimension, shown, slices, bySize.size() - slices.size()));
        }
    }

    private static Map<String, Double> metrics(Outcomes all, int[] at, boolean classes) {
        double[] y = all.getLabels();
        double[] p = all.getPredictions();
        double[] ys = new double[at.length];
        double[] ps = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            ys[i] = y[at[i]];
            ps[i] = p[at[i]];
        }
        Outcomes slice = Outcomes.of(ys, ps);
        if (all.hasScores()) {
            double[] s = all.getScores();
            double[] ss = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                ss[i] = s[at[i]];
            }
            slice = slice.withScores(ss);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        (classes ? Metrics.classification(slice) : Metrics.regression(slice)).forEach((k, v) -> {
            if (Double.isFinite(v)) {
                m.put(k, v);
            }
        });
        return m;
    }

    boolean isEmpty() {
        return dimensions.isEmpty();
    }

    List<Dimension> dimensions() {
        return dimensions;
    }

    private Optional<Double> gain(Slice s, String metric) {
        Double a = s.champion().get(metric);
        Double b = s.challenger().get(metric);
        return a == null || b == null ? Optional.empty() : directions.gain(metric, a, b);
    }

    /** Whether the challenger is worse than the champion on any shown metric of a slice. */
    boolean isRegression(Dimension d, Slice s) {
        return d.metrics().stream().anyMatch(m -> gain(s, m).map(g -> g < 0).orElse(false));
    }

    void appendHtml(StringBuilder out) {
        if (dimensions.isEmpty()) {
            return;
        }
        out.append("<h2>Slices</h2>\n");
        for (Dimension d : dimensions) {
            boolean paired = d.slices().stream().anyMatch(s -> !s.champion().isEmpty());
            out.append("<table class=\"slices\" data-dimension=\"")
                    .append(Markup.xml(d.name()))
                    .append("\">\n<tr><th rowspan=\"2\">")
                    .append(Markup.xml(d.name()))
                    .append("</th><th rowspan=\"2\">examples</th>");
            for (String metric : d.metrics()) {
                out.append("<th colspan=\"")
                        .append(paired ? 3 : 1)
                        .append("\">")
                        .append(Markup.xml(metric))
                        .append(' ')
                        .append(directions
                                .higherIsBetter(metric)
                                .map(h -> h ? "↑" : "↓")
                                .orElse(""))
                        .append("</th>");
            }
            out.append("</tr>\n<tr>");
            for (int i = 0; i < d.metrics().size(); i++) {
                out.append(paired ? "<th>champion</th><th>challenger</th><th>gain</th>" : "<th>challenger</th>");
            }
            out.append("</tr>\n");
            for (Slice s : d.slices()) {
                boolean small = s.examples() < SMALL;
                out.append("<tr class=\"")
                        .append(isRegression(d, s) ? "regression" : "")
                        .append(small ? " small" : "")
                        .append("\" data-slice=\"")
                        .append(Markup.xml(s.key()))
                        .append("\"><td>")
                        .append(Markup.xml(s.key()))
                        .append("</td><td class=\"num\">")
                        .append(s.examples())
                        .append(small ? " (noisy)" : "")
                        .append("</td>");
                for (String metric : d.metrics()) {
                    if (paired) {
                        out.append("<td class=\"num\">")
                                .append(cell(s.champion().get(metric)))
                                .append("</td>");
                    }
                    out.append("<td class=\"num\">")
                            .append(cell(s.challenger().get(metric)))
                            .append("</td>");
                    if (paired) {
                        Optional<Double> g = gain(s, metric);
                        out.append("<td class=\"num")
                                .append(g.map(v -> v < 0 ? " worse" : v > 0 ? " better" : "")
                                        .orElse(""))
                                .append("\">")
                                .append(g.map(StoryReport::signed).orElse("–"))
                                .append("</td>");
                    }
                }
                out.append("</tr>\n");
            }
            out.append("</table>\n");
            if (d.hidden() > 0) {
                out.append("<p class=\"none\">")
                        .append(d.hidden())
                        .append(" smaller slices of ")
                        .append(Markup.xml(d.name()))
                        .append(" are not shown.</p>\n");
            }
        }
    }

    private static String cell(@Nullable Double value) {
        return value == null ? "–" : Markup.number(value);
    }

    void appendMarkdown(StringBuilder out) {
        if (dimensions.isEmpty()) {
            return;
        }
        out.append("## Slices\n\n");
        for (Dimension d : dimensions) {
            out.append("| ").append(Markup.markdown(d.name())).append(" | examples |");
            for (String metric : d.metrics()) {
                out.append(' ')
                        .append(Markup.markdown(metric))
                        .append(" champion | ")
                        .append(Markup.markdown(metric))
                        .append(" challenger |");
            }
            out.append("\n|---|---:|");
            d.metrics().forEach(m -> out.append("---:|---:|"));
            out.append('\n');
            for (Slice s : d.slices()) {
                boolean worse = isRegression(d, s);
                out.append("| ")
                        .append(worse ? "**" : "")
                        .append(Markup.markdown(s.key()))
                        .append(worse ? "** (worse)" : "")
                        .append(" | ")
                        .append(s.examples())
                        .append(" |");
                for (String metric : d.metrics()) {
                    out.append(' ')
                            .append(cell(s.champion().get(metric)))
                            .append(" | ")
                            .append(cell(s.challenger().get(metric)))
                            .append(" |");
                }
                out.append('\n');
            }
            out.append('\n');
        }
    }
}
