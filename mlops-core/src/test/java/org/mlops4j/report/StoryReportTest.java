package org.mlops4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Policies;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelRef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Acceptance 5: the HTML report parses as XML, draws what it was given, escapes names and loads nothing. */
class StoryReportTest {
    static final String HOSTILE = "<script>alert('x')</script> & \"quoted\"";

    static final LineageNode RAW = LineageNode.dataset("churn-raw", 2);
    static final LineageNode HOSTILE_NODE = LineageNode.dataset(HOSTILE, 1);
    static final LineageNode TRAIN = LineageNode.dataset("churn-train", 2);
    static final LineageNode HOLDOUT = LineageNode.dataset("churn-holdout", 2);
    static final LineageNode MODEL = LineageNode.model("churn-classifier", 2);

    static LineageGraph graph() {
        return new LineageGraph(
                MODEL,
                List.of(MODEL, TRAIN, HOLDOUT, RAW, HOSTILE_NODE),
                List.of(
                        new LineageEdge(TRAIN, MODEL, "train"),
                        new LineageEdge(HOLDOUT, MODEL, "eval"),
                        new LineageEdge(RAW, TRAIN, LineageEdge.PARENT),
                        new LineageEdge(RAW, HOLDOUT, LineageEdge.PARENT),
                        new LineageEdge(HOSTILE_NODE, RAW, LineageEdge.PARENT)));
    }

    static Evaluation evaluation(String model, double accuracy, double auc, double latency) {
        return Evaluation.builder(ModelRef.parse(model), DatasetRef.parse("churn-holdout@2"))
                .metric("accuracy", accuracy)
                .metric("auc", auc)
                .metric(HOSTILE, latency)
                .build();
    }

    static final Evaluation CHAMPION = evaluation("churn-classifier@1", 0.61, 0.66, 40.0);
    static final Evaluation CHALLENGER = evaluation("churn-classifier@2", 0.78, 0.84, 20.0);

