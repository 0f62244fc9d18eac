package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlops4j.deploy.HealthGate;
import org.mlops4j.deploy.Rollout;

class RolloutYamlTest {
    @Test
    void shouldBuildTheSameRolloutsAsTheJavaApi() {
        assertThat(RolloutYaml.parse("r.yaml", "version: 1\nstrategy: replace\n"))
                .isEqualTo(Rollout.replace());
        assertThat(RolloutYaml.parse("r.yaml", "version: 1\nstrategy: blueGreen\n"))
                .isEqualTo(Rollout.blueGreen());
        assertThat(RolloutYaml.parse("r.yaml", "version: 1\nstrategy: shadow\npercent: 10\n"))
                .isEqualTo(Rollout.shadow(10));
        assertThat(RolloutYaml.parse("r.yaml", "version: 1\nstrategy: canary\nsteps: [10, 100]\n")
                        .toString())
                .isEqualTo(Rollout.canary(10, 100).toString());

        Rollout canary = RolloutYaml.parse("r.yaml", """
                version: 1
                strategy: canary
                steps: [5, 25, 100]
                gate:
                  maxErrorRate: 0.01
                  maxP95Latency: 250ms
                  minRequests: 200
                  maxWait: PT10M
                """);
        HealthGate gate = HealthGate.custom()
                .maxErrorRate(0.01)
                .maxP95Latency(Duration.ofMillis(250))
                .minRequests(200)
                .maxWait(Duration.ofMinutes(10))
                .build();
        assertThat(canary.toString()).isEqualTo(Rollout.canary(gate, 5, 25, 100).toString());
        assertThat(((Rollout.Canary) canary).gate().getMaxP95Latency()).isEqualTo(Duration.ofMillis(250));
        assertThat(((Rollout.Canary) canary).gate().getMaxWait()).isEqualTo(Duration.ofMinutes(10));
        assertThat(((Rollout.Canary) canary).gate().getMinRequests()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown strategy       | version: 1\\nstrategy: gradual | 2 | 11 | strategy is replace, blueGreen, canary or shadow, not 'gradual'
            key of another one     | version: 1\\nstrategy: replace\\nsteps: [10] | 3 | 1 | 'steps' does not apply to strategy replace
            canary without steps   | version: 1\\nstrategy: canary | 1 | 1 | a canary rollout needs 'steps'
            steps not a list       | version: 1\\nstrategy: canary\\nsteps: 10 | 3 | 8 | 'steps' is a non-empty list
            step not a number      | version: 1\\nstrategy: canary\\nsteps: [10, half] | 3 | 13 | 'a step' must be a whole number, got 'half'
            steps the API refuses  | version: 1\\nstrategy: canary\\nsteps: [50, 10] | 3 | 8 |
            bad duration           | version: 1\\nstrategy: canary\\nsteps: [100]\\ngate:\\n  maxWait: soon | 5 | 12 | 'maxWait' is a duration
            gate value refused     | version: 1\\nstrategy: canary\\nsteps: [100]\\ngate:\\n  maxErrorRate: 2 | 5 | 17 |
            unknown gate key       | version: 1\\nstrategy: canary\\nsteps: [100]\\ngate:\\n  maxErrors: 2 | 5 | 3 | unknown key 'maxErrors' in the gate
            shadow without percent | version: 1\\nstrategy: shadow | 1 | 1 | a shadow rollout needs 'percent'
            missing version        | strategy: replace | 1 | 1 | missing 'version: 1'
            """)
    void shouldReportTheLineAndColumnOfAnError(String name, String text, int line, int column, String problem) {
        String yaml = text.replace("\\n", "\n");

        assertThatThrownBy(() -> RolloutYaml.parse("rollout.yaml", yaml))
                .as(name)
                .isInstanceOfSatisfying(YamlFileException.class, e -> {
                    assertThat(e.getMessage()).startsWith("rollout.yaml:" + line + ":" + column + ": ");
                    assertThat(e.getMessage()).contains(problem == null ? "" : problem);
                });
    }
}
