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

class ModelCommandsTest {
    @TempDir
    Path tmp;

    Path lake;
    Path weights;

    @BeforeEach
    void setUp() throws IOException {
        lake = tmp.resolve("lake");
        weights = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(weights.resolve("weights.txt"), "0.5 0.25");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("train.csv"), "x,y\n1,0\n");
        assertThat(run(lake, "dataset", "snapshot", "churn-raw", data.toString())
                        .status())
                .isZero();
    }

    private JsonNode register(String... extra) {
        String[] args = new String[extra.length + 6];
        System.arraycopy(
                new String[] {"model", "register", "churn", "--artifacts", weights.toString(), "--json"},
                0,
                args,
                0,
                6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        Runs.Run run = run(lake, args);
        assertThat(run.status()).as(run.toString()).isZero();
        return run.json().get("model");
    }

    @Test
    void shouldRegisterAVersionWithItsMetricsAndInputs() {
        JsonNode model = register(
                "--metric",
                "auc=0.81",
                "--param",
                "lr=0.1",
                "--tag",
                "team=risk",
                "--input",
                "churn-raw@1",
                "--input",
                "churn-raw:eval",
                "--code-revision",
                "abc123",
                "--description",
                "first");

        assertThat(model.get("ref").asText()).isEqualTo("churn@1");
        assertThat(model.at("/metrics/auc").asDouble()).isEqualTo(0.81);
        assertThat(model.at("/params/lr").asText()).isEqualTo("0.1");
        assertThat(model.at("/tags/team").asText()).isEqualTo("risk");
        assertThat(model.get("artifactFiles").asLong()).isEqualTo(1);
        assertThat(model.get("artifacts").asText()).startsWith("sha256:");
        assertThat(model.get("inputs").toString())
                .isEqualTo(
                        "[{\"dataset\":\"churn-raw@1\",\"role\":\"train\"},{\"dataset\":\"churn-raw@1\",\"role\":\"eval\"}]");
        assertThat(model.get("codeRevision").asText()).isEqualTo("abc123");
    }

    @Test
    void shouldRegisterOnceForOneRequestId() {
        JsonNode first = register("--request-id", "build-42", "--metric", "auc=0.8");
        JsonNode retry = register("--request-id", "build-42", "--metric", "auc=0.8");

        assertThat(retry.get("version").asLong())
                .isEqualTo(first.get("version").asLong())
                .isEqualTo(1);
        assertThat(run(lake, "model", "list", "churn", "--json").json().get("versions"))
                .hasSize(1);
    }

    @Test
    void shouldListAndShowVersions() {
        register("--metric", "auc=0.7");
        register("--metric", "auc=0.8", "--tag", "stage=candidate");

        Runs.Run list = run(lake, "model", "list", "--json");
        assertThat(list.status()).as(list.toString()).isZero();
        assertThat(list.json().get("versions")).hasSize(2);
        assertThat(list.json().at("/versions/0/ref").asText()).isEqualTo("churn@2");
        assertThat(run(lake, "model", "list", "--tag", "stage=candidate", "--json")
                        .json()
                        .get("versions"))
                .hasSize(1);

        Runs.Run show = run(lake, "model", "show", "churn@1");
        assertThat(show.status()).isZero();
        assertThat(show.out()).contains("churn@1", "auc=0.7");
    }

    @Test
    void shouldMoveAliasesWithCompareAndSetAndKeepTheirHistory() {
        register();
        register();

        Runs.Run set = run(lake, "model", "alias", "churn", "champion", "1", "--expect-absent", "--json");
        assertThat(set.status()).as(set.toString()).isZero();
        assertThat(set.json().at("/alias/version").asLong()).isEqualTo(1);
        assertThat(run(lake, "model", "show", "churn@champion", "--json")
                        .json()
                        .at("/model/version")
                        .asLong())
                .isEqualTo(1);

        Runs.Run stale = run(lake, "model", "alias", "churn", "champion", "2", "--expect", "2");
        assertThat(stale.status()).as(stale.toString()).isEqualTo(1);
        assertThat(stale.err()).startsWith("mlops4j: ").doesNotContain("\tat ");

        assertThat(run(lake, "model", "alias", "churn", "champion", "2", "--expect", "1", "--reason", "better")
                        .status())
                .isZero();
        Runs.Run shown = run(lake, "model", "alias", "churn", "champion", "--json");
        assertThat(shown.json().at("/alias/version").asLong()).isEqualTo(2);
        assertThat(shown.json().at("/alias/reason").asText()).isEqualTo("better");

        Runs.Run history = run(lake, "model", "alias", "churn", "champion", "--history", "--json");
        assertThat(history.json().get("history")).hasSize(2);
        assertThat(history.json().at("/history/0/toVersion").asLong()).isEqualTo(1);
        assertThat(history.json().at("/history/1/fromVersion").asLong()).isEqualTo(1);
        assertThat(history.json().at("/history/1/toVersion").asLong()).isEqualTo(2);

        assertThat(run(lake, "model", "alias", "churn", "champion", "--delete").status())
                .isZero();
        Runs.Run gone = run(lake, "model", "show", "churn@champion");
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).contains("no alias 'champion'");
    }

    @Test
    void shouldRejectConflictingAliasModesAsUsage() {
        register();
        assertThat(run(lake, "model", "alias", "churn", "champion", "1", "--delete")
                        .status())
                .isEqualTo(2);
        assertThat(run(lake, "model", "alias", "churn", "champion", "1", "--expect", "1", "--expect-absent")
                        .status())
                .isEqualTo(2);
        assertThat(run(lake, "model", "register", "churn", "--metric", "auc=high")
                        .status())
                .isEqualTo(2);
    }

    @Test
    void shouldExitOneForAnUnknownVersion() {
        Runs.Run run = run(lake, "model", "show", "churn@9", "--json");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.json().at("/error/type").asText()).isEqualTo("NotFoundException");
    }
}
