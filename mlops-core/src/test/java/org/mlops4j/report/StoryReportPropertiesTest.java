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
import org.mlops4j.compare.Evaluation;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelRef;
import org.w3c.dom.Document;

/** Any names, metrics and events give a page that parses as XML and draws every node. */
class StoryReportPropertiesTest {
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
