package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.cli.Runs.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path lake;

    @Test
    void shouldPrintAUsageErrorAsJsonWhenAsked() {
        Runs.Run run = run(lake, "dataset", "snapshot", "--json");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.json().at("/error/type").asText()).isEqualTo("UsageError");
        assertThat(run.json().at("/error/message").asText()).contains("Missing required parameters");
        assertThat(run.json().get("command").asText()).isEqualTo("dataset snapshot");
        assertThat(run.err()).contains("Try 'mlops4j dataset snapshot --help'");
    }

    @Test
    void shouldTakeTheGlobalOptionsBeforeOrAfterTheCommand() {
        Runs.Run before = run(lake, "--json", "dataset", "log", "none");
        Runs.Run after = run(lake, "dataset", "log", "none", "--json");

        assertThat(before.status()).as(before.toString()).isZero();
        assertThat(before.json()).isEqualTo(after.json());
        assertThat(before.json().get("versions")).isEmpty();
    }

    @Test
    void shouldPrintTheCompletionScriptAsTextOrJson() {
        Runs.Run text = run(lake, "completion");
        Runs.Run json = run(lake, "completion", "--json");

        assertThat(text.status()).isZero();
        assertThat(text.out()).contains("complete -F", "lineage", "--policy");
        assertThat(json.json().get("script").asText()).isEqualTo(text.out());
    }

    @Test
    void shouldListTheExitStatusesInTheHelp() {
        Runs.Run help = run(lake, "--help");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("Exit status:", "3   compare: reject", "4   compare: inconclusive");
    }
}
