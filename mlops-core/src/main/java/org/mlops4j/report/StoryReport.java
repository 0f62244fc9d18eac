package org.mlops4j.report;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.StorageException;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.drift.DriftReport;
import org.mlops4j.lineage.LineageExport;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;

/**
 * A report of a model's story, the page a data scientist reads after a run: where the data came from (the lineage
 * graph, with each model's aliases, live endpoints and gate decision), how the challenger measured against the
 * champion and on which dataset, what the comparison policy decided and why, what the per-example outcomes show, how
 * each slice and each input column moved, how the model's metrics evolved across versions, and the events along the
 * way. Every section appears when the report was given its data.
 *
 * <p>Two renderings:
 *
 * <ul>
 *   <li>{@link #toMarkdown()}: a Mermaid lineage graph and tables (metrics, findings, slices, drift, history,
 *       confusion matrices);
 *   <li>{@link #toHtml()}: one self-contained page, well-formed XHTML served as {@code .html}, with inline SVG: a
 *       layered lineage graph whose edges never cross a box or a label, one bar chart per metric with a value axis,
 *       the direction and the gain with its interval (regressions highlighted), ROC, precision–recall and calibration
 *       curves and confusion matrices when the evaluations carry outcomes, slice tables when the outcomes have slices,
 *       per-column drift tables, and line charts of each metric across the model's versions. Every name is escaped;
 *       a {@code Content-Security-Policy} meta tag forbids everything but inline styles; there are no scripts, links
 *       or external resources, so the page can be mailed or archived as it is.
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
 *         .alias(mlops.registry().findAlias("churn-classifier", "champion").orElseThrow())
 *         .live("churn", new ModelRef("churn-classifier", 2))
 *         .drift(DatasetRef.parse("churn-raw@1"), DatasetRef.parse("churn-raw@2"), driftReport)
 *         .history(mlops.registry().versions("churn-classifier"))
 *         .event(new ReportEvent(clock.instant(), "snapshot", "churn-raw@2 arrived"))
 *         .build();
 * report.writeHtml(Path.of("report.html"));
 * }</pre>
 */
