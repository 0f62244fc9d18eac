package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.compare.Decision;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.report.StoryReport;
import org.mlops4j.store.Digest;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The README's first command, run through its own code path: the whole story, asserted. */
class QuickstartTest {
    @TempDir
    static Path home;

    private static QuickstartResult result;
    private static String story;

    @BeforeAll
    static void runTheStory() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        result = Quickstart.run(home, new PrintStream(printed, true, StandardCharsets.UTF_8));
        story = printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPromoteAndDeployTheFirstModelWhenNoChampionExists() {
        assertThat(result.first().findDecision()).contains(Decision.PROMOTE);
        assertThat(result.first().findRegisteredModel()).contains(new ModelRef(Quickstart.MODEL, 1));
        assertThat(result.first().findDeployment().orElseThrow().getStatus()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(result.first().getTrigger().kind()).startsWith("newVersionOf(churn-raw)");
    }

    @Test
    void shouldRetrainOnDriftAndPromoteThroughTheCanaryWhileCallersScore() {
        assertThat(result.retrain().getTrigger().kind()).contains("drift(churn-raw");
        assertThat(result.retrain().getTrigger().driftReports())
                .singleElement()
                .satisfies(report -> assertThat(report.isDrifted()).isTrue());
        assertThat(result.retrain().findDecision()).contains(Decision.PROMOTE);
        assertThat(result.retrain().findChampion()).contains(new ModelRef(Quickstart.MODEL, 1));
        assertThat(result.retrain().findDeployment().orElseThrow().getStatus()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(result.retrain().findDeployment().orElseThrow().getRollout()).startsWith("canary");
        // Both versions answered callers during the canary, and no call failed.
        assertThat(result.servedDuringCanary()).containsKeys("churn-classifier@1", "churn-classifier@2");
        assertThat(result.failedCalls()).isZero();
    }

    @Test
    void shouldChangeTheModelDigestWhenRetrainedOnDriftedData() {
        var registry = org.mlops4j.Mlops.local(home);
        try (registry) {
            Digest first = registry.registry()
                    .get(new ModelRef(Quickstart.MODEL, 1))
                    .getArtifacts()
                    .orElseThrow();
            Digest second = registry.registry()
                    .get(new ModelRef(Quickstart.MODEL, 2))
                    .getArtifacts()
                    .orElseThrow();
            assertThat(second).isNotEqualTo(first);
        }
    }

    @Test
    void shouldBeatTheMajorityBaselineOnHoldoutByFivePoints() {
        double accuracy = result.challengerEvaluation().findMetric("accuracy").orElseThrow();
        System.out.printf(
                "quickstart: challenger accuracy %.4f vs majority baseline %.4f on the drifted holdout (+%.4f)%n",
                accuracy, result.baselineAccuracy(), accuracy - result.baselineAccuracy());
        assertThat(accuracy).isGreaterThan(result.baselineAccuracy() + 0.05);
    }

    @Test
    void shouldRejectTheWorseModelWithReasonsAndKeepTheChampionAnswering() {
        assertThat(result.rejected().findDecision()).contains(Decision.REJECT);
        assertThat(result.rejected().getFindings()).isNotEmpty();
        assertThat(result.rejected().findDeployment()).isEmpty();
        assertThat(result.champion().getRef()).isEqualTo(new ModelRef(Quickstart.MODEL, 2));
        assertThat(result.scoreStatus()).isEqualTo(200);
        assertThat(result.scoreModel()).isEqualTo("churn-classifier@2");
    }

    @Test
    void shouldAnswerWhyTheChampionIsLiveFromLineage() {
        assertThat(story)
                .contains("Why is churn-classifier@2 live on 'churn'?")
                .contains("dataset:churn-train@2")
                .contains("dataset:churn-holdout@2")
                .contains("flowchart LR")
                .contains("Summary: 3 pipeline runs");
    }

    @Test
    void shouldWriteAReportWhoseHtmlParsesWithLineageChartsAndCsp() throws Exception {
        String markdown = Files.readString(result.markdown());
        assertThat(markdown).contains("```mermaid").contains("churn-classifier@2");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document html = factory.newDocumentBuilder().parse(result.html().toFile());

        List<String> texts = new ArrayList<>();
        NodeList texts1 = html.getElementsByTagName("text");
        for (int i = 0; i < texts1.getLength(); i++) {
            texts.add(texts1.item(i).getTextContent());
        }
        assertThat(texts)
                .contains(
                        "churn-classifier@1",
                        "churn-classifier@2",
                        "churn-classifier@3",
                        "churn-train@2",
                        "churn-holdout@2",
                        "churn-raw@2",
                        "churn@2");
        NodeList metas = html.getElementsByTagName("meta");
        boolean csp = false;
        for (int i = 0; i < metas.getLength(); i++) {
            Element meta = (Element) metas.item(i);
            csp |= "Content-Security-Policy".equals(meta.getAttribute("http-equiv"))
                    && StoryReport.CONTENT_SECURITY_POLICY.equals(meta.getAttribute("content"));
        }
        assertThat(csp).isTrue();
        assertThat(Files.readString(result.html())).doesNotContain("http://", "https://", "<script");
    }
}
