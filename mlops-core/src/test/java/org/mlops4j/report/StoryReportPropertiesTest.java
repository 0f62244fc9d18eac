package org.mlops4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelRef;
import org.w3c.dom.Document;

/**
 * Any names, metrics and events give a page that parses as XML and draws every node; any lineage graph of up to 12
 * nodes and 24 edges (cycles, self-loops, parallel edges, isolated nodes, roles of 1 to 32 of the widest letters,
 * model boxes made taller by an alias, a live endpoint and a decision, all included) is drawn with no label over another label or a box and no edge through a box or a label.
 */
class StoryReportPropertiesTest {
    static final int MAX_NODES = 12;
    static final int MAX_EDGES = 24;

    @Test
    void shouldNeverOverlapLabelsOrCrossBoxesAndLabelsWhateverTheGraph() {
        qt().withExamples(400)
                .forAll(
                        integers().between(1, MAX_NODES),
                        lists().of(integers().between(0, 4 * MAX_NODES * MAX_NODES - 1))
                                .ofSizeBetween(0, MAX_EDGES),
                        lists().of(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 32))
                                .ofSizeBetween(1, 4),
                        strings()
                                .allPossible()
                                .ofLengthBetween(0, 40)
                                .zip(integers().between(0, 7), Named::new))
                .checkAssert((n, picks, roles, named) -> {
                    String name = named.name();
                    List<LineageNode> nodes = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        String kind = List.of(LineageNode.DATASET, LineageNode.MODEL, "deployment")
                                .get(i % 3);
                        nodes.add(new LineageNode(kind, i == 0 ? name : "node-" + i, i + 1));
                    }
                    List<LineageEdge> edges = new ArrayList<>();
                    for (int pick : picks) { // from, to and role packed in one number
                        LineageNode from = nodes.get(pick % MAX_NODES % n);
                        LineageNode to = nodes.get(pick / MAX_NODES % MAX_NODES % n);
                        String role = roles.get(pick / (MAX_NODES * MAX_NODES) % roles.size());
                        edges.add(new LineageEdge(from, to, role));
                    }
                    LineageGraph graph = new LineageGraph(nodes.get(0), nodes, edges);
                    StoryReport.Builder report = StoryReport.builder("g").lineage(graph);
                    // model nodes are 1, 4, 7, 10: taller boxes for an alias, a live endpoint, a decision
                    if ((named.states() & 1) != 0 && n > 1) {
                        report.alias(new ModelAlias("node-1", "champion", 2, 1, Instant.EPOCH, "t", "", ""));
                    }
                    if ((named.states() & 2) != 0 && n > 1) {
                        report.live("endpoint-with-a-long-name", new ModelRef("node-1", 2));
                    }
                    if ((named.states() & 4) != 0 && n > 4) {
                        report.decision(new ModelRef("node-4", 5), Decision.REJECT);
                    }
                    Document doc;
                    try {
                        doc = StoryReportTest.parse(report.build().toHtml());
                    } catch (Exception e) {
                        throw new AssertionError("not well-formed for " + graph, e);
                    }

                    SvgGeometry geometry = SvgGeometry.of(doc);

                    assertThat(geometry.boxes).hasSize(n);
                    assertThat(geometry.labels).hasSize(edges.size());
                    assertThat(geometry.overlaps()).as("overlaps in %s", graph).isEmpty();
                });
    }

    /** The first node's name and which model states to draw (bits: alias, live, rejected). */
    record Named(String name, int states) {}

    @Test
    void shouldAlwaysBeWellFormedWhateverTheNames() {
        qt().withExamples(300)
                .forAll(
                        lists().of(strings().allPossible().ofLengthBetween(0, 12))
                                .ofSizeBetween(1, 6),
                        strings().allPossible().ofLengthBetween(1, 12),
                        integers().between(-1000, 1000))
                .checkAssert((names, metric, value) -> {
                    List<LineageNode> nodes = new ArrayList<>();
                    List<LineageEdge> edges = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        nodes.add(LineageNode.dataset(names.get(i), i + 1));
                        if (i > 0) {
                            edges.add(new LineageEdge(nodes.get(i - 1), nodes.get(i), "parent"));
                        }
                    }
                    String safeMetric = metric.isBlank() ? "m" + metric : metric;
                    Evaluation challenger = Evaluation.builder(new ModelRef("m", 1), new DatasetRef("d", 1))
                            .metric(safeMetric, value)
                            .build();
                    StoryReport report = StoryReport.builder(metric)
                            .lineage(new LineageGraph(nodes.get(0), nodes, edges))
                            .challenger(challenger)
                            .event(new ReportEvent(Instant.EPOCH, metric, String.join("", names)))
                            .build();
                    Document doc;
                    try {
                        doc = StoryReportTest.parse(report.toHtml());
                    } catch (Exception e) {
                        throw new AssertionError("not well-formed for names " + names + " and metric " + metric, e);
                    }
                    assertThat(StoryReportTest.withClass(doc, "g", "node")).hasSize(nodes.size());
                    assertThat(StoryReportTest.withClass(doc, "g", "edge")).hasSize(edges.size());
                    assertThat(report.toMarkdown()).doesNotContain("<");
                });
    }
}
