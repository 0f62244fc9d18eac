package org.mlops4j.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

class ModelLineageTest {
    private static final Pattern MERMAID_NODE =
            Pattern.compile("^\\s+(n\\d+)(?:\\[\"|\\(\\[\")(.*?)(?:\"\\]|\"\\]\\))$");
    private static final Pattern MERMAID_EDGE = Pattern.compile("^\\s+(n\\d+) -->\\|([^|]*)\\| (n\\d+)$");
    private static final Pattern DOT_NODE =
            Pattern.compile("^\\s+(n\\d+) \\[label=\"((?:[^\"\\\\]|\\\\.)*)\", shape=(box|ellipse)\\];$");
    private static final Pattern DOT_EDGE =
            Pattern.compile("^\\s+(n\\d+) -> (n\\d+) \\[label=\"((?:[^\"\\\\]|\\\\.)*)\"\\];$");

    @TempDir
    Path temp;

    private ObjectStore lake;
    private Mlops mlops;
    private DatasetVersion raw;
    private DatasetVersion train;
    private DatasetVersion holdout;

    @BeforeEach
    void build() {
        lake = TestStores.open(temp.resolve("lake"));
        mlops = Mlops.builder()
                .objectStore(lake)
                .cacheDirectory(temp.resolve("cache"))
                .build();
        raw = snapshot("raw", "a,b\n1,2\n");
        train = mlops.datasets().derive("train").from(raw).transform("split", "git:1", Map.of("part", "train")).stream(
                        "train.csv", () -> bytes("a,b\n1,2\n"))
                .commit();
        holdout =
                mlops
                        .datasets()
                        .derive("holdout")
                        .from(raw)
                        .transform("split", "git:1", Map.of("part", "holdout"))
                        .stream("holdout.csv", () -> bytes("a,b\n3,4\n"))
                        .commit();
        ModelVersion model = mlops.registry()
                .register(new ModelRegistration("churn")
                        .input(train.getRef(), ModelInput.TRAIN)
                        .input(holdout.getRef(), ModelInput.EVAL)
                        .codeRevision("git:1"));
        assertThat(model.getInputs()).hasSize(2);
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldAnswerWhichDataAModelWasTrainedAndEvaluatedOn() {
        LineageGraph up = mlops.lineage().upstream(LineageNode.model("churn", 1));

        assertThat(up.nodes())
                .containsExactly(
                        LineageNode.dataset("holdout", 1),
                        LineageNode.dataset("raw", 1),
                        LineageNode.dataset("train", 1),
                        LineageNode.model("churn", 1));
        assertThat(up.edges())
                .extracting(LineageEdge::role)
                .containsExactlyInAnyOrder("eval", "parent", "parent", "train");
    }

    @Test
    void shouldAnswerWhichModelsUsedADatasetVersion() {
        LineageGraph down = mlops.lineage().downstream(LineageNode.dataset("raw", 1));

        assertThat(down.nodes()).contains(LineageNode.model("churn", 1));
        assertThat(down.edges()).hasSize(4);
        assertThat(mlops.lineage().downstream(LineageNode.dataset("train", 1)).edges())
                .containsExactly(
                        new LineageEdge(LineageNode.dataset("train", 1), LineageNode.model("churn", 1), "train"));
    }

    @Test
    void shouldExportMermaidThatParsesBackToTheSameGraph() {
        LineageGraph graph = mlops.lineage().downstream(LineageNode.dataset("raw", 1));

        String mermaid = LineageExport.toMermaid(graph);

        Set<String> nodes = new HashSet<>();
        int edges = 0;
        String[] lines = mermaid.split("\n");
        assertThat(lines[0]).isEqualTo("flowchart LR");
        for (int i = 1; i < lines.length; i++) {
            Matcher node = MERMAID_NODE.matcher(lines[i]);
            Matcher edge = MERMAID_EDGE.matcher(lines[i]);
            if (node.matches()) {
                nodes.add(node.group(1));
            } else {
                assertThat(edge.matches()).as("line %s", lines[i]).isTrue();
                assertThat(nodes).contains(edge.group(1), edge.group(3));
                edges++;
            }
        }
        assertThat(nodes).hasSize(graph.nodes().size());
        assertThat(edges).isEqualTo(graph.edges().size());
    }

    @Test
    void shouldExportDotThatParsesBackToTheSameGraph() {
        LineageGraph graph = mlops.lineage().upstream(LineageNode.model("churn", 1));

        String dot = LineageExport.toDot(graph);

        Set<String> nodes = new HashSet<>();
        Set<String> models = new HashSet<>();
        int edges = 0;
        String[] lines = dot.split("\n");
        assertThat(lines[0]).isEqualTo("digraph lineage {");
        assertThat(lines[lines.length - 1]).isEqualTo("}");
        for (int i = 2; i < lines.length - 1; i++) {
            Matcher node = DOT_NODE.matcher(lines[i]);
            Matcher edge = DOT_EDGE.matcher(lines[i]);
            if (node.matches()) {
                nodes.add(node.group(1));
                if (node.group(3).equals("ellipse")) {
                    models.add(node.group(2));
                }
            } else {
                assertThat(edge.matches()).as("line %s", lines[i]).isTrue();
                assertThat(nodes).contains(edge.group(1), edge.group(2));
                edges++;
            }
        }
        assertThat(nodes).hasSize(graph.nodes().size());
        assertThat(edges).isEqualTo(graph.edges().size());
        assertThat(models).containsExactly("model churn@1");
    }

    @Test
    void shouldEscapeNamesInBothExports() {
        LineageNode odd = new LineageNode("dataset", "a\"b|c<d>#e", 1);
        LineageGraph graph = new LineageGraph(odd, java.util.List.of(odd), java.util.List.of());

        assertThat(LineageExport.toMermaid(graph))
                .contains("a#quot;b#124;c#lt;d#gt;#35;e")
                .doesNotContain("a\"b");
        assertThat(LineageExport.toDot(graph)).contains("a\\\"b|c<d>#e");
    }

    private DatasetVersion snapshot(String name, String content) {
        return mlops.datasets().snapshot(name).stream("data.csv", () -> bytes(content))
                .commit();
    }

    private static ByteArrayInputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
