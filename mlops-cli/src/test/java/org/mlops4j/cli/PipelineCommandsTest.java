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

class PipelineCommandsTest {
    private static final String DEFINITION = ChurnPipeline.class.getName();

    @TempDir
    Path tmp;

    Path lake;
    Path raw;

    @BeforeEach
    void setUp() throws IOException {
        lake = tmp.resolve("lake");
        raw = Files.createDirectories(tmp.resolve("raw"));
        Path holdout = Files.createDirectories(tmp.resolve("holdout"));
        Files.writeString(holdout.resolve("h.csv"), "x\n1\n");
        assertThat(run(lake, "dataset", "snapshot", "holdout", holdout.toString())
                        .status())
                .isZero();
    }

    private Runs.Run snapshotAndRun(String auc, String... extra) throws IOException {
        Files.writeString(raw.resolve("auc.txt"), auc);
        assertThat(run(lake, "dataset", "snapshot", "raw", raw.toString()).status())
                .isZero();
        String[] args = new String[4 + extra.length];
        System.arraycopy(new String[] {"pipeline", "run", "--definition", DEFINITION}, 0, args, 0, 4);
        System.arraycopy(extra, 0, args, 4, extra.length);
        return run(lake, args);
    }

    @Test
    void shouldRunThePipelineAndExitWithItsVerdict() throws IOException {
        Runs.Run first = snapshotAndRun("0.80", "--json");
        assertThat(first.status()).as(first.toString()).isZero();
        JsonNode run = first.json().get("run");
        assertThat(run.get("status").asText()).isEqualTo("promoted");
        assertThat(run.get("registered").asText()).isEqualTo("churn@1");
        assertThat(run.at("/inputs/raw").asText()).isEqualTo("raw@1");
        assertThat(run(lake, "model", "show", "churn@champion", "--json")
                        .json()
                        .at("/model/version")
                        .asLong())
                .isEqualTo(1);

        Runs.Run worse = snapshotAndRun("0.805", "--json"); // gain below 0.01
        assertThat(worse.status()).as(worse.toString()).isEqualTo(3);
        assertThat(worse.json().at("/run/status").asText()).isEqualTo("rejected");
        assertThat(worse.json().at("/run/findings/0/decision").asText()).isEqualTo("REJECT");
        assertThat(run(lake, "model", "show", "churn@champion", "--json")
                        .json()
                        .at("/model/version")
                        .asLong())
                .isEqualTo(1);
    }

    @Test
    void shouldRunOnlyWhenTriggered() throws IOException {
        assertThat(snapshotAndRun("0.8", "--if-triggered").status()).isZero();

        Runs.Run again = run(lake, "pipeline", "run", "--definition", DEFINITION, "--if-triggered", "--json");

        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(again.json().get("triggered").asBoolean()).isFalse();
    }

    @Test
    void shouldListRunsShowTheJournalAndWriteTheReport() throws IOException {
        String runId = snapshotAndRun("0.8", "--json").json().at("/run/runId").asText();

        Runs.Run list = run(lake, "pipeline", "status", "--definition", DEFINITION, "--json");
        assertThat(list.status()).as(list.toString()).isZero();
        assertThat(list.json().at("/runs/0/runId").asText()).isEqualTo(runId);
        assertThat(list.json().at("/runs/0/finished").asBoolean()).isTrue();
        assertThat(list.json().at("/runs/0/decision").asText()).isEqualTo("PROMOTE");

        Runs.Run journal = run(lake, "pipeline", "status", "--definition", DEFINITION, runId, "--json");
        assertThat(journal.json().get("journal").findValuesAsText("step")).contains("train", "register", "compare");

        Path report = tmp.resolve("report.md");
        Runs.Run written = run(lake, "pipeline", "report", "--definition", DEFINITION, runId, "-o", report.toString());
        assertThat(written.status()).as(written.toString()).isZero();
        assertThat(Files.readString(report)).contains("```mermaid", "churn@1", "raw@1");
    }

    @Test
    void shouldLoadTheDefinitionFromTheClassPathGiven() throws IOException {
        Path sources = Files.createDirectories(tmp.resolve("src/com/acme"));
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Path source = Files.writeString(sources.resolve("AcmePipeline.java"), """
                package com.acme;
                public final class AcmePipeline implements java.util.function.Function<org.mlops4j.Mlops,
                        org.mlops4j.pipeline.RetrainingPipeline> {
                    @Override
                    public org.mlops4j.pipeline.RetrainingPipeline apply(org.mlops4j.Mlops mlops) {
                        return new org.mlops4j.cli.ChurnPipeline().apply(mlops);
                    }
                }
                """);
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-d",
                        classes.toString(),
                        source.toString());
        assertThat(compiled).isZero();
        Files.writeString(raw.resolve("auc.txt"), "0.8");
        assertThat(run(lake, "dataset", "snapshot", "raw", raw.toString()).status())
                .isZero();

        Runs.Run without = run(lake, "pipeline", "run", "--definition", "com.acme.AcmePipeline");
        Runs.Run with = run(
                lake,
                "pipeline",
                "run",
                "--definition",
                "com.acme.AcmePipeline",
                "--class-path",
                tmp.resolve("nothing-here") + ":" + classes,
                "--json");

        assertThat(without.status()).isEqualTo(1);
        assertThat(with.status()).as(with.toString()).isZero();
        assertThat(with.json().at("/run/registered").asText()).isEqualTo("churn@1");
    }

    @Test
    void shouldExitOneForADefinitionThatCannotBeLoaded() {
        Runs.Run missing = run(lake, "pipeline", "run", "--definition", "com.example.Nope");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no class com.example.Nope", "--class-path");

        Runs.Run wrong = run(lake, "pipeline", "run", "--definition", String.class.getName());
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.err()).contains("does not implement java.util.function.Function");

        assertThat(run(lake, "pipeline", "run").status()).isEqualTo(2);
        assertThat(run(lake, "pipeline", "status", "--definition", DEFINITION, "nope-1")
                        .status())
                .isEqualTo(1);
    }
}
