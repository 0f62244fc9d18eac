package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Policies;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ModelRef;

class PolicyYamlTest {
    private static final DatasetRef HOLDOUT = new DatasetRef("holdout", 1);

    private static Evaluation eval(long version, double auc, double latency) {
        return Evaluation.builder(new ModelRef("m", version), HOLDOUT)
                .metric("auc", auc)
                .metric("latency_ms", latency)
                .build();
    }

    @Test
    void shouldBuildTheSamePolicyAsTheJavaApi() {
        ComparisonPolicy yaml = PolicyYaml.parse("p.yaml", """
                version: 1
                allOf:
                  - metric: auc
                    direction: higherIsBetter
                    atLeast: 0.70
                    minAbsoluteGain: 0.005
                  - metric: latency_ms
                    direction: lowerIsBetter
                    maxRelativeLoss: 0.10
                  - significantGain: accuracy
                    resamples: 500
                    confidence: 0.9
                    seed: 7
                  - noSliceRegression: accuracy
                    by: region
                    tolerance: 0.01
                    minSliceSize: 200
                  - anyOf:
                      - metric: auc
                        direction: higherIsBetter
                        atLeast: 0.9
                      - significantGain: accuracy
                        test: mcNemar
                """);
        ComparisonPolicy java = Policies.allOf(
                Policies.metric("auc").higherIsBetter().atLeast(0.70).minAbsoluteGain(0.005),
                Policies.metric("latency_ms").lowerIsBetter().maxRelativeLoss(0.10),
                Policies.significantGain("accuracy")
                        .pairedBootstrap(500)
                        .confidence(0.9)
                        .seed(7),
                Policies.noSliceRegression("accuracy")
                        .by("region")
                        .tolerance(0.01)
                        .minSliceSize(200),
                Policies.anyOf(
                        Policies.metric("auc").higherIsBetter().atLeast(0.9),
                        Policies.significantGain("accuracy").mcNemar()));

        assertThat(yaml.toString()).isEqualTo(java.toString());
    }

    @Test
    void shouldDecideAsTheRulesSay() {
        ComparisonPolicy policy = PolicyYaml.parse("p.yaml", """
                version: 1
                anyOf:
                  - metric: auc
                    direction: higherIsBetter
                    minAbsoluteGain: 0.05
                  - metric: latency_ms
                    direction: lowerIsBetter
                    minRelativeGain: 0.5
                """);

        assertThat(policy.compare(eval(1, 0.8, 100), eval(2, 0.86, 100)).getDecision())
                .isEqualTo(Decision.PROMOTE);
        assertThat(policy.compare(eval(1, 0.8, 100), eval(2, 0.81, 40)).getDecision())
                .isEqualTo(Decision.PROMOTE);
        assertThat(policy.compare(eval(1, 0.8, 100), eval(2, 0.81, 90)).getDecision())
                .isEqualTo(Decision.REJECT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key                 | version: 1\\nallOf:\\n  - metric: auc\\n    direction: higherIsBetter\\n    atleast: 0.7 | 5 | 5 | unknown key 'atleast' in a metric rule
            wrong type                  | version: 1\\nallOf:\\n  - metric: auc\\n    direction: higherIsBetter\\n    atLeast: high | 5 | 14 | 'atLeast' must be a finite number, got 'high'
            missing direction           | version: 1\\nallOf:\\n  - metric: auc\\n    atLeast: 0.7 | 3 | 5 | metric rule 'auc' needs 'direction: higherIsBetter' or 'direction: lowerIsBetter'
            bad direction               | version: 1\\nallOf:\\n  - metric: auc\\n    direction: up | 4 | 16 | direction is 'higherIsBetter' or 'lowerIsBetter', not 'up'
            value the API refuses       | version: 1\\nallOf:\\n  - significantGain: accuracy\\n    confidence: 1.5 | 4 | 17 | confidence
            McNemar on AUC              | version: 1\\nallOf:\\n  - significantGain: auc\\n    test: mcNemar | 4 | 11 | McNemar
            unknown metric              | version: 1\\nallOf:\\n  - significantGain: nonsense | 3 | 22 | nonsense
            duplicate key               | version: 1\\nallOf:\\n  - metric: auc\\n    direction: higherIsBetter\\n    atLeast: 0.7\\n    atLeast: 0.8 | 6 | 5 | duplicate key 'atLeast' in a metric rule (first at line 5)
            syntax error                | version: 1\\nallOf:\\n  - metric: auc\\n   direction: [higherIsBetter | 4 | 4 | not valid YAML
            missing version             | allOf:\\n  - metric: auc\\n    direction: higherIsBetter | 1 | 1 | missing 'version: 1'
            newer version               | version: 2\\nallOf: [] | 1 | 10 | reads version 1 of the policy, not 2
            empty list                  | version: 1\\nallOf: [] | 2 | 8 | must be a non-empty list of rules
            both combinations           | version: 1\\nallOf:\\n  - metric: a\\n    direction: lowerIsBetter\\nanyOf:\\n  - metric: b\\n    direction: lowerIsBetter | 5 | 1 | exactly one of 'allOf' and 'anyOf'
            two kinds in one rule       | version: 1\\nallOf:\\n  - metric: auc\\n    significantGain: auc | 4 | 5 | a rule has one kind
            rule not a mapping          | version: 1\\nallOf:\\n  - auc | 3 | 5 | a rule is a mapping
            slice without by            | version: 1\\nallOf:\\n  - noSliceRegression: accuracy | 3 | 5 | missing 'by'
            resamples with McNemar      | version: 1\\nallOf:\\n  - significantGain: accuracy\\n    test: mcNemar\\n    resamples: 100 | 5 | 5 | 'resamples' belongs to the paired bootstrap
            """)
    void shouldReportTheLineAndColumnOfAnError(String name, String text, int line, int column, String problem) {
        String yaml = text.replace("\\n", "\n");

        assertThatThrownBy(() -> PolicyYaml.parse("policy.yaml", yaml))
                .as(name)
                .isInstanceOfSatisfying(YamlFileException.class, e -> {
                    assertThat(e.getMessage()).startsWith("policy.yaml:" + line + ":" + column + ": ");
                    assertThat(e.getMessage()).contains(problem);
                    assertThat(e.getLine()).isEqualTo(line);
                    assertThat(e.getColumn()).isEqualTo(column);
                });
    }

    @Test
    void shouldRefuseAnEmptyFile() {
        assertThatThrownBy(() -> PolicyYaml.parse("policy.yaml", "# nothing\n"))
                .isInstanceOf(YamlFileException.class)
                .hasMessage("policy.yaml:1:1: the file is empty; it starts with 'version: 1'");
    }
}