public final class StoryReport {
    /** The Content-Security-Policy of the HTML page: nothing but inline styles and data: images. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    /** The height of the taller bar of a metric's chart. */
    static final double BAR_MAX_HEIGHT = 110;

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px 32px;color:#1f2933;\
            background:#fff}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid #d9e2ec;\
            padding-bottom:4px}h3{font-size:15px;margin:16px 0 8px}h3.drifted{color:#cf1124}
            p.facts,p.dataset,p.note,p.legend{font-size:14px;color:#486581;margin:4px 0 10px}p.dataset{color:#1f2933}
            table{border-collapse:collapse;font-size:14px;margin-bottom:6px}th,td{border:1px solid #d9e2ec;\
            padding:5px 10px;text-align:left;vertical-align:top}th{background:#f0f4f8}td.num{text-align:right;\
            font-variant-numeric:tabular-nums}
            tr.regression td,tr.drifted td{background:#fff1f1}tr.regression td.change,td.worse{color:#cf1124;\
            font-weight:600}tr.improved td.change,td.better{color:#147d64}td.direction{color:#486581;white-space:nowrap}
            tr.small td{color:#829ab1}tr.drifted td:first-child{font-weight:600;color:#cf1124}\
            td.verdict{white-space:nowrap}td.state{white-space:nowrap}
            tr.has-alias td:first-child{font-weight:700}tr.is-rejected td{color:#9b2c2c}\
            table.history{font-size:13px}table.history td{white-space:nowrap}
            ol.events{padding-left:20px;font-size:14px}ol.events time{color:#627d98;margin-right:8px;\
            font-variant-numeric:tabular-nums}ol.events .kind{display:inline-block;min-width:70px;font-weight:600}
            svg text{font-family:inherit}svg.lineage{max-width:100%;height:auto}
            svg.lineage .node rect{fill:#f0f4f8;stroke:#486581;stroke-width:1.5}\
            svg.lineage .dataset rect{fill:#e3f8ff}svg.lineage .model rect{fill:#fff3c4}
            svg.lineage .has-alias rect{stroke:#b88700;stroke-width:3}svg.lineage .is-live rect{fill:#e3f9e5}\
            svg.lineage .has-alias.is-live rect{stroke:#147d64}\
            svg.lineage .is-rejected rect{fill:#fff1f1;stroke:#cf1124;stroke-dasharray:6 4}
            svg.lineage .kind{font-size:11px;fill:#627d98;text-transform:uppercase;letter-spacing:.05em}\
            svg.lineage .name{font-size:14px;fill:#102a43}svg.lineage .state{font-size:11.5px;fill:#147d64;\
            font-weight:600}svg.lineage .is-rejected .state{fill:#cf1124}svg.lineage .is-rejected .name{fill:#9b2c2c}
            svg.lineage .edge line,svg.lineage .edge path{stroke:#829ab1;stroke-width:1.5;fill:none}\
            svg.lineage .edge polygon{fill:#829ab1}svg.lineage .edge text{font-size:11px;fill:#486581;\
            text-anchor:middle}
            .charts{display:flex;flex-wrap:wrap;gap:12px;margin-top:14px;align-items:flex-start}
            .charts svg{border:1px solid #d9e2ec;border-radius:6px}svg.chart.regression{border-color:#cf1124}
            svg .title{font-size:13px;font-weight:600;fill:#102a43}svg .direction{font-size:11px;fill:#627d98}\
            svg .direction.regression{fill:#cf1124;font-weight:600}
            svg .value,svg .who,svg .version,svg .tick,svg .strip-tick,svg .legend{font-size:11px;fill:#486581}\
            svg .axis-title{font-size:11px;fill:#627d98}svg .axis{stroke:#829ab1}svg .grid{stroke:#eef2f6}
            svg.chart .champion{fill:#9fb3c8}svg.chart .challenger{fill:#2680c2}svg.chart .challenger.regression\
            {fill:#e12d39}svg.chart .negative{opacity:.55}
            svg .gain{font-size:12px;font-weight:600}svg .gain.good{fill:#147d64}svg .gain.bad{fill:#cf1124}\
            svg .gain.unsure{fill:#b44d12}svg .strip{stroke:#d9e2ec}svg .zero{stroke:#829ab1}\
            svg .whisker{stroke-width:2}svg .whisker.good{stroke:#147d64}svg .whisker.bad{stroke:#cf1124}\
            svg .whisker.unsure{stroke:#b44d12}svg .gain-dot.good{fill:#147d64}svg .gain-dot.bad{fill:#cf1124}\
            svg .gain-dot.unsure{fill:#b44d12}
            svg .curve,svg .trend{fill:none;stroke-width:2}svg .curve.champion{stroke:#829ab1}\
            svg .curve.challenger{stroke:#2680c2}svg .diagonal,svg .baseline{stroke:#bcccdc;stroke-dasharray:4 4}\
            svg .dot.champion{fill:#829ab1}svg .dot.challenger{fill:#2680c2}
            svg .cell.hit{fill:#2680c2}svg .cell.miss{fill:#e12d39}svg .cell{stroke:#fff;stroke-width:2}\
            svg .count{font-size:14px;font-weight:600;fill:#102a43}svg .count.share{font-size:11px;font-weight:400}\
            svg .count.dark{fill:#fff}
            svg.meter{vertical-align:middle;margin-right:8px;border:0}svg.meter .track{fill:#eef2f6}\
            svg.meter .level{fill:#829ab1}svg.meter .level.drifted{fill:#e12d39}svg.meter .threshold{stroke:#102a43}
            svg .trend{stroke:#829ab1}svg .dot{fill:#627d98;stroke:#fff;stroke-width:1.5}svg .dot.has-alias\
            {fill:#b88700}svg .dot.is-live{fill:#147d64}svg .dot.is-rejected{fill:#e12d39}
            .decision{display:inline-block;padding:3px 10px;border-radius:4px;font-weight:700;color:#fff}
            .decision.PROMOTE{background:#199473}.decision.REJECT{background:#cf1124}\
            .decision.INCONCLUSIVE{background:#b44d12}
            td.PROMOTE{color:#199473;font-weight:600}td.REJECT{color:#cf1124;font-weight:600}\
            td.INCONCLUSIVE{color:#b44d12;font-weight:600}
            p.none{color:#627d98;font-style:italic}
            """;

    private final String title;
    private final @Nullable LineageGraph lineage;
    private final @Nullable Verdict verdict;
    private final @Nullable DatasetRef evaluationDataset;
    private final List<ReportEvent> events;
    private final Map<LineageNode, NodeState> states;
    private final Map<String, ModelRef> live;
    private final List<ModelAlias> aliases;
    private final Directions directions;
    private final ComparisonSection comparison;
    private final OutcomeSection outcomes;
    private final SliceSection slices;
    private final DriftSection drift;
    private final HistorySection history;

    private StoryReport(Builder b) {
        this.title = b.title;
        this.lineage = b.lineage;
        this.verdict = b.verdict;
        this.evaluationDataset = b.challenger != null ? b.challenger.getDataset() : null;
        this.events = List.copyOf(b.events);
        this.live = Collections.unmodifiableMap(new LinkedHashMap<>(b.live)); // in the order given
        this.aliases = List.copyOf(b.aliases);
        Map<LineageNode, NodeState> s = new LinkedHashMap<>();
        for (ModelAlias alias : b.aliases) {
            s.merge(node(alias.ref()), NodeState.NONE.withAlias(alias.alias()), (x, y) -> x.withAlias(alias.alias()));
        }
        b.live.forEach((endpoint, model) ->
                s.merge(node(model), NodeState.NONE.withLive(endpoint), (x, y) -> x.withLive(endpoint)));
        Map<ModelRef, Decision> decisions = new LinkedHashMap<>();
        if (b.verdict != null) {
            decisions.put(b.verdict.getChallenger(), b.verdict.getDecision());
        }
        decisions.putAll(b.decisions);
        decisions.forEach(
                (model, d) -> s.merge(node(model), NodeState.NONE.withDecision(d), (x, y) -> x.withDecision(d)));
        // sorted by model and version, so that the Markdown's list does not depend on the order of the calls
        Map<LineageNode, NodeState> sorted = new TreeMap<>(Comparator.comparing(LineageNode::name)
                .thenComparingLong(LineageNode::version)
                .thenComparing(LineageNode::kind));
        sorted.putAll(s);
        this.states = Collections.unmodifiableMap(sorted);
        this.directions = new Directions(b.directions, b.verdict);
        this.comparison = new ComparisonSection(b.champion, b.challenger, b.verdict, directions);
        List<String> roles = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        if (b.champion != null) {
            roles.add("champion");
            evaluations.add(b.champion);
        }
        if (b.challenger != null) {
            roles.add("challenger");
            evaluations.add(b.challenger);
        }
        this.outcomes = new OutcomeSection(OutcomeSection.of(roles, evaluations));
        this.slices = new SliceSection(b.champion, b.challenger, directions);
        this.drift = new DriftSection(b.drift);
        List<Evaluation> known = new ArrayList<>(evaluations);
        known.addAll(b.evaluations);
        this.history = new HistorySection(
                b.history,
                known,
                evaluationDataset != null ? evaluationDataset : b.champion != null ? b.champion.getDataset() : null,
                states,
                directions);
    }

    private static LineageNode node(ModelRef model) {
        return LineageNode.model(model.name(), model.version());
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
     * Renders the report as Markdown: the events as a list, the lineage as a Mermaid flowchart with the models'
     * states listed under it, and tables of the metrics, the verdict's findings, slices, drift, history and confusion
     * matrices. Names are escaped so that they cannot add links, HTML or table cells.
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
            states.forEach((node, state) -> out.append("- ")
                    .append(Markup.markdown(node.name() + "@" + node.version()))
                    .append(": ")
                    .append(Markup.markdown(state.describe()))
                    .append('\n'));
            out.append(states.isEmpty() ? "" : "\n");
        }
        comparison.appendMarkdown(out);
        if (verdict != null) {
            out.append("## Verdict: **").append(verdict.getDecision()).append("**\n\n");
            for (Finding f : verdict.getFindings()) {
                out.append("- ").append(Markup.markdown(f.toString())).append('\n');
            }
            out.append('\n');
        }
        outcomes.appendMarkdown(out);
        slices.appendMarkdown(out);
        drift.appendMarkdown(out);
        history.appendMarkdown(out);
        return out.toString();
    }

    /**
     * Renders the report as one self-contained HTML page (well-formed XHTML): see the class comment.
     *
     * @return the page
     */
    public String toHtml() {
        StringBuilder out = new StringBuilder(65_536);
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
        appendFacts(out);
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
            if (!states.isEmpty()) {
                out.append("<p class=\"legend\">★ an alias points at the model · ● live on an endpoint")
                        .append(" · ✗ rejected by the comparison gate (dashed)</p>\n");
            }
            new LineageLayout(lineage, states).appendSvg(out);
        }
        comparison.appendHtml(out);
        appendFindings(out);
        outcomes.appendHtml(out);
        slices.appendHtml(out);
        drift.appendHtml(out);
        history.appendHtml(out);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /**
     * Writes {@link #toMarkdown()} to a file (UTF-8), creating its directory.
     *
     * @param file the file
     * @return the file
     * @throws StorageException if it cannot be written
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
     * @throws StorageException if it cannot be written
     */
    @CanIgnoreReturnValue
    public Path writeHtml(Path file) {
        return write(file, toHtml());
    }

    /** One line under the verdict: which version the aliases and endpoints point at now. */
    private void appendFacts(StringBuilder out) {
        List<String> facts = new ArrayList<>();
        aliases.forEach(a -> facts.add(a.alias() + ": " + a.ref()));
        live.forEach((endpoint, model) -> facts.add("live on " + endpoint + ": " + model));
        if (!facts.isEmpty()) {
            out.append("<p class=\"facts\" id=\"facts\">")
                    .append(Markup.xml(String.join(" · ", facts)))
                    .append("</p>\n");
        }
    }

    private static Path write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StorageException.of("cannot write the report to " + file + ": " + e + "; choose a writable path", e);
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
                .append(evaluationDataset == null ? "" : " on " + Markup.xml(evaluationDataset.toString()))
                .append("</p>\n");
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

    static String signed(double value) {
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
                + comparison.metricNames().size() + " metrics, "
                + (verdict == null ? "no verdict" : verdict.getDecision()) + ", " + events.size() + " events}";
    }

    /** Builds a {@link StoryReport}. Not thread-safe; each part may be set once. */
    public static final class Builder {
        private final String title;
        private @Nullable LineageGraph lineage;
        private @Nullable Evaluation champion;
        private @Nullable Evaluation challenger;
        private @Nullable Verdict verdict;
        private final List<ReportEvent> events = new ArrayList<>();
        private final List<ModelAlias> aliases = new ArrayList<>();
        private final Map<ModelRef, Decision> decisions = new LinkedHashMap<>();
        private final Map<String, ModelRef> live = new LinkedHashMap<>();
        private final Map<String, Boolean> directions = new LinkedHashMap<>();
        private final List<DriftSection.Compared> drift = new ArrayList<>();
        private List<ModelVersion> history = List.of();
        private final List<Evaluation> evaluations = new ArrayList<>();
        private boolean historySet;

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
         * Sets the champion's evaluation. With per-example outcomes it adds the champion's curves, confusion matrix
         * and (when paired with the challenger's) slice metrics.
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
         * Sets the challenger's evaluation. With per-example outcomes it adds ROC, precision–recall and calibration
         * curves (binary labels with scores), a confusion matrix (class labels) and, when the outcomes have slices,
         * a table of metrics per slice.
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
         * Sets the comparison's verdict. Its findings orient the metrics (which way is better) and give the gains'
         * intervals; its challenger is marked with the decision on the lineage graph.
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
         * Marks the model version an alias points at (drawn on its lineage node and in the history), e.g. the
         * registry's {@code findAlias(model, "champion")}.
         *
         * @param alias the alias
         * @return this builder
         * @throws IllegalStateException if this model's alias was already given
         */
        @CanIgnoreReturnValue
        public Builder alias(ModelAlias alias) {
            Objects.requireNonNull(alias, "alias");
            for (ModelAlias known : aliases) {
                if (known.model().equals(alias.model()) && known.alias().equals(alias.alias())) {
                    throw new IllegalStateException("the report's alias '" + alias.alias() + "' of " + alias.model()
                            + " is already set to version " + known.version());
                }
            }
            aliases.add(alias);
            return this;
        }

        /**
         * Records the comparison gate's decision on a model version that is not the verdict's challenger, such as an
         * earlier challenger that was rejected; a rejected model is drawn dashed and red.
         *
         * @param model the model version
         * @param decision the gate's decision on it
         * @return this builder
         * @throws IllegalStateException if this model's decision was already given
         */
        @CanIgnoreReturnValue
        public Builder decision(ModelRef model, Decision decision) {
            putOnce(
                    decisions,
                    Objects.requireNonNull(model, "model"),
                    Objects.requireNonNull(decision, "decision"),
                    "decision on " + model);
            return this;
        }

        /**
         * Marks the model version that answers on an endpoint now, e.g. the model of
         * {@code mlops.deployments().explain(endpoint)}.
         *
         * @param endpoint the endpoint's name, not blank
         * @param model the model version live on it
         * @return this builder
         * @throws IllegalArgumentException if the endpoint is blank
         * @throws IllegalStateException if this endpoint's live model was already given
         */
        @CanIgnoreReturnValue
        public Builder live(String endpoint, ModelRef model) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoint.isBlank()) {
                throw new IllegalArgumentException("an endpoint's name must not be blank, got '" + endpoint + "'");
            }
            putOnce(live, endpoint, Objects.requireNonNull(model, "model"), "live model on '" + endpoint + "'");
            return this;
        }

        /**
         * Adds a drift comparison, shown as a table of every column's test; may be called once per comparison.
         *
         * @param reference the reference dataset version
         * @param current the current dataset version
         * @param report the drift report of {@code current} against {@code reference}
         * @return this builder
         * @throws IllegalStateException if this comparison was already added
         */
        @CanIgnoreReturnValue
        public Builder drift(DatasetRef reference, DatasetRef current, DriftReport report) {
            DriftSection.Compared compared = new DriftSection.Compared(reference, current, report);
            for (DriftSection.Compared known : drift) {
                if (known.reference().equals(reference) && known.current().equals(current)) {
                    throw new IllegalStateException(
                            "the report's drift of " + current + " against " + reference + " is already set");
                }
            }
            drift.add(compared);
            return this;
        }

        /**
         * Sets the model's registered versions whose metrics the history shows, e.g.
         * {@code mlops.registry().versions(name)}.
         *
         * @param versions the versions, in any order
         * @return this builder
         * @throws IllegalStateException if the history was already set
         */
        @CanIgnoreReturnValue
        public Builder history(Iterable<ModelVersion> versions) {
            Objects.requireNonNull(versions, "versions");
            if (historySet) {
                throw new IllegalStateException("the report's history is already set");
            }
            List<ModelVersion> list = new ArrayList<>();
            versions.forEach(v -> list.add(Objects.requireNonNull(v, "a version")));
            this.history = list;
            this.historySet = true;
            return this;
        }

        /**
         * Adds another model version's evaluation to the history, e.g. a rejected challenger's: evaluations on the
         * challenger's evaluation dataset are charted across versions beside the champion's and the challenger's.
         *
         * @param evaluation the evaluation
         * @return this builder
         * @throws IllegalStateException if an evaluation of this model on this dataset was already added
         */
        @CanIgnoreReturnValue
        public Builder evaluation(Evaluation evaluation) {
            Objects.requireNonNull(evaluation, "evaluation");
            for (Evaluation known : evaluations) {
                if (known.getModel().equals(evaluation.getModel())
                        && known.getDataset().equals(evaluation.getDataset())) {
                    throw new IllegalStateException("the report's evaluation of " + evaluation.getModel() + " on "
                            + evaluation.getDataset() + " is already set");
                }
            }
            evaluations.add(evaluation);
            return this;
        }

        /**
         * States that a higher value of a metric is better, for a metric that neither the verdict nor the standard
         * metrics orient (the report then shows its gains and flags its regressions).
         *
         * @param metric the metric's name
         * @return this builder
         * @throws IllegalStateException if the metric's direction was already given
         */
        @CanIgnoreReturnValue
        public Builder higherIsBetter(String metric) {
            return direction(metric, true);
        }

        /**
         * States that a lower value of a metric is better (latency, loss, cost).
         *
         * @param metric the metric's name
         * @return this builder
         * @throws IllegalStateException if the metric's direction was already given
         */
        @CanIgnoreReturnValue
        public Builder lowerIsBetter(String metric) {
            return direction(metric, false);
        }

        private Builder direction(String metric, boolean higher) {
            putOnce(
                    directions,
                    Objects.requireNonNull(metric, "metric"),
                    higher,
                    "direction of metric '" + metric + "'");
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

        /** Puts a part that may be given once per key; {@code what} names it in the message. */
        private static <K, V> void putOnce(Map<K, V> parts, K key, V value, String what) {
            V known = parts.putIfAbsent(key, value);
            if (known != null) {
                throw new IllegalStateException("the report's " + what + " is already set to " + describe(known));
            }
        }

        private static String describe(Object value) {
            return value instanceof Boolean higher
                    ? (higher ? "higher is better" : "lower is better")
                    : value.toString();
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
