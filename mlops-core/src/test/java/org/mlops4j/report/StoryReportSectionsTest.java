package org.mlops4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mlops4j.report.StoryReportTest.parse;
import static org.mlops4j.report.StoryReportTest.withClass;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Metrics;
import org.mlops4j.compare.Outcomes;
import org.mlops4j.compare.Policies;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.drift.Column;
import org.mlops4j.drift.Columns;
import org.mlops4j.drift.Drift;
import org.mlops4j.drift.DriftReport;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Acceptance 4 of issue 18: each section of the report is there when its data is, and draws what it was given. */
class StoryReportSectionsTest {
    static final DatasetRef HOLDOUT = DatasetRef.parse("churn-holdout@2");
    static final ModelRef V1 = new ModelRef("churn-classifier", 1);
    static final ModelRef V2 = new ModelRef("churn-classifier", 2);
    static final ModelRef V3 = new ModelRef("churn-classifier", 3);
    static final int EXAMPLES = 600;
    static final String[] REGIONS = {"EU", "US", "APAC"};

    /** Binary outcomes with scores and a region per example; the challenger is sharper except in EU, where it guesses. */
    static Outcomes outcomes(boolean challenger) {
        Random random = new Random(11);
        double[] labels = new double[EXAMPLES];
        double[] scores = new double[EXAMPLES];
        String[] regions = new String[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            labels[i] = random.nextBoolean() ? 1 : 0;
            regions[i] = REGIONS[i % 3];
            double noise = random.nextGaussian();
            double guess = random.nextDouble();
            double signal = labels[i] == 1 ? 0.7 : 0.3;
            scores[i] = challenger
                    ? (regions[i].equals("EU") ? guess : clamp(signal + 0.12 * noise))
                    : clamp(0.5 + (signal - 0.5) * 0.6 + 0.2 * noise);
        }
        double[] predictions = IntStream.range(0, EXAMPLES)
                .mapToDouble(i -> scores[i] >= 0.5 ? 1 : 0)
                .toArray();
        return Outcomes.of(labels, predictions).withScores(scores).withSlice("region", regions);
    }

    static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    static Evaluation evaluation(ModelRef model, boolean challenger, double latency) {
        return Evaluation.builder(model, HOLDOUT)
                .outcomes(outcomes(challenger))
                .computeMetrics()
                .metric("latency_ms", latency)
                .build();
    }

    static final Evaluation CHAMPION = evaluation(V1, false, 20);
    static final Evaluation CHALLENGER = evaluation(V2, true, 35);
    static final Verdict VERDICT = Policies.allOf(
                    Policies.metric("auc").higherIsBetter().minAbsoluteGain(0.005),
                    Policies.significantGain("accuracy")
                            .pairedBootstrap(400)
                            .confidence(0.95)
                            .seed(3))
            .compare(CHAMPION, CHALLENGER);

    static LineageGraph lineage() {
        LineageNode train = LineageNode.dataset("churn-train", 2);
        LineageNode holdout = LineageNode.dataset("churn-holdout", 2);
        List<LineageEdge> edges = new ArrayList<>();
        for (ModelRef model : List.of(V1, V2, V3)) {
            LineageNode node = LineageNode.model(model.name(), model.version());
            edges.add(new LineageEdge(train, node, "train"));
            edges.add(new LineageEdge(holdout, node, "eval"));
        }
        edges.add(new LineageEdge(LineageNode.model(V2.name(), 2), LineageNode.deployment("churn", 2), "deploy"));
        return new LineageGraph(LineageNode.model(V2.name(), 2), List.of(), edges);
    }

    /** The one place that builds registered versions; only the fields the report reads matter. */
    static ModelVersion version(ModelRef ref, Map<String, Double> metrics, String evalDataset, Instant created) {
        return new ModelVersion(
                ref,
                null,
                0,
                0,
                metrics,
                Map.of(),
                Map.of(),
                "",
                List.of(
                        new ModelInput(DatasetRef.parse("churn-train@" + ref.version()), ModelInput.TRAIN),
                        new ModelInput(DatasetRef.parse(evalDataset), ModelInput.EVAL)),
                "",
                "",
                "",
                created,
                "test",
                "request-" + ref.version());
    }

