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
        Path weights = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(weights.resolve("weights.txt"), "0.5");
        for (String auc : new String[] {"0.8", "0.9"}) {
            Runs.Run registered = run(
                    lake,
                    "model",
                    "register",
                    "churn",
                    "--input",
                    "train@1",
                    "--metric",
                    "auc=" + auc,
                    "--artifacts",
                    weights.toString());
            assertThat(registered.status()).as(registered.toString()).isZero();
        }
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

    private Runs.Run deploy(String verb, String endpoint, String... extra) {
        String[] base = {"deploy", verb, endpoint, "--target", LakeDeployer.class.getName()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(lake, args);
    }

    @Test
    void shouldPlanApplyAndRollBackThroughTheUsersTarget() throws IOException {
        Path canary = Files.writeString(tmp.resolve("canary.yaml"), """
                version: 1
                strategy: canary
                steps: [10, 50, 100]
                gate:
                  maxErrorRate: 0.02
                  maxWait: 5m
                """);
        Path replace = Files.writeString(tmp.resolve("replace.yaml"), "version: 1\nstrategy: replace\n");

        Runs.Run plan = deploy("plan", "scoring", "--model", "churn@1", "--rollout", replace.toString(), "--json");
        assertThat(plan.status()).as(plan.toString()).isZero();
        assertThat(plan.json().at("/plan/model").asText()).isEqualTo("churn@1");
        assertThat(plan.json().at("/plan/rollout").asText()).isEqualTo("replace");
        assertThat(plan.json().at("/plan/changes")).isNotEmpty();
        assertThat(run(lake, "deploy", "history", "scoring").status())
                .as("a plan changes nothing")
                .isEqualTo(1);

        Runs.Run first = deploy("apply", "scoring", "--model", "churn@1", "--rollout", replace.toString(), "--json");
        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.json().at("/deployment/succeeded").asBoolean()).isTrue();

        Runs.Run second = deploy("apply", "scoring", "--model", "churn@2", "--rollout", canary.toString(), "--json");
        assertThat(second.status()).as(second.toString()).isZero();
        assertThat(second.json().at("/deployment/rollout").asText()).startsWith("canary[10, 50, 100]");
        assertThat(second.json().at("/deployment/previous").asText()).isEqualTo("churn@1");
        assertThat(run(lake, "deploy", "status", "scoring", "--json")
                        .json()
                        .at("/event/live")
                        .asText())
                .isEqualTo("churn@2");

        Runs.Run back = deploy("rollback", "scoring", "--reason", "latency regression", "--json");
        assertThat(back.status()).as(back.toString()).isZero();
        assertThat(back.json().at("/deployment/model").asText()).isEqualTo("churn@1");
        Runs.Run status = run(lake, "deploy", "status", "scoring", "--json");
        assertThat(status.json().at("/event/live").asText()).isEqualTo("churn@1");
        assertThat(status.json().at("/event/reason").asText()).isEqualTo("latency regression");
    }

    @Test
    void shouldExitOneWithTheLineOfABadRollout() throws IOException {
        Path bad = Files.writeString(
                tmp.resolve("bad.yaml"),
                "version: 1\nstrategy: canary\nsteps: [10, 50, 100]\ngate:\n  maxWait: soon\n");

        Runs.Run run = deploy("plan", "scoring", "--model", "churn@1", "--rollout", bad.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains(bad + ":5:12: 'maxWait' is a duration");
        assertThat(deploy("plan", "scoring", "--rollout", bad.toString()).status())
                .as("no --model")
                .isEqualTo(2);
        assertThat(run(lake, "deploy", "apply", "scoring", "--model", "churn@1", "--rollout", bad.toString())
                        .status())
                .as("no --target")
                .isEqualTo(2);
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
