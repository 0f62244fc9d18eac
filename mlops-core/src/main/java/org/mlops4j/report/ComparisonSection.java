package org.mlops4j.report;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;

/**
 * The champion-versus-challenger section: the evaluation dataset, a table of every metric with its direction, the
 * difference and the gain's interval where a rule computed one, and one bar chart per metric with a value axis, the
 * direction, and a strip showing the gain and its interval. Regressions (a gain below zero) are highlighted in both.
 */
final class ComparisonSection {
    static final double CHART_WIDTH = 270;
    private static final double LEFT = 50;
    private static final double RIGHT = CHART_WIDTH - 14;
    private static final double PLOT_TOP = 60;
    private static final double BAR_WIDTH = 56;

    private final @Nullable Evaluation champion;
    private final @Nullable Evaluation challenger;
    private final @Nullable Verdict verdict;
    private final Directions directions;

    ComparisonSection(
            @Nullable Evaluation champion,
            @Nullable Evaluation challenger,
            @Nullable Verdict verdict,
            Directions directions) {
        this.champion = champion;
        this.challenger = challenger;
        this.verdict = verdict;
        this.directions = directions;
    }

    List<String> metricNames() {
        TreeSet<String> names = new TreeSet<>();
        if (champion != null) {
            names.addAll(champion.getMetrics().keySet());
        }
        if (challenger != null) {
            names.addAll(challenger.getMetrics().keySet());
        }
        return List.copyOf(names);
    }

    /** The evaluation datasets in words, with a warning when the two models were measured on different data. */
    String datasets() {
        if (champion != null && challenger != null && !champion.getDataset().equals(challenger.getDataset())) {
            return "The champion was evaluated on " + champion.getDataset() + " and the challenger on "
                    + challenger.getDataset() + ": different data, so the numbers are not directly comparable.";
        }
        Evaluation any = challenger != null ? challenger : champion;
        if (any == null) {
            return "";
        }
        return "Evaluated on " + any.getDataset()
                + any.findOutcomes().map(o -> " (" + o.size() + " examples)").orElse("") + ".";
    }

    /** The finding that gave the metric's gain an interval, if any rule did. */
    private Optional<Finding> interval(String metric) {
        if (verdict == null) {
            return Optional.empty();
        }
        return verdict.getFindings().stream()
                .filter(f -> f.metric().equals(metric) && f.lower() != null && f.upper() != null)
                .findFirst();
    }

    private Optional<Double> gain(String metric) {
        OptionalDouble a = value(champion, metric);
        OptionalDouble b = value(challenger, metric);
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        return directions.gain(metric, a.getAsDouble(), b.getAsDouble());
    }

    boolean isRegression(String metric) {
        return gain(metric).map(g -> g < 0).orElse(false);
    }

    static OptionalDouble value(@Nullable Evaluation evaluation, String metric) {
        return evaluation == null ? OptionalDouble.empty() : evaluation.findMetric(metric);
    }

    /** "better", "worse", "same" or "" (no direction or a value missing), with the gain's interval when known. */
    private String change(String metric) {
        Optional<Double> gain = gain(metric);
        if (gain.isEmpty()) {
            return "";
        }
        String word = gain.get() > 0 ? "better" : gain.get() < 0 ? "worse" : "same";
        return word
                + interval(metric)
                        .map(f -> ", gain " + StoryReport.signed(gain.get()) + " " + range(f))
                        .orElse("");
    }

    private static String range(Finding f) {
        Double lower = f.lower();
        Double upper = f.upper();
        return lower == null || upper == null
                ? ""
                : "[" + StoryReport.signed(lower) + ", " + StoryReport.signed(upper) + "]";
    }

    // ---- HTML -------------------------------------------------------------------------------------------------