    static List<ModelVersion> history() {
        return List.of(
                version(V2, Map.of("train_accuracy", 0.81), "churn-holdout@2", Instant.parse("2026-11-29T10:05:00Z")),
                version(V1, Map.of("train_accuracy", 0.74), "churn-holdout@1", Instant.parse("2026-11-01T10:00:00Z")),
                version(V3, Map.of("train_accuracy", 0.52), "churn-holdout@2", Instant.parse("2026-11-29T11:00:00Z")));
    }

    static DriftReport drift() {
        Random random = new Random(5);
        double[] before = random.doubles(2_000).toArray();
        double[] after = random.doubles(2_000).map(v -> v * v).toArray(); // shifted towards 0
        double[] same = random.doubles(2_000).toArray();
        String[] plans = IntStream.range(0, 2_000)
                .mapToObj(i -> i % 2 == 0 ? "monthly" : "yearly")
                .toArray(String[]::new);
        List<Column> reference = List.of(
                Columns.numeric("monthly_charges", before),
                Columns.numeric("tenure", same),
                Columns.categorical("contract", plans));
        List<Column> current = List.of(
                Columns.numeric("monthly_charges", after),
                Columns.numeric("tenure", random.doubles(2_000).toArray()),
                Columns.categorical("contract", plans));
        return Drift.psi(0.2).detect(reference, current);
    }

    static ModelAlias champion(ModelRef ref) {
        return new ModelAlias(ref.name(), "champion", ref.version(), 2, Instant.EPOCH, "pipeline", "", "promoted");
    }

    static StoryReport full() {
        return StoryReport.builder("churn-classifier: retraining after drift")
                .lineage(lineage())
                .champion(CHAMPION)
                .challenger(CHALLENGER)
                .verdict(VERDICT)
                .alias(champion(V2))
                .live("churn", V2)
                .decision(V3, Decision.REJECT)
                .drift(DatasetRef.parse("churn-raw@1"), DatasetRef.parse("churn-raw@2"), drift())
                .history(history())
                .evaluation(evaluation(V3, false, 50))
                .lowerIsBetter("latency_ms")
                .build();
    }

    static List<Element> children(Element parent, String tag) {
        NodeList list = parent.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    static List<String> headings(Document doc) {
        return StoryReportTest.elements(doc, "h2").stream()
                .map(Element::getTextContent)
                .toList();
    }

    static Element chart(Document doc, String metric) {
        return withClass(doc, "svg", "chart").stream()
                .filter(c -> c.getAttribute("data-metric").equals(metric))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void shouldMarkTheChampionTheLiveModelAndTheRejectedModelOnTheirNodesWhenTold() throws Exception {
        Document doc = parse(full().toHtml());

        Element v2 = node(doc, "model:churn-classifier@2");
        Element v3 = node(doc, "model:churn-classifier@3");
        Element v1 = node(doc, "model:churn-classifier@1");
        assertThat(v2.getAttribute("class").split(" ")).contains("has-alias", "is-live");
        assertThat(v2.getAttribute("data-state")).isEqualTo("★ champion · ● live on churn");
        assertThat(children(v2, "text").stream().map(Element::getTextContent))
                .contains("★ champion", "● live on churn");
        assertThat(v3.getAttribute("class").split(" ")).contains("is-rejected");
        assertThat(children(v3, "text").stream().map(Element::getTextContent)).contains("✗ rejected");
        assertThat(v1.getAttribute("class").split(" ")).doesNotContain("has-alias", "is-live", "is-rejected");
        assertThat(byId(doc, "facts").getTextContent())
                .isEqualTo("champion: churn-classifier@2 · live on churn: churn-classifier@2");
        // taller boxes still leave every label and box clear
        assertThat(SvgGeometry.of(doc).overlaps()).isEmpty();
    }

    static Element byId(Document doc, String id) {
        NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("id").equals(id)) {
                return e;
            }
        }
        return null;
    }

