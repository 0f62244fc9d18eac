package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.cli.Runs.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {
    private static final String POLICY = """
            version: 1
            allOf:
              - metric: auc
                direction: higherIsBetter
                atLeast: 0.70
                minAbsoluteGain: 0.005
              - metric: latency_ms
                direction: lowerIsBetter
                maxRelativeLoss: 0.10
            """;

    @TempDir
    Path tmp;

    Path lake;
    Path policy;

    @BeforeEach
    void setUp() throws IOException {
        lake = tmp.resolve("lake");
        Path data = Files.createDirectories(tmp.resolve("holdout"));
        Files.writeString(data.resolve("holdout.csv"), "x,y\n1,0\n");
        assertThat(run(lake, "dataset", "snapshot", "holdout", data.toString()).status())
                .isZero();
        policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
    }

    private void register(double auc, double latency) {
        Runs.Run run = run(
                lake,
                "model",
                "register",
                "churn",
                "--metric",
                "auc=" + auc,
                "--metric",
                "latency_ms=" + latency,
                "--input",
                "holdout@1:eval");
        assertThat(run.status()).as(run.toString()).isZero();
    }

    /** churn@1 (the champion) and churn@2 with the same metrics, and a policy that needs per-example outcomes. */
    private void championAndChallengerUnder(String policyText) throws IOException {
        register(0.80, 100);
        register(0.90, 100);
        run(lake, "model", "alias", "churn", "champion", "1");
        Files.writeString(policy, policyText);
    }

    private Runs.Run compare(String... extra) {
        String[] base = {"compare", "--policy", policy.toString(), "--model", "churn", "--champion", "@champion"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(lake, args);
    }

    @Test
    void shouldExitZeroOnPromoteAndMoveTheAliasOnlyThen() {
        register(0.80, 100);
        register(0.82, 105);
        run(lake, "model", "alias", "churn", "champion", "1");

        Runs.Run run = compare("--challenger", "2", "--promote", "champion", "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        JsonNode verdict = run.json().get("verdict");
        assertThat(verdict.get("decision").asText()).isEqualTo("PROMOTE");
        assertThat(verdict.get("champion").asText()).isEqualTo("churn@1");
        assertThat(verdict.get("challenger").asText()).isEqualTo("churn@2");
        assertThat(verdict.get("findings")).hasSize(2);
        assertThat(verdict.at("/findings/0/metric").asText()).isEqualTo("auc");
        assertThat(verdict.at("/findings/0/delta").asDouble())
                .isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(run.json().get("exitCode").asInt()).isZero();
        assertThat(run.json().at("/promoted/version").asLong()).isEqualTo(2);
        assertThat(run(lake, "model", "show", "churn@champion", "--json")
                        .json()
                        .at("/model/version")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void shouldWriteTheReportsOfTheComparison() throws IOException {
        register(0.80, 100);
        register(0.82, 105);
        run(lake, "model", "alias", "churn", "champion", "1");
        Path markdown = tmp.resolve("report.md");
        Path html = tmp.resolve("report.html");

        Runs.Run run =
                compare("--challenger", "2", "--report", markdown.toString(), "--report", html.toString(), "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.json().get("reports")).hasSize(2);
        assertThat(Files.readString(markdown)).contains("```mermaid", "churn@2", "PROMOTE", "holdout@1");
        assertThat(Files.readString(html)).contains("<svg", "churn@2", "Content-Security-Policy");
        assertThat(compare(
                                "--challenger",
                                "2",
                                "--report",
                                tmp.resolve("report.pdf").toString())
                        .status())
                .isEqualTo(2);
    }

    @Test
    void shouldExitThreeOnRejectAndLeaveTheAliasAlone() {
        register(0.80, 100);
        register(0.82, 150); // latency guardrail: +50% > 10%
        run(lake, "model", "alias", "churn", "champion", "1");

        Runs.Run run = compare("--challenger", "2", "--promote", "champion", "--json");

        assertThat(run.status()).as(run.toString()).isEqualTo(3);
        assertThat(run.json().at("/verdict/decision").asText()).isEqualTo("REJECT");
        assertThat(run.json().get("exitCode").asInt()).isEqualTo(3);
        assertThat(run.json().has("promoted")).isFalse();
        assertThat(run(lake, "model", "show", "churn@champion", "--json")
                        .json()
                        .at("/model/version")
                        .asLong())
                .isEqualTo(1);
        Runs.Run text = compare("--challenger", "2");
        assertThat(text.status()).isEqualTo(3);
        assertThat(text.out()).startsWith("REJECT: churn@2 against churn@1");
    }

    @Test
    void shouldApplyOnlyAbsoluteRulesWhenThereIsNoChampionYet() throws IOException {
        register(0.69, 100);
        assertThat(compare("--challenger", "1").status()).isEqualTo(3); // below atLeast 0.70
        register(0.75, 100);

        Runs.Run run = compare("--challenger", "2", "--promote", "champion", "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.json().at("/verdict/champion").isNull()).isTrue();
        assertThat(run(lake, "model", "show", "churn@champion", "--json")
                        .json()
                        .at("/model/version")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void shouldExitFourWhenASignificanceRuleLacksEvidence() throws IOException {
        championAndChallengerUnder("""
                version: 1
                allOf:
                  - significantGain: accuracy
                    test: mcNemar
                """);

        Runs.Run run = compare("--challenger", "2", "--json");

        assertThat(run.status()).as(run.toString()).isEqualTo(4);
        assertThat(run.json().at("/verdict/decision").asText()).isEqualTo("INCONCLUSIVE");
        assertThat(run.json().at("/verdict/findings/0/detail").asText()).contains("per-example outcomes");
    }

    @Test
    void shouldPromoteOnPerExampleOutcomesThatShowASignificantGain() throws IOException {
        championAndChallengerUnder("""
                version: 1
                allOf:
                  - significantGain: accuracy
                    test: mcNemar
                    confidence: 0.95
                """);
        StringBuilder champion = new StringBuilder("label,prediction,slice:region\n");
        StringBuilder challenger = new StringBuilder("label,prediction,slice:region\n");
        for (int i = 0; i < 400; i++) {
            int label = i % 2;
            // the champion errs on every 4th example, the challenger on every 20th
            champion.append(label)
                    .append(',')
                    .append(i % 4 == 0 ? 1 - label : label)
                    .append(",r")
                    .append(i % 3)
                    .append('\n');
            challenger
                    .append(label)
                    .append(',')
                    .append(i % 20 == 0 ? 1 - label : label)
                    .append(",r")
                    .append(i % 3)
                    .append('\n');
        }
        Path a = Files.writeString(tmp.resolve("champion.csv"), champion);
        Path b = Files.writeString(tmp.resolve("challenger.csv"), challenger);

        Runs.Run run = compare(
                "--challenger",
                "2",
                "--champion-outcomes",
                a.toString(),
                "--challenger-outcomes",
                b.toString(),
                "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.json().at("/verdict/findings/0/pValue").asDouble()).isLessThan(0.05);
    }

    @Test
    void shouldExitOneWithTheLineOfABadPolicy() throws IOException {
        register(0.80, 100);
        Files.writeString(policy, """
                version: 1
                allOf:
                  - metric: auc
                    direction: higherIsBetter
                    atleast: 0.7
                """);

        Runs.Run run = compare("--challenger", "1", "--json");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.json().at("/error/message").asText())
                .isEqualTo(policy + ":5:5: unknown key 'atleast' in a metric rule; expected one of [atLeast, atMost,"
                        + " direction, maxAbsoluteLoss, maxRelativeLoss, metric, minAbsoluteGain, minRelativeGain]");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldExitTwoWithoutARequiredOption() {
        assertThat(run(lake, "compare", "--challenger", "churn@1").status()).isEqualTo(2);
        assertThat(run(lake, "compare", "--policy", policy.toString()).status()).isEqualTo(2);
    }

    @Test
    void shouldExitOneWithoutAnEvaluationDataset() {
        Runs.Run reg = run(lake, "model", "register", "bare", "--metric", "auc=0.9", "--metric", "latency_ms=5");
        assertThat(reg.status()).isZero();

        Runs.Run run = run(lake, "compare", "--policy", policy.toString(), "--challenger", "bare@1");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("give --dataset");
        assertThat(run(
                                lake,
                                "compare",
                                "--policy",
                                policy.toString(),
                                "--challenger",
                                "bare@1",
                                "--dataset",
                                "holdout@1")
                        .status())
                .isZero(); // no champion: auc ≥ 0.70 is all that applies
    }
}