    void appendHtml(StringBuilder out) {
        List<String> metrics = metricNames();
        if (metrics.isEmpty()) {
            return;
        }
        out.append("<h2>Champion vs challenger</h2>\n<p class=\"dataset\" id=\"evaluation-dataset\">")
                .append(Markup.xml(datasets()))
                .append("</p>\n<table class=\"metrics\">\n<tr><th>metric</th><th>better when</th><th>champion")
                .append(
                        champion == null
                                ? ""
                                : " " + Markup.xml(champion.getModel().toString()))
                .append("</th><th>challenger")
                .append(
                        challenger == null
                                ? ""
                                : " " + Markup.xml(challenger.getModel().toString()))
                .append("</th><th>difference</th><th>change</th></tr>\n");
        for (String metric : metrics) {
            OptionalDouble a = value(champion, metric);
            OptionalDouble b = value(challenger, metric);
            String change = change(metric);
            out.append("<tr class=\"")
                    .append(
                            isRegression(metric)
                                    ? "regression"
                                    : gain(metric).map(g -> g > 0).orElse(false) ? "improved" : "")
                    .append("\" data-metric=\"")
                    .append(Markup.xml(metric))
                    .append("\"><td>")
                    .append(Markup.xml(metric))
                    .append("</td><td class=\"direction\">")
                    .append(Markup.xml(directions.describe(metric)))
                    .append("</td><td class=\"num\">")
                    .append(a.isPresent() ? Markup.number(a.getAsDouble()) : "–")
                    .append("</td><td class=\"num\">")
                    .append(b.isPresent() ? Markup.number(b.getAsDouble()) : "–")
                    .append("</td><td class=\"num\">")
                    .append(
                            a.isPresent() && b.isPresent()
                                    ? StoryReport.signed(b.getAsDouble() - a.getAsDouble())
                                    : "–")
                    .append("</td><td class=\"change\">")
                    .append(change.startsWith("worse") ? "▼ " : change.startsWith("better") ? "▲ " : "")
                    .append(Markup.xml(change))
                    .append("</td></tr>\n");
        }
        out.append("</table>\n<div class=\"charts\">\n");
        for (String metric : metrics) {
            appendChart(out, metric);
        }
        out.append("</div>\n");
    }

    /**
     * One metric's chart: a bar per model from a zero line, the larger |value| {@link StoryReport#BAR_MAX_HEIGHT}
     * tall (bars of negative values hang below the line), a value axis with round ticks, and, when the direction is
     * known, a strip with the gain (positive is better) and its interval around a zero mark.
     */
    private void appendChart(StringBuilder out, String metric) {
        OptionalDouble a = value(champion, metric);
        OptionalDouble b = value(challenger, metric);
        double high = Math.max(0, Math.max(a.orElse(0), b.orElse(0)));
        double low = Math.min(0, Math.min(a.orElse(0), b.orElse(0)));
        double max = Math.max(high, -low);
        double scale = max == 0 ? 0 : StoryReport.BAR_MAX_HEIGHT / max;
        double zero = PLOT_TOP + high * scale;
        double bottom = zero - low * scale;
        boolean regression = isRegression(metric);
        double who = bottom + (low < 0 ? 30 : 16);
        Optional<Double> gain = gain(metric);
        boolean interval = interval(metric).isPresent();
        double height = who + (interval ? 82 : gain.isPresent() ? 46 : 26);
        Svg svg = new Svg(out)
                .open(
                        regression ? "chart regression" : "chart",
                        CHART_WIDTH,
                        height,
                        metric + " (" + directions.describe(metric) + ")",
                        "data-metric",
                        metric)
                .text("title", CHART_WIDTH / 2, 18, "middle", metric)
                .text(
                        regression ? "direction regression" : "direction",
                        CHART_WIDTH / 2,
                        34,
                        "middle",
                        directions.describe(metric) + (regression ? " · regression" : ""));
        if (scale > 0) {
            for (double tick : Axis.ticks(low, high, 4)) {
                double y = zero - tick * scale;
                if (tick != 0) {
                    svg.line("grid", LEFT, y, RIGHT, y);
                }
                svg.line("axis", LEFT - 4, y, LEFT, y).text("tick", LEFT - 7, y + 4, "end", Markup.number(tick));
            }
        }
        svg.line("axis", LEFT, PLOT_TOP - 6, LEFT, bottom).line("axis", LEFT, zero, RIGHT, zero);
        double centre = (LEFT + RIGHT) / 2;
        appendBar(svg, out, metric, "champion", champion, a, scale, zero, centre - BAR_WIDTH - 10, who, false);
        appendBar(svg, out, metric, "challenger", challenger, b, scale, zero, centre + 10, who, regression);
        gain.ifPresent(g -> appendGain(svg, metric, g, who + 38));
        svg.close();
    }

