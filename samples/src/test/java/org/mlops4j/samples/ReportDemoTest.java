package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.report.StoryReport;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** The report behind docs/quickstart-report.png, made from real data through the real scoring path. */
class ReportDemoTest {
    @TempDir
    Path home;

    @Test
    void shouldPromoteTheRetrainedModelAndDrawBothLineagesWhenTheDataDrifted() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        StoryReport report = ReportDemo.run(home, new PrintStream(log, true, StandardCharsets.UTF_8));

        String markdown = report.toMarkdown();
        assertThat(markdown)
                .contains("## Verdict: **PROMOTE**")
                .contains("dataset churn-raw@2")
                .contains("model churn-classifier@1")
                .contains("model churn-classifier@2")
                .contains("**drift** PSI on churn-raw@2 vs churn-raw@1");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document html = factory.newDocumentBuilder().parse(new InputSource(new StringReader(report.toHtml())));
        assertThat(html.getElementsByTagName("g").getLength()).isEqualTo(8 + 8); // 8 nodes, 8 edges
        assertThat(html.getElementsByTagName("script").getLength()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .startsWith("PROMOTE churn-classifier@2 over churn-classifier@1");
    }
}