    static StoryReport report() {
        ComparisonPolicy policy = Policies.allOf(
                Policies.metric("accuracy").higherIsBetter().atLeast(0.7).minAbsoluteGain(0.01),
                Policies.metric("auc").higherIsBetter().minAbsoluteGain(0.005));
        Verdict verdict = policy.compare(CHAMPION, CHALLENGER);
        return StoryReport.builder("Churn & <retraining> \"weekly\"")
                .lineage(graph())
                .champion(CHAMPION)
                .challenger(CHALLENGER)
                .verdict(verdict)
                .event(new ReportEvent(Instant.parse("2026-11-29T10:00:00Z"), "snapshot", "churn-raw@2 arrived"))
                .event(new ReportEvent(Instant.parse("2026-11-29T10:05:00Z"), "drift", HOSTILE))
                .build();
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new InputSource(new StringReader(xml)));
    }

    static List<Element> elements(Document doc, String tag) {
        NodeList list = doc.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    static List<Element> withClass(Document doc, String tag, String cls) {
        return elements(doc, tag).stream()
                .filter(e -> List.of(e.getAttribute("class").split(" ")).contains(cls))
                .toList();
    }

    @Test
    void shouldDrawEveryLineageNodeAndEdgeWhenRenderedAsHtml() throws Exception {
        Document doc = parse(report().toHtml());

        List<String> nodes = withClass(doc, "g", "node").stream()
                .map(e -> e.getAttribute("data-node"))
                .toList();
        assertThat(nodes)
                .containsExactlyInAnyOrder(
                        MODEL.toString(),
                        TRAIN.toString(),
                        HOLDOUT.toString(),
                        RAW.toString(),
                        HOSTILE_NODE.toString());
        List<String> edges = withClass(doc, "g", "edge").stream()
                .map(e -> e.getAttribute("data-from") + " -" + e.getAttribute("data-role") + "-> "
                        + e.getAttribute("data-to"))
                .toList();
        assertThat(edges)
                .containsExactlyInAnyOrder(
                        TRAIN + " -train-> " + MODEL,
                        HOLDOUT + " -eval-> " + MODEL,
                        RAW + " -parent-> " + TRAIN,
                        RAW + " -parent-> " + HOLDOUT,
                        HOSTILE_NODE + " -parent-> " + RAW);
        for (Element node : withClass(doc, "g", "node")) {
            assertThat(node.getElementsByTagName("rect").getLength()).isEqualTo(1);
        }
        for (Element edge : withClass(doc, "g", "edge")) {
            assertThat(edge.getElementsByTagName("line").getLength()).isEqualTo(1);
            assertThat(edge.getElementsByTagName("polygon").getLength()).isEqualTo(1);
        }
    }

    @Test
    void shouldPlaceNodesInColumnsByDepthWhenLaidOut() throws Exception {
        Document doc = parse(report().toHtml());
        Map<String, Double> x = new HashMap<>();
        for (Element node : withClass(doc, "g", "node")) {
            Element rect = (Element) node.getElementsByTagName("rect").item(0);
            x.put(node.getAttribute("data-node"), Double.parseDouble(rect.getAttribute("x")));
        }

        assertThat(x.get(HOSTILE_NODE.toString())).isLessThan(x.get(RAW.toString()));
        assertThat(x.get(RAW.toString())).isLessThan(x.get(TRAIN.toString()));
        assertThat(x.get(TRAIN.toString())).isEqualTo(x.get(HOLDOUT.toString()));
        assertThat(x.get(TRAIN.toString())).isLessThan(x.get(MODEL.toString()));
    }

    /**
     * The quickstart's lineage after its three runs: raw data feeding each model directly and through its train and
     * holdout sets, two deployments and a rejected model sharing the second month's data.
     */
    static LineageGraph quickstartGraph() {
        List<LineageEdge> edges = new ArrayList<>();
        for (int month = 1; month <= 2; month++) {
            LineageNode raw = LineageNode.dataset("churn-raw", month);
            LineageNode train = LineageNode.dataset("churn-train", month);
            LineageNode holdout = LineageNode.dataset("churn-holdout", month);
            LineageNode model = LineageNode.model("churn-classifier", month);
            edges.add(new LineageEdge(holdout, model, "eval"));
            edges.add(new LineageEdge(raw, holdout, LineageEdge.PARENT));
            edges.add(new LineageEdge(raw, train, LineageEdge.PARENT));
            edges.add(new LineageEdge(raw, model, "train"));
            edges.add(new LineageEdge(train, model, "train"));
            edges.add(new LineageEdge(model, LineageNode.deployment("churn", month), "deploy"));
        }
        LineageNode rejected = LineageNode.model("churn-classifier", 3);
        edges.add(new LineageEdge(LineageNode.dataset("churn-holdout", 2), rejected, "eval"));
        edges.add(new LineageEdge(LineageNode.dataset("churn-train", 2), rejected, "train"));
        return new LineageGraph(LineageNode.deployment("churn", 2), List.of(), edges);
    }

    @Test
    void shouldOverlapNoLabelAndCrossNoBoxOrLabelWithAnEdgeWhenLaidOut() throws Exception {
        Map<String, List<String>> overlaps = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, LineageGraph> graph :
                Map.of("tour", graph(), "quickstart", quickstartGraph()).entrySet()) {
            Document doc = parse(
                    StoryReport.builder("t").lineage(graph.getValue()).build().toHtml());

            SvgGeometry geometry = SvgGeometry.of(doc);

            assertThat(geometry.boxes).hasSize(graph.getKey().equals("tour") ? 5 : 11);
            assertThat(geometry.labels).hasSize(graph.getValue().edges().size());
            overlaps.put(graph.getKey(), geometry.overlaps());
        }
        assertThat(overlaps)
                .allSatisfy((graph, found) -> assertThat(found).as(graph).isEmpty());
    }

    @Test
    void shouldFindOverlapsWhenLabelsOrEdgesCollide() throws Exception {
        // the checker itself: two labels on one spot, an edge through a box and through a label
        Document doc = parse("<svg class=\"lineage\">"
                + "<g class=\"node\" data-node=\"a\"><rect x=\"0\" y=\"0\" width=\"100\" height=\"40\"/></g>"
                + "<g class=\"edge\" data-from=\"p\" data-to=\"q\" data-role=\"x\"><path d=\"M-20,20 C0,20 0,20 120,20\"/><line x1=\"120\" y1=\"20\""
                + " x2=\"130\" y2=\"20\"/><text x=\"200\" y=\"100\">train</text></g>"
                + "<g class=\"edge\" data-from=\"p\" data-to=\"r\" data-role=\"y\"><line x1=\"150\" y1=\"97\" x2=\"250\" y2=\"97\"/>"
                + "<text x=\"205\" y=\"102\">eval</text></g></svg>");

        List<String> overlaps = SvgGeometry.of(doc).overlaps();

        assertThat(overlaps)
                .anyMatch(o -> o.startsWith("label 'train'") && o.contains("overlaps label 'eval'"))
                .anyMatch(o -> o.startsWith("edge p -x-> q enters box a"))
                .anyMatch(o -> o.startsWith("edge p -y-> r crosses label 'train'"));
    }

    @Test
    void shouldDrawOneBarPerModelAndMetricWithHeightsProportionalToTheValues() throws Exception {
        Document doc = parse(report().toHtml());

        List<Element> charts = withClass(doc, "svg", "chart");
        List<Element> bars = withClass(doc, "rect", "bar");
        assertThat(charts).hasSize(3);
        assertThat(bars).hasSize(6);
        for (Element chart : charts) {
            List<Element> pair = new ArrayList<>();
            NodeList rects = chart.getElementsByTagName("rect");
            for (int i = 0; i < rects.getLength(); i++) {
                pair.add((Element) rects.item(i));
            }
            assertThat(pair).hasSize(2);
            double maxValue = pair.stream()
                    .mapToDouble(b -> Math.abs(Double.parseDouble(b.getAttribute("data-value"))))
                    .max()
                    .orElseThrow();
            for (Element bar : pair) {
                double value = Double.parseDouble(bar.getAttribute("data-value"));
                double height = Double.parseDouble(bar.getAttribute("height"));
                assertThat(height).isCloseTo(value / maxValue * StoryReport.BAR_MAX_HEIGHT, within(0.01));
                assertThat(bar.getAttribute("data-metric")).isEqualTo(chart.getAttribute("data-metric"));
            }
        }
        Map<String, Double> accuracy = new HashMap<>();
        bars.stream()
                .filter(b -> b.getAttribute("data-metric").equals("accuracy"))
                .forEach(b -> accuracy.put(b.getAttribute("data-model"), Double.parseDouble(b.getAttribute("height"))));
        assertThat(accuracy.get("champion") / accuracy.get("challenger")).isCloseTo(0.61 / 0.78, within(1e-3));
    }

    @Test
    void shouldEscapeHostileNamesWhenRenderedAsHtml() throws Exception {
        String html = report().toHtml();
        Document doc = parse(html);

        assertThat(html).doesNotContain("<script").doesNotContain("alert('x')");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;");
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
        assertThat(elements(doc, "title").get(0).getTextContent()).isEqualTo("Churn & <retraining> \"weekly\"");
        assertThat(withClass(doc, "svg", "chart").stream().map(e -> e.getAttribute("data-metric")))
                .contains(HOSTILE);
        assertThat(doc.getDocumentElement().getTextContent()).contains(HOSTILE);
    }

    @Test
    void shouldCarryTheContentSecurityPolicyAndNoExternalResourceWhenRenderedAsHtml() throws Exception {
        String html = report().toHtml();
        Document doc = parse(html);

        List<Element> csp = elements(doc, "meta").stream()
                .filter(m -> m.getAttribute("http-equiv").equals("Content-Security-Policy"))
                .toList();
        assertThat(csp).hasSize(1);
        assertThat(csp.get(0).getAttribute("content"))
                .isEqualTo("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        assertLoadsNothing(html, doc);
    }

    /** No address, import or source attribute anywhere, and no element that could load or run something. */
    static void assertLoadsNothing(String html, Document doc) {
        assertThat(html.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain("http:")
                .doesNotContain("https:")
                .doesNotContain("//")
                .doesNotContain("url(")
                .doesNotContain("@import")
                .doesNotContain("src=")
                .doesNotContain("href");
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed", "image", "use", "a")) {
            assertThat(doc.getElementsByTagName(tag).getLength()).as(tag).isZero();
        }
    }

    @Test
    void shouldShowTheVerdictAndItsFindingsWhenRenderedAsHtml() throws Exception {
        Document doc = parse(report().toHtml());

        Element decision = doc.getElementById("decision") != null
                ? doc.getElementById("decision")
                : withClass(doc, "span", "decision").get(0);
        assertThat(decision.getTextContent()).isEqualTo("PROMOTE");
        List<Element> findings = withClass(doc, "table", "findings");
        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).getElementsByTagName("tr").getLength()).isEqualTo(3); // header + one per rule
        assertThat(findings.get(0).getTextContent()).contains("metric accuracy higher is better");
    }

    @Test
    void shouldWriteAMermaidGraphAMetricsTableAndFindingsWhenRenderedAsMarkdown(@TempDir Path dir) throws Exception {
        Path file = report().writeMarkdown(dir.resolve("out/report.md"));
        String md = Files.readString(file);

        assertThat(md).startsWith("# Churn &amp; &lt;retraining&gt; \"weekly\"\n");
        assertThat(md).contains("```mermaid\nflowchart LR\n");
        assertThat(md).contains("n0([\"model churn-classifier@2\"])");
        assertThat(md).contains("| accuracy | 0.61 | 0.78 | +0.17 |");
        assertThat(md).contains("| &lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quoted\" | 40 | 20 | -20 |");
        assertThat(md).contains("## Verdict: **PROMOTE**");
        assertThat(md).contains("- 2026-11-29T10:00:00Z **snapshot** churn-raw@2 arrived");
        assertThat(md).doesNotContain("<script");
    }

    @Test
    void shouldRenderAReportWithoutChampionOrVerdictWhenOnlyAChallengerIsKnown() throws Exception {
        StoryReport report = StoryReport.builder("first model")
                .lineage(new LineageGraph(MODEL, List.of(MODEL), List.of()))
                .challenger(CHALLENGER)
                .build();

        Document doc = parse(report.toHtml());

        assertThat(withClass(doc, "rect", "bar")).hasSize(3);
        assertThat(withClass(doc, "rect", "champion")).isEmpty();
        assertThat(report.toMarkdown()).contains("| accuracy | – | 0.78 | – |");
    }

    @Test
    void shouldRefuseAPartSetTwiceWhenBuilding() {
        StoryReport.Builder builder = StoryReport.builder("t").challenger(CHALLENGER);

        assertThatThrownBy(() -> builder.challenger(CHAMPION))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("challenger is already set");
    }
}
