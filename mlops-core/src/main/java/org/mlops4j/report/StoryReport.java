package org.mlops4j.report;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;
import org.mlops4j.lineage.LineageExport;
import org.mlops4j.lineage.LineageGraph;

/**
 * A report of a model's story: where its data came from (the lineage graph), how the challenger measured against the
 * champion, what the comparison policy decided and why, and the events along the way.
 *
 * <p>Two renderings:
 *
 * <ul>
 *   <li>{@link #toMarkdown()}: a Mermaid lineage graph, a metrics table, the verdict's findings and the events;
 *   <li>{@link #toHtml()}: one self-contained page, well-formed XHTML served as {@code .html}: an inline SVG lineage
 *       graph (columns by depth, boxes and arrows), an inline SVG bar chart per metric (champion beside challenger,
 *       bar heights proportional to the values), the verdict with its findings and the events. Every name is
 *       escaped; a {@code Content-Security-Policy} meta tag forbids everything but inline styles; there are no
 *       scripts, links or external resources, so the page can be mailed or archived as it is.
 * </ul>
 *
 * <p>Immutable and thread-safe. Example:
 *
 * <pre>{@code
 * StoryReport report = StoryReport.builder("churn-classifier: weekly retraining")
 *         .lineage(mlops.lineage().upstream(LineageNode.model("churn-classifier", 2)))
 *         .champion(championEvaluation)
 *         .challenger(challengerEvaluation)
 *         .verdict(verdict)
 *         .event(new ReportEvent(clock.instant(), "snapshot", "churn-raw@2 arrived"))
 *         .build();
 * report.writeHtml(Path.of("report.html"));
 * }</pre>
 */
public final class StoryReport {
    /** The Content-Security-Policy of the HTML page: nothing but inline styles and data: images. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    static final double BAR_MAX_HEIGHT = 110;
    private static final double CHART_WIDTH = 250;
    private static final double CHART_HEIGHT = 185;
    private static final double BAR_WIDTH = 64;
    private static final double BAR_BASE = 155;

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px 32px;color:#1f2933;\
            background:#fff}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #d9e2ec;\
            padding-bottom:4px}
            table{border-collapse:collapse;font-size:14px}th,td{border:1px solid #d9e2ec;padding:5px 10px;\
            text-align:left;vertical-align:top}th{background:#f0f4f8}td.num{text-align:right;\
            font-variant-numeric:tabular-nums}
            ol.events{padding-left:20px;font-size:14px}ol.events time{color:#627d98;margin-right:8px;\
            font-variant-numeric:tabular-nums}ol.events .kind{display:inline-block;min-width:70px;font-weight:600}
            svg text{font-family:inherit}
            svg.lineage .node rect{fill:#f0f4f8;stroke:#486581;stroke-width:1.5}\
            svg.lineage .dataset rect{fill:#e3f8ff}svg.lineage .model rect{fill:#fff3c4}
            svg.lineage .kind{font-size:11px;fill:#627d98;text-transform:uppercase;letter-spacing:.05em}\
            svg.lineage .name{font-size:14px;fill:#102a43}
            svg.lineage .edge line,svg.lineage .edge path{stroke:#829ab1;stroke-width:1.5;fill:none}svg.lineage .edge polygon{fill:#829ab1}\
            svg.lineage .edge text{font-size:11px;fill:#486581;text-anchor:middle}
            .charts{display:flex;flex-wrap:wrap;gap:12px;margin-top:14px}svg.chart{border:1px solid #d9e2ec;border-radius:6px}
            svg.chart .title{font-size:13px;font-weight:600;fill:#102a43;text-anchor:middle}\
            svg.chart .value,svg.chart .who{font-size:11px;fill:#486581;text-anchor:middle}\
            svg.chart .axis{stroke:#9fb3c8}
            svg.chart .champion{fill:#9fb3c8}svg.chart .challenger{fill:#2680c2}svg.chart .negative{opacity:.55}
            .decision{display:inline-block;padding:3px 10px;border-radius:4px;font-weight:700;color:#fff}
            .decision.PROMOTE{background:#199473}.decision.REJECT{background:#cf1124}\
            .decision.INCONCLUSIVE{background:#b44d12}
            td.PROMOTE{color:#199473;font-weight:600}td.REJECT{color:#cf1124;font-weight:600}\
            td.INCONCLUSIVE{color:#b44d12;font-weight:600}
            p.none{color:#627d98;font-style:italic}
            """;

    private final String title;
    private final @Nullable LineageGraph lineage;
    private final @Nullable Evaluation champion;
    private final @Nullable Evaluation challenger;
    private final @Nullable Verdict verdict;
    private final List<ReportEvent> events;

    private StoryReport(Builder b) {
        this.title = b.title;
        this.lineage = b.lineage;
        this.champion = b.champion;
        this.challenger = b.challenger;
        this.verdict = b.verdict;
        this.events = List.copyOf(b.events);
    }

    /**
     * Starts a report.
     *
     * @param title the report's title; any text
     * @return a builder
     * @throws NullPointerException if the title is null
     */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** Returns the title. */
    public String getTitle() {
        return title;
    }

