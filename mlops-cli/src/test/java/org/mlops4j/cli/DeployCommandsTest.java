package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.cli.Runs.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.DeploymentEvent;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.registry.ModelRef;

class DeployCommandsTest {
    @TempDir
    Path tmp;

    Path lake;

    @BeforeEach
    void setUp() throws IOException {
        lake = tmp.resolve("lake");
        Path data = Files.createDirectories(tmp.resolve("train"));
        Files.writeString(data.resolve("t.csv"), "x\n1\n");
        assertThat(run(lake, "dataset", "snapshot", "train", data.toString()).status())
                .isZero();
        assertThat(run(lake, "model", "register", "churn", "--input", "train@1", "--metric", "auc=0.8")
                        .status())
                .isZero();
        assertThat(run(lake, "model", "register", "churn", "--input", "train@1", "--metric", "auc=0.9")
                        .status())
                .isZero();
        // what a deployer writes through the library when it applies a rollout
        try (Mlops mlops = Mlops.builder().localLake(lake).build()) {
            ModelRef one = new ModelRef("churn", 1);
            ModelRef two = new ModelRef("churn", 2);
            mlops.deployments()
                    .record(new DeploymentEvent(
                            "churn-api",
                            1,
                            "local",
                            OperationId.of("op-1"),
                            one,
                            null,
                            one,
                            "replace",
                            OperationStatus.SUCCEEDED,
                            "first",
                            Instant.parse("2026-01-01T00:00:00Z")));
            mlops.deployments()
                    .record(new DeploymentEvent(
                            "churn-api",
                            2,
                            "local",
                            OperationId.of("op-2"),
                            two,
                            one,
                            two,
                            "canary[10, 50, 100]",
                            OperationStatus.SUCCEEDED,
                            "better auc",
                            Instant.parse("2026-01-02T00:00:00Z")));
        }
    }

    @Test
    void shouldExplainWhichModelIsLive() {
        Runs.Run run = run(lake, "deploy", "status", "churn-api", "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.json().at("/event/number").asLong()).isEqualTo(2);
        assertThat(run.json().at("/event/live").asText()).isEqualTo("churn@2");
        assertThat(run.json().at("/event/previous").asText()).isEqualTo("churn@1");
        assertThat(run.json().at("/model/metrics/auc").asDouble()).isEqualTo(0.9);
        assertThat(run.json().get("datasets").toString()).isEqualTo("[\"train@1\"]");
        assertThat(run(lake, "deploy", "status", "churn-api").out()).startsWith("churn-api: churn@2 is live");
    }

    @Test
    void shouldListTheHistoryOldestFirst() {
        Runs.Run run = run(lake, "deploy", "history", "churn-api", "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.json().get("events")).hasSize(2);
        assertThat(run.json().at("/events/0/rollout").asText()).isEqualTo("replace");
        assertThat(run.json().at("/events/1/rollout").asText()).isEqualTo("canary[10, 50, 100]");
        assertThat(run.json().at("/events/0/previous").isNull()).isTrue();
    }

    @Test
    void shouldExitOneForAnUnknownEndpoint() {
        Runs.Run status = run(lake, "deploy", "status", "nowhere");
        assertThat(status.status()).isEqualTo(1);
        assertThat(status.err()).contains("'nowhere'");
        assertThat(run(lake, "deploy", "history", "nowhere", "--json")
                        .json()
                        .at("/error/type")
                        .asText())
                .isEqualTo("NotFoundException");
        assertThat(run(lake, "deploy").status()).isEqualTo(2);
    }
}