    static Element node(Document doc, String name) {
        return withClass(doc, "g", "node").stream()
                .filter(n -> n.getAttribute("data-node").equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void shouldMarkOnlyTheModelNodeWhenADatasetSharesItsNameAndVersion() throws Exception {
        LineageNode dataset = LineageNode.dataset(V2.name(), V2.version());
        LineageNode model = LineageNode.model(V2.name(), V2.version());
        Document doc = parse(StoryReport.builder("t")
                .lineage(new LineageGraph(model, List.of(), List.of(new LineageEdge(dataset, model, "train"))))
                .alias(champion(V2))
                .build()
                .toHtml());

        assertThat(node(doc, model.toString()).getAttribute("class")).isEqualTo("node model has-alias");
        assertThat(node(doc, dataset.toString()).getAttribute("class")).isEqualTo("node dataset");
    }

    @Test
    void shouldNameTheEvaluationDatasetWhenTheChallengerHasOne() throws Exception {
        Document doc = parse(full().toHtml());

        assertThat(byId(doc, "evaluation-dataset").getTextContent())
                .isEqualTo("Evaluated on churn-holdout@2 (600 examples).");
        assertThat(withClass(doc, "span", "decision").get(0).getParentNode().getTextContent())
                .endsWith("churn-classifier@2 over churn-classifier@1 on churn-holdout@2");
    }

    @Test
    void shouldWarnWhenChampionAndChallengerWereEvaluatedOnDifferentData() throws Exception {
        Evaluation elsewhere = Evaluation.builder(V1, DatasetRef.parse("churn-holdout@1"))
                .metric("accuracy", 0.6)
                .build();

        Document doc = parse(StoryReport.builder("t")
                .champion(elsewhere)
                .challenger(CHALLENGER)
                .build()
                .toHtml());

        assertThat(byId(doc, "evaluation-dataset").getTextContent())
                .isEqualTo("The champion was evaluated on churn-holdout@1 and the challenger on churn-holdout@2:"
                        + " different data, so the numbers are not directly comparable.");
    }

    @Test
    void shouldDrawAValueAxisWhoseTicksSitAtTheirValuesWhenCharted() throws Exception {
        Document doc = parse(full().toHtml());

        for (Element chart : withClass(doc, "svg", "chart")) {
            Element bar = withClass(doc, "rect", "bar").stream()
                    .filter(b -> b.getParentNode() == chart
                            && b.getAttribute("data-model").equals("challenger"))
                    .findFirst()
                    .orElseThrow();
            double value = Double.parseDouble(bar.getAttribute("data-value"));
            double height = Double.parseDouble(bar.getAttribute("height"));
            double zero = Double.parseDouble(bar.getAttribute("y")) + (value < 0 ? 0 : height);
            double perUnit = height / Math.abs(value);
            List<Element> ticks = children(chart, "text").stream()
                    .filter(t -> t.getAttribute("class").equals("tick"))
                    .toList();
            assertThat(ticks).as(chart.getAttribute("data-metric")).hasSizeGreaterThanOrEqualTo(2);
            for (Element tick : ticks) {
                double tickValue = Double.parseDouble(tick.getTextContent());
                double y = Double.parseDouble(tick.getAttribute("y")) - 4;
                assertThat(y)
                        .as("tick %s of %s", tickValue, chart.getAttribute("data-metric"))
                        .isCloseTo(zero - tickValue * perUnit, within(0.02));
            }
        }
    }

    @Test
    void shouldShowTheDirectionAndTheGainWithItsIntervalWhenARuleComputedOne() throws Exception {
        Document doc = parse(full().toHtml());
        var accuracy = VERDICT.getFindings().stream()
                .filter(f -> f.metric().equals("accuracy"))
                .findFirst()
                .orElseThrow();

        Element chart = chart(doc, "accuracy");

        assertThat(chart.getTextContent())
                .contains("↑ higher is better")
                .contains("gain " + StoryReport.signed(accuracy.delta()) + " [" + StoryReport.signed(accuracy.lower())
                        + ", " + StoryReport.signed(accuracy.upper()) + "]");
        assertThat(children(chart, "line").stream()
                        .filter(l -> l.getAttribute("class").startsWith("whisker")))
                .hasSize(3);
        assertThat(chart(doc, "brier").getTextContent()).contains("↓ lower is better");
        assertThat(chart(doc, "latency_ms").getTextContent()).contains("↓ lower is better");
        Element row = row(doc, "accuracy");
        assertThat(row.getTextContent()).contains("better, gain " + StoryReport.signed(accuracy.delta()));
    }

    static Element row(Document doc, String metric) {
        Element table = withClass(doc, "table", "metrics").get(0);
        return children(table, "tr").stream()
                .filter(r -> r.getAttribute("data-metric").equals(metric))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void shouldHighlightARegressionInTheTableAndItsChartWhenTheChallengerIsWorse() throws Exception {
        Document doc = parse(full().toHtml());

        // latency went up from 20 to 35 and lower is better: a regression; auc went up: not one
        assertThat(chart(doc, "latency_ms").getAttribute("class")).isEqualTo("chart regression");
        assertThat(row(doc, "latency_ms").getAttribute("class")).isEqualTo("regression");
        assertThat(row(doc, "latency_ms").getTextContent()).contains("▼ worse");
        List<String> worse = children(withClass(doc, "table", "metrics").get(0), "tr").stream()
                .filter(r -> r.getAttribute("class").equals("regression"))
                .map(r -> r.getAttribute("data-metric"))
                .toList();
        assertThat(worse).contains("latency_ms");
        assertThat(withClass(doc, "rect", "regression"))
                .extracting(bar -> bar.getAttribute("data-metric"))
                .containsExactlyInAnyOrderElementsOf(worse);
        assertThat(withClass(doc, "svg", "regression"))
                .extracting(chart -> chart.getAttribute("data-metric"))
                .containsExactlyInAnyOrderElementsOf(worse);
        assertThat(chart(doc, "auc").getAttribute("class")).isEqualTo("chart");
        assertThat(row(doc, "auc").getAttribute("class")).isEqualTo("improved");
    }

    @Test
    void shouldDrawRocPrCalibrationCurvesAndConfusionMatricesWhenOutcomesHaveScores() throws Exception {
        Document doc = parse(full().toHtml());
        Outcomes challenger = CHALLENGER.findOutcomes().orElseThrow();

        assertThat(headings(doc)).contains("Outcomes");
        for (String curve : List.of("roc", "pr", "calibration")) {
            Element svg = withClass(doc, "svg", curve).get(0);
            assertThat(children(svg, "polyline")).as(curve).hasSize(2);
        }
        Element roc = withClass(doc, "svg", "roc").get(0);
        assertThat(roc.getTextContent())
                .contains(String.format(
                        Locale.ROOT,
                        "challenger @2 · AUC %.3f",
                        Metrics.auc(challenger.getLabels(), challenger.getScores())));
        List<Element> matrices = withClass(doc, "svg", "confusion");
        assertThat(matrices).hasSize(2);
        Element ours = matrices.stream()
                .filter(m -> m.getAttribute("data-model").equals("challenger"))
                .findFirst()
                .orElseThrow();
        long total = 0;
        long hits = 0;
        for (Element cell : children(ours, "rect")) {
            long count = Long.parseLong(cell.getAttribute("data-count"));
            total += count;
            hits += cell.getAttribute("class").contains("hit") ? count : 0;
        }
        assertThat(total).isEqualTo(EXAMPLES);
        assertThat((double) hits / total)
                .isCloseTo(CHALLENGER.findMetric("accuracy").orElseThrow(), within(1e-12));
    }

    @Test
    void shouldTabulateMetricsPerSliceAndFlagTheWorseSliceWhenOutcomesHaveSlices() throws Exception {
        Document doc = parse(full().toHtml());
        Outcomes challenger = CHALLENGER.findOutcomes().orElseThrow();
        int[] eu = IntStream.range(0, EXAMPLES).filter(i -> i % 3 == 0).toArray();
        double euAccuracy = Metrics.accuracy(
                IntStream.of(eu).mapToDouble(i -> challenger.getLabels()[i]).toArray(),
                IntStream.of(eu)
                        .mapToDouble(i -> challenger.getPredictions()[i])
                        .toArray());

        assertThat(headings(doc)).contains("Slices");
        Element table = withClass(doc, "table", "slices").get(0);
        assertThat(table.getAttribute("data-dimension")).isEqualTo("region");
        List<Element> rows = children(table, "tr").stream()
                .filter(r -> r.hasAttribute("data-slice"))
                .toList();
        assertThat(rows).extracting(r -> r.getAttribute("data-slice")).containsExactlyInAnyOrder(REGIONS);
        Element euRow = rows.stream()
                .filter(r -> r.getAttribute("data-slice").equals("EU"))
                .findFirst()
                .orElseThrow();
        assertThat(euRow.getAttribute("class")).contains("regression");
        assertThat(children(euRow, "td").get(1).getTextContent()).isEqualTo("200");
        // columns: slice, examples, then accuracy champion | challenger | gain
        assertThat(Double.parseDouble(children(euRow, "td").get(3).getTextContent()))
                .isCloseTo(euAccuracy, within(5e-4 * euAccuracy));
        assertThat(rows.stream()
                        .filter(r -> r.getAttribute("data-slice").equals("US"))
                        .findFirst()
                        .orElseThrow()
                        .getAttribute("class"))
                .doesNotContain("regression");
    }

    @Test
    void shouldTabulateDriftPerColumnWhenGivenADriftReport() throws Exception {
        Document doc = parse(full().toHtml());

        assertThat(headings(doc)).contains("Drift");
        Element table = withClass(doc, "table", "drift").get(0);
        assertThat(table.getAttribute("data-current")).isEqualTo("churn-raw@2");
        List<Element> rows = children(table, "tr").stream()
                .filter(r -> r.hasAttribute("data-column"))
                .toList();
        assertThat(rows)
                .extracting(r -> r.getAttribute("data-column"))
                .containsExactly("monthly_charges", "tenure", "contract");
        assertThat(rows).extracting(r -> r.getAttribute("class")).containsExactly("drifted", "stable", "stable");
        assertThat(withClass(doc, "svg", "meter")).hasSize(3);
        assertThat(StoryReportTest.elements(doc, "h3").get(0).getTextContent())
                .isEqualTo("churn-raw@2 against churn-raw@1: drifted, 1 of 3 columns (33%)");
    }

    @Test
    void shouldChartEachMetricAcrossVersionsWhenGivenTheHistory() throws Exception {
        Document doc = parse(full().toHtml());

        assertThat(headings(doc)).contains("History");
        Element table = withClass(doc, "table", "history").get(0);
        assertThat(children(table, "tr").stream()
                        .filter(r -> r.hasAttribute("data-version"))
                        .map(r -> r.getAttribute("data-version")))
                .containsExactly("churn-classifier@1", "churn-classifier@2", "churn-classifier@3");
        List<Element> charts = withClass(doc, "svg", "history-chart");
        // every metric measured on churn-holdout@2 for @1, @2 and @3, and the registered train_accuracy
        assertThat(charts)
                .extracting(c -> c.getAttribute("data-metric") + " " + c.getAttribute("data-source"))
                .contains(
                        "accuracy on churn-holdout@2", "latency_ms on churn-holdout@2", "train_accuracy as registered");
        Element auc = charts.stream()
                .filter(c -> c.getAttribute("data-metric").equals("auc"))
                .findFirst()
                .orElseThrow();
        List<Element> dots = children(auc, "circle");
        assertThat(dots)
                .extracting(d -> d.getAttribute("class"))
                .containsExactly("dot", "dot has-alias is-live", "dot is-rejected");
        // higher values sit higher
        double y1 = Double.parseDouble(dots.get(0).getAttribute("cy"));
        double y2 = Double.parseDouble(dots.get(1).getAttribute("cy"));
        assertThat(CHALLENGER.findMetric("auc").orElseThrow()
                        > CHAMPION.findMetric("auc").orElseThrow())
                .isEqualTo(y2 < y1);
    }

    @Test
    void shouldStaySelfContainedWhenEverySectionIsThere() throws Exception {
        String html = full().toHtml();
        Document doc = parse(html);

        StoryReportTest.assertLoadsNothing(html, doc);
        assertThat(headings(doc))
                .containsExactly(
                        "Lineage",
                        "Champion vs challenger",
                        "Verdict: " + VERDICT.getDecision(),
                        "Outcomes",
                        "Slices",
                        "Drift",
                        "History");
    }

    @Test
    void shouldLeaveOutEverySectionWhoseDataIsMissing() throws Exception {
        Document doc = parse(StoryReportTest.report().toHtml());

        assertThat(headings(doc)).containsExactly("Story", "Lineage", "Champion vs challenger", "Verdict: PROMOTE");
        for (String svg : List.of("curve", "confusion", "meter", "history-chart")) {
            assertThat(withClass(doc, "svg", svg)).as(svg).isEmpty();
        }
        for (String table : List.of("slices", "drift", "history")) {
            assertThat(withClass(doc, "table", table)).as(table).isEmpty();
        }
        assertThat(byId(doc, "facts")).isNull();
    }

    @Test
    void shouldWriteTheNewSectionsAsMarkdownTablesWhenTheirDataIsThere() {
        String md = full().toMarkdown();

        assertThat(md)
                .contains("Evaluated on churn-holdout@2 (600 examples).")
                .contains("- churn-classifier@2: ★ champion · ● live on churn\n")
                .contains("- churn-classifier@3: ✗ rejected\n")
                .contains("## Confusion matrices")
                .contains("## Slices\n\n| region | examples |")
                .contains("| **EU** (worse) | 200 |")
                .contains("## Drift\n\nchurn-raw@2 against churn-raw@1: drifted, 1 of 3 columns (33%)")
                .contains("| **monthly\\_charges** | psi |")
                .contains("## History\n\n| version | state |")
                .contains("| latency\\_ms | 20 | 35 | +15 | **worse** |");
    }

    @Test
    void shouldRefuseEachRepeatedPartWhenBuilding() {
        StoryReport.Builder b = StoryReport.builder("t")
                .alias(champion(V2))
                .decision(V3, Decision.REJECT)
                .live("churn", V2)
                .drift(DatasetRef.parse("churn-raw@1"), DatasetRef.parse("churn-raw@2"), drift())
                .history(history())
                .evaluation(CHAMPION)
                .lowerIsBetter("latency_ms");

        assertThatThrownBy(() -> b.alias(champion(V1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's alias 'champion' of churn-classifier is already set to version 2");
        assertThatThrownBy(() -> b.decision(V3, Decision.PROMOTE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's decision on churn-classifier@3 is already set to REJECT");
        assertThatThrownBy(() -> b.live("churn", V1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's live model on 'churn' is already set to churn-classifier@2");
        assertThatThrownBy(() -> b.drift(DatasetRef.parse("churn-raw@1"), DatasetRef.parse("churn-raw@2"), drift()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's drift of churn-raw@2 against churn-raw@1 is already set");
        assertThatThrownBy(() -> b.history(List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's history is already set");
        assertThatThrownBy(() -> b.evaluation(CHAMPION))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's evaluation of churn-classifier@1 on churn-holdout@2 is already set");
        assertThatThrownBy(() -> b.higherIsBetter("latency_ms"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the report's direction of metric 'latency_ms' is already set to lower is better");
    }

    @Test
    void shouldRefuseABlankEndpointWhenMarkingALiveModel() {
        assertThatThrownBy(() -> StoryReport.builder("t").live(" ", V2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an endpoint's name must not be blank, got ' '");
    }
}