    /** Returns the events, in the order they were added. */
    public List<ReportEvent> getEvents() {
        return events;
    }

    /**
     * Renders the report as Markdown: the events as a list, the lineage as a Mermaid flowchart, the metrics as a table
     * and the verdict's findings as a list. Names are escaped so that they cannot add links, HTML or table cells.
     *
     * @return the Markdown text
     */
    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(Markup.markdown(title)).append("\n\n");
        if (!events.isEmpty()) {
            out.append("## Story\n\n");
            for (ReportEvent e : events) {
                out.append("- ")
                        .append(e.time().truncatedTo(ChronoUnit.SECONDS))
                        .append(" **")
                        .append(Markup.markdown(e.kind()))
                        .append("** ")
                        .append(Markup.markdown(e.text()))
                        .append('\n');
            }
            out.append('\n');
        }
        if (lineage != null) {
            String mermaid = LineageExport.toMermaid(lineage);
            String fence = "`".repeat(Math.max(3, longestRun(mermaid, '`') + 1));
            out.append("## Lineage\n\n")
                    .append(fence)
                    .append("mermaid\n")
                    .append(mermaid)
                    .append(fence)
                    .append("\n\n");
        }
        List<String> metrics = metricNames();
        if (!metrics.isEmpty()) {
            out.append("## Metrics\n\n| metric | champion")
                    .append(
                            champion == null
                                    ? ""
                                    : " (" + Markup.markdown(champion.getModel().toString()) + ")")
                    .append(" | challenger")
                    .append(
                            challenger == null
                                    ? ""
                                    : " ("
                                            + Markup.markdown(
                                                    challenger.getModel().toString()) + ")")
                    .append(" | difference |\n|---|---:|---:|---:|\n");
            for (String metric : metrics) {
                OptionalDouble a = value(champion, metric);
                OptionalDouble b = value(challenger, metric);
                out.append("| ")
                        .append(Markup.markdown(metric))
                        .append(" | ")
                        .append(a.isPresent() ? Markup.number(a.getAsDouble()) : "–")
                        .append(" | ")
                        .append(b.isPresent() ? Markup.number(b.getAsDouble()) : "–")
                        .append(" | ")
                        .append(a.isPresent() && b.isPresent() ? signed(b.getAsDouble() - a.getAsDouble()) : "–")
                        .append(" |\n");
            }
            out.append('\n');
        }
        if (verdict != null) {
            out.append("## Verdict: **").append(verdict.getDecision()).append("**\n\n");
            for (Finding f : verdict.getFindings()) {
                out.append("- ").append(Markup.markdown(f.toString())).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Renders the report as one self-contained HTML page (well-formed XHTML): see the class comment.
     *
     * @return the page
     */
    public String toHtml() {
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
                .append(Markup.xml(CONTENT_SECURITY_POLICY))
                .append("\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
                .append(Markup.xml(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(Markup.xml(title))
                .append("</h1>\n");
        appendVerdictBadge(out);
        if (!events.isEmpty()) {
            out.append("<h2>Story</h2>\n<ol class=\"events\">\n");
            for (ReportEvent e : events) {
                out.append("<li><time>")
                        .append(e.time().truncatedTo(ChronoUnit.SECONDS))
                        .append("</time><span class=\"kind\">")
                        .append(Markup.xml(e.kind()))
                        .append("</span> ")
                        .append(Markup.xml(e.text()))
                        .append("</li>\n");
            }
            out.append("</ol>\n");
        }
        if (lineage != null) {
            out.append("<h2>Lineage</h2>\n");
            new LineageLayout(lineage).appendSvg(out);
        }
        appendMetrics(out);
        appendFindings(out);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /**
     * Writes {@link #toMarkdown()} to a file (UTF-8), creating its directory.
     *
     * @param file the file
     * @return the file
     * @throws UncheckedIOException if it cannot be written
     */
    @CanIgnoreReturnValue
    public Path writeMarkdown(Path file) {
        return write(file, toMarkdown());
    }

    /**
     * Writes {@link #toHtml()} to a file (UTF-8), creating its directory.
     *
     * @param file the file
     * @return the file
     * @throws UncheckedIOException if it cannot be written
     */
    @CanIgnoreReturnValue
    public Path writeHtml(Path file) {
        return write(file, toHtml());
    }

    private static Path write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + file + ": " + e.getMessage(), e);
        }
    }

    private void appendVerdictBadge(StringBuilder out) {
        if (verdict == null) {
            return;
        }
        out.append("<p>Verdict: <span class=\"decision ")
                .append(verdict.getDecision())
                .append("\" id=\"decision\">")
                .append(verdict.getDecision())
                .append("</span> ")
                .append(Markup.xml(verdict.getChallenger().toString()))
                .append(verdict.getChampion()
                        .map(c -> " over " + Markup.xml(c.toString()))
                        .orElse(" (no champion)"))
                .append("</p>\n");
    }

    private void appendMetrics(StringBuilder out) {
        List<String> metrics = metricNames();
        if (metrics.isEmpty()) {
            return;
        }
        out.append("<h2>Champion vs challenger</h2>\n<table class=\"metrics\">\n<tr><th>metric</th><th>champion")
                .append(
                        champion == null
                                ? ""
                                : " " + Markup.xml(champion.getModel().toString()))
                .append("</th><th>challenger")
                .append(
                        challenger == null
                                ? ""
                                : " " + Markup.xml(challenger.getModel().toString()))
                .append("</th><th>difference</th></tr>\n");
        for (String metric : metrics) {
            OptionalDouble a = value(champion, metric);
            OptionalDouble b = value(challenger, metric);
            out.append("<tr><td>")
                    .append(Markup.xml(metric))
                    .append("</td><td class=\"num\">")
                    .append(a.isPresent() ? Markup.number(a.getAsDouble()) : "–")
                    .append("</td><td class=\"num\">")
                    .append(b.isPresent() ? Markup.number(b.getAsDouble()) : "–")
                    .append("</td><td class=\"num\">")
                    .append(a.isPresent() && b.isPresent() ? signed(b.getAsDouble() - a.getAsDouble()) : "–")
                    .append("</td></tr>\n");
        }
        out.append("</table>\n<div class=\"charts\">\n");
        for (String metric : metrics) {
            appendChart(out, metric, value(champion, metric), value(challenger, metric));
        }
        out.append("</div>\n");
    }

    /** One metric's chart: a bar per model, heights proportional to |value| (the larger is full height). */
    private static void appendChart(StringBuilder out, String metric, OptionalDouble a, OptionalDouble b) {
        double max =
                Math.max(a.isPresent() ? Math.abs(a.getAsDouble()) : 0, b.isPresent() ? Math.abs(b.getAsDouble()) : 0);
        out.append("<svg class=\"chart\" data-metric=\"")
                .append(Markup.xml(metric))
                .append("\" width=\"")
                .append(Markup.coordinate(CHART_WIDTH))
                .append("\" height=\"")
                .append(Markup.coordinate(CHART_HEIGHT))
                .append("\" viewBox=\"0 0 ")
                .append(Markup.coordinate(CHART_WIDTH))
                .append(' ')
                .append(Markup.coordinate(CHART_HEIGHT))
                .append("\" role=\"img\" aria-label=\"")
                .append(Markup.xml(metric))
                .append("\"><title>")
                .append(Markup.xml(metric))
                .append("</title><text class=\"title\" x=\"")
                .append(Markup.coordinate(CHART_WIDTH / 2))
                .append("\" y=\"16\">")
                .append(Markup.xml(metric))
                .append("</text><line class=\"axis\" x1=\"20\" y1=\"")
                .append(Markup.coordinate(BAR_BASE))
                .append("\" x2=\"")
                .append(Markup.coordinate(CHART_WIDTH - 20))
                .append("\" y2=\"")
                .append(Markup.coordinate(BAR_BASE))
                .append("\"/>");
        appendBar(out, metric, "champion", a, max, CHART_WIDTH / 2 - BAR_WIDTH - 12);
        appendBar(out, metric, "challenger", b, max, CHART_WIDTH / 2 + 12);
        out.append("</svg>\n");
    }

    private static void appendBar(
            StringBuilder out, String metric, String who, OptionalDouble value, double max, double x) {
        double centre = x + BAR_WIDTH / 2;
        out.append("<text class=\"who\" x=\"")
                .append(Markup.coordinate(centre))
                .append("\" y=\"")
                .append(Markup.coordinate(BAR_BASE + 16))
                .append("\">")
                .append(who)
                .append("</text>");
        if (value.isEmpty()) {
            return;
        }
        double v = value.getAsDouble();
        double height = max == 0 ? 0 : Math.abs(v) / max * BAR_MAX_HEIGHT;
        out.append("<rect class=\"bar ")
                .append(who)
                .append(v < 0 ? " negative" : "")
                .append("\" data-metric=\"")
                .append(Markup.xml(metric))
                .append("\" data-model=\"")
                .append(who)
                .append("\" data-value=\"")
                .append(v)
                .append("\" x=\"")
                .append(Markup.coordinate(x))
                .append("\" y=\"")
                .append(Markup.coordinate(BAR_BASE - height))
                .append("\" width=\"")
                .append(Markup.coordinate(BAR_WIDTH))
                .append("\" height=\"")
                .append(Markup.coordinate(height))
                .append("\"/><text class=\"value\" x=\"")
                .append(Markup.coordinate(centre))
                .append("\" y=\"")
                .append(Markup.coordinate(BAR_BASE - height - 5))
                .append("\">")
                .append(Markup.number(v))
                .append("</text>");
    }

    private void appendFindings(StringBuilder out) {
        if (verdict == null) {
            return;
        }
        out.append("<h2>Verdict: ").append(verdict.getDecision()).append("</h2>\n");
        if (verdict.getFindings().isEmpty()) {
            out.append("<p class=\"none\">The policy has no rules.</p>\n");
            return;
        }
        out.append("<table class=\"findings\">\n<tr><th>rule</th><th>decision</th><th>champion</th>")
                .append("<th>challenger</th><th>gain</th><th>needs</th><th>detail</th></tr>\n");
        for (Finding f : verdict.getFindings()) {
            out.append("<tr><td>")
                    .append(Markup.xml(f.rule()))
                    .append("</td><td class=\"")
                    .append(f.decision())
                    .append("\">")
                    .append(f.decision())
                    .append("</td><td class=\"num\">")
                    .append(f.champion() == null ? "–" : Markup.number(f.champion()))
                    .append("</td><td class=\"num\">")
                    .append(f.challenger() == null ? "–" : Markup.number(f.challenger()))
                    .append("</td><td class=\"num\">")
                    .append(f.delta() == null ? "–" : signed(f.delta()))
                    .append(
                            f.lower() != null && f.upper() != null
                                    ? " [" + signed(f.lower()) + ", " + signed(f.upper()) + "]"
                                    : "")
                    .append("</td><td>")
                    .append(Markup.xml(f.threshold()))
                    .append("</td><td>")
                    .append(Markup.xml(f.detail()))
                    .append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private List<String> metricNames() {
        TreeSet<String> names = new TreeSet<>();
        if (champion != null) {
            names.addAll(champion.getMetrics().keySet());
        }
        if (challenger != null) {
            names.addAll(challenger.getMetrics().keySet());
        }
        return new ArrayList<>(names);
    }

    private static OptionalDouble value(@Nullable Evaluation evaluation, String metric) {
        return evaluation == null ? OptionalDouble.empty() : evaluation.findMetric(metric);
    }

    private static String signed(double value) {
        return (value >= 0 ? "+" : "") + Markup.number(value);
    }

    private static int longestRun(String text, char c) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == c ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    @Override
    public String toString() {
        return "StoryReport{" + title + ", "
                + (lineage == null ? 0 : lineage.nodes().size()) + " lineage nodes, "
                + metricNames().size() + " metrics, " + (verdict == null ? "no verdict" : verdict.getDecision())
                + ", " + events.size() + " events}";
    }

    /** Builds a {@link StoryReport}. Not thread-safe; each part may be set once. */
    public static final class Builder {
        private final String title;
        private @Nullable LineageGraph lineage;
        private @Nullable Evaluation champion;
        private @Nullable Evaluation challenger;
        private @Nullable Verdict verdict;
        private final List<ReportEvent> events = new ArrayList<>();

        private Builder(String title) {
            this.title = Objects.requireNonNull(title, "title");
        }

        /**
         * Sets the lineage graph to draw.
         *
         * @param graph the graph, e.g. {@code mlops.lineage().upstream(node)}
         * @return this builder
         * @throws IllegalStateException if the lineage was already set
         */
        @CanIgnoreReturnValue
        public Builder lineage(LineageGraph graph) {
            once(lineage, "lineage");
            this.lineage = Objects.requireNonNull(graph, "graph");
            return this;
        }

        /**
         * Sets the champion's evaluation.
         *
         * @param evaluation the evaluation
         * @return this builder
         * @throws IllegalStateException if the champion was already set
         */
        @CanIgnoreReturnValue
        public Builder champion(Evaluation evaluation) {
            once(champion, "champion");
            this.champion = Objects.requireNonNull(evaluation, "evaluation");
            return this;
        }

        /**
         * Sets the challenger's evaluation.
         *
         * @param evaluation the evaluation
         * @return this builder
         * @throws IllegalStateException if the challenger was already set
         */
        @CanIgnoreReturnValue
        public Builder challenger(Evaluation evaluation) {
            once(challenger, "challenger");
            this.challenger = Objects.requireNonNull(evaluation, "evaluation");
            return this;
        }

        /**
         * Sets the comparison's verdict.
         *
         * @param verdict the verdict
         * @return this builder
         * @throws IllegalStateException if the verdict was already set
         */
        @CanIgnoreReturnValue
        public Builder verdict(Verdict verdict) {
            once(this.verdict, "verdict");
            this.verdict = Objects.requireNonNull(verdict, "verdict");
            return this;
        }

        /**
         * Appends an event to the story.
         *
         * @param event the event
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder event(ReportEvent event) {
            events.add(Objects.requireNonNull(event, "event"));
            return this;
        }

        /**
         * Appends events to the story.
         *
         * @param more the events, in order
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder events(List<ReportEvent> more) {
            more.forEach(this::event);
            return this;
        }

        private static void once(@Nullable Object current, String part) {
            if (current != null) {
                throw new IllegalStateException("the report's " + part + " is already set");
            }
        }

        /**
         * Builds the report.
         *
         * @return the report
         */
        public StoryReport build() {
            return new StoryReport(this);
        }
    }
}