    private static void appendBar(
            Svg svg,
            StringBuilder out,
            String metric,
            String who,
            @Nullable Evaluation evaluation,
            OptionalDouble value,
            double scale,
            double zero,
            double x,
            double whoY,
            boolean regression) {
        double centre = x + BAR_WIDTH / 2;
        svg.text("who", centre, whoY, "middle", who);
        if (evaluation != null) {
            svg.text(
                    "version",
                    centre,
                    whoY + 12,
                    "middle",
                    "@" + evaluation.getModel().version());
        }
        if (value.isEmpty()) {
            return;
        }
        double v = value.getAsDouble();
        double h = Math.abs(v) * scale;
        out.append("<rect class=\"bar ")
                .append(who)
                .append(v < 0 ? " negative" : "")
                .append(regression ? " regression" : "")
                .append("\" data-metric=\"")
                .append(Markup.xml(metric))
                .append("\" data-model=\"")
                .append(who)
                .append("\" data-value=\"")
                .append(v)
                .append("\" x=\"")
                .append(Markup.coordinate(x))
                .append("\" y=\"")
                .append(Markup.coordinate(v < 0 ? zero : zero - h))
                .append("\" width=\"")
                .append(Markup.coordinate(BAR_WIDTH))
                .append("\" height=\"")
                .append(Markup.coordinate(h))
                .append("\"/>");
        svg.text("value", centre, v < 0 ? zero + h + 12 : zero - h - 5, "middle", Markup.number(v));
    }

    /**
     * The gain in words and, when a rule computed its interval, a strip: a zero mark, the gain as a dot and the
     * interval as a whisker, on a scale symmetric about 0 (an interval clear of the mark is a significant change).
     */
    private void appendGain(Svg svg, String metric, double gain, double y) {
        Optional<Finding> finding = interval(metric);
        Double lower = finding.map(Finding::lower).orElse(null);
        Double upper = finding.map(Finding::upper).orElse(null);
        String tone = (lower != null && lower > 0) || (lower == null && gain > 0)
                ? "good"
                : (upper != null && upper < 0) || gain < 0 ? "bad" : "unsure";
        String words = gain > 0 ? "better" : gain < 0 ? "worse" : "same";
        svg.text(
                "gain " + tone,
                CHART_WIDTH / 2,
                y,
                "middle",
                words + ", gain " + StoryReport.signed(gain)
                        + (lower != null && upper != null
                                ? " [" + StoryReport.signed(lower) + ", " + StoryReport.signed(upper) + "]"
                                : ""));
        if (lower == null || upper == null) {
            return;
        }
        double reach = Math.max(Math.abs(gain), Math.max(Math.abs(lower), Math.abs(upper)));
        double half = (RIGHT - LEFT) / 2;
        double mid = LEFT + half;
        double scale = reach == 0 ? 0 : half / (reach * 1.1);
        double strip = y + 18;
        double x1 = mid + lower * scale;
        double x2 = mid + upper * scale;
        svg.line("strip", LEFT, strip, RIGHT, strip)
                .line("zero", mid, strip - 7, mid, strip + 7)
                .text("strip-tick", mid, strip + 19, "middle", "0")
                .line("whisker " + tone, x1, strip, x2, strip)
                .line("whisker " + tone, x1, strip - 5, x1, strip + 5)
                .line("whisker " + tone, x2, strip - 5, x2, strip + 5)
                .circle(
                        "gain-dot " + tone,
                        mid + gain * scale,
                        strip,
                        4,
                        "gain " + StoryReport.signed(gain) + ", interval [" + StoryReport.signed(lower) + ", "
                                + StoryReport.signed(upper) + "] (positive is better)");
    }

    // ---- Markdown ---------------------------------------------------------------------------------------------

    void appendMarkdown(StringBuilder out) {
        List<String> metrics = metricNames();
        if (metrics.isEmpty()) {
            return;
        }
        out.append("## Metrics\n\n")
                .append(Markup.markdown(datasets()))
                .append("\n\n| metric | champion")
                .append(
                        champion == null
                                ? ""
                                : " (" + Markup.markdown(champion.getModel().toString()) + ")")
                .append(" | challenger")
                .append(
                        challenger == null
                                ? ""
                                : " (" + Markup.markdown(challenger.getModel().toString()) + ")")
                .append(" | difference | change |\n|---|---:|---:|---:|---|\n");
        for (String metric : metrics) {
            OptionalDouble a = value(champion, metric);
            OptionalDouble b = value(challenger, metric);
            String change = change(metric);
            out.append("| ")
                    .append(Markup.markdown(metric))
                    .append(" | ")
                    .append(a.isPresent() ? Markup.number(a.getAsDouble()) : "–")
                    .append(" | ")
                    .append(b.isPresent() ? Markup.number(b.getAsDouble()) : "–")
                    .append(" | ")
                    .append(
                            a.isPresent() && b.isPresent()
                                    ? StoryReport.signed(b.getAsDouble() - a.getAsDouble())
                                    : "–")
                    .append(" | ")
                    .append(
                            change.startsWith("worse")
                                    ? "**" + Markup.markdown(change) + "**"
                                    : Markup.markdown(change))
                    .append(" |\n");
        }
        out.append('\n');
    }
}
