package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.cli.Runs.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageCommandTest {
    @TempDir
    Path tmp;

    Path lake;

    @BeforeEach
    void setUp() throws IOException {
        lake = tmp.resolve("lake");
        Path raw = Files.createDirectories(tmp.resolve("raw"));
        Files.writeString(raw.resolve("r.csv"), "a\n1\n");
        Path clean = Files.createDirectories(tmp.resolve("clean"));
        Files.writeString(clean.resolve("c.csv"), "a\n2\n");
        assertThat(run(lake, "dataset", "snapshot", "raw", raw.toString()).status())
                .isZero();
        assertThat(run(
                                lake,
                                "dataset",
                                "snapshot",
                                "clean",
                                clean.toString(),
                                "--from",
                                "raw@1",
                                "--transform",
                                "dedupe",
                                "--code-revision",
                                "abc")
                        .status())
                .isZero();
        assertThat(run(lake, "model", "register", "churn", "--input", "clean@1", "--metric", "auc=0.8")
                        .status())
                .isZero();
    }

    private static List<String> names(JsonNode nodes) {
        List<String> names = new ArrayList<>();
        nodes.forEach(n -> names.add(n.get("kind").asText() + ":"
                + n.get("name").asText() + "@" + n.get("version").asLong()));
        return names;
    }

    @Test
    void shouldWalkUpstreamFromAModelAsJson() {
        Runs.Run run = run(lake, "lineage", "upstream", "--model", "churn@1", "--json");

        assertThat(run.status()).as(run.toString()).isZero();
        JsonNode graph = run.json().get("graph");
        assertThat(graph.at("/start/kind").asText()).isEqualTo("model");
        assertThat(names(graph.get("nodes"))).contains("dataset:raw@1", "dataset:clean@1", "model:churn@1");
        assertThat(graph.get("edges")).hasSize(2);
        assertThat(run(lake, "lineage", "upstream", "--model", "churn@1", "--format", "json")
                        .json())
                .isEqualTo(run.json());
    }

    @Test
    void shouldWalkDownstreamFromADatasetAsMermaidAndDot() {
        Runs.Run mermaid = run(lake, "lineage", "downstream", "--dataset", "raw@1");
        assertThat(mermaid.status()).as(mermaid.toString()).isZero();
        assertThat(mermaid.out())
                .startsWith("flowchart")
                .contains("\"dataset raw@1\"", "\"dataset clean@1\"", "\"model churn@1\"", "-->|parent|", "-->|train|");

        Runs.Run dot = run(lake, "lineage", "downstream", "--dataset", "raw", "--format", "dot");
        assertThat(dot.out()).startsWith("digraph").contains("raw@1", "clean@1", "churn@1");
    }

    @Test
    void shouldRefuseAMissingStartOrFormatAsUsage() {
        assertThat(run(lake, "lineage", "upstream").status()).isEqualTo(2);
        assertThat(run(lake, "lineage", "sideways", "--dataset", "raw@1").status())
                .isEqualTo(2);
        assertThat(run(lake, "lineage", "upstream", "--dataset", "raw@1", "--format", "svg")
                        .status())
                .isEqualTo(2);
        assertThat(run(lake, "lineage", "upstream", "--dataset", "raw@1", "--model", "churn@1")
                        .status())
                .isEqualTo(2);
    }
}
