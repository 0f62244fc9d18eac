package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the launcher script ({@code src/main/dist/mlops4j}) as a child process with stdout and stderr to pipes, the
 * lake from {@code MLOPS4J_LAKE}: what a CI step sees.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    record Child(int status, String out, String err) {}

    private Child launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("mlops4j.cli.launcher", "src/main/dist/mlops4j"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MLOPS4J_CLI_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MLOPS4J_REGISTRY");
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(tmp.resolve("stderr.txt").toFile());
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Child(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("stderr.txt")));
    }

    @Test
    void shouldDrawNoProgressBarWhenStdoutIsAPipe() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (int i = 0; i < 2_000; i++) {
            Files.writeString(data.resolve("f" + i + ".txt"), "row " + i);
        }
        Path lake = tmp.resolve("lake");

        Child child = launch(Map.of("MLOPS4J_LAKE", lake.toString()), "dataset", "snapshot", "many", data.toString());

        assertThat(child.status()).as(child.err()).isZero();
        assertThat(child.out()).startsWith("created many@1").contains("2000 files");
        assertThat(child.out() + child.err()).doesNotContain("\r").doesNotContain("[#");
        assertThat(Files.exists(lake.resolve("lake.json")))
                .as("MLOPS4J_LAKE was used")
                .isTrue();
    }

    @Test
    void shouldDrawAProgressBarOnATerminal() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(data.resolve("f" + i + ".txt"), "row " + i);
        }

        Runs.Run run = Runs.run(tmp.resolve("lake"), true, "dataset", "snapshot", "many", data.toString());

        assertThat(run.status()).isZero();
        assertThat(run.err()).contains("\rsnapshot many [").contains("50/50 files");
        assertThat(run.out()).doesNotContain("\r");
        Runs.Run json = Runs.run(tmp.resolve("lake2"), true, "dataset", "snapshot", "many", data.toString(), "--json");
        assertThat(json.err()).as("no bar under --json").doesNotContain("\r");
    }

    @Test
    void shouldExitWithTheVerdictAndPrintParsableJsonThroughTheLauncher() throws Exception {
        Path lake = tmp.resolve("lake");
        Path data = Files.createDirectories(tmp.resolve("holdout"));
        Files.writeString(data.resolve("h.csv"), "x\n1\n");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), """
                version: 1
                allOf:
                  - metric: auc
                    direction: higherIsBetter
                    minAbsoluteGain: 0.01
                """);
        Map<String, String> env = Map.of("MLOPS4J_LAKE", lake.toString());
        assertThat(launch(env, "dataset", "snapshot", "holdout", data.toString())
                        .status())
                .isZero();
        assertThat(launch(env, "model", "register", "m", "--metric", "auc=0.8", "--input", "holdout@1:eval")
                        .status())
                .isZero();
        assertThat(launch(env, "model", "register", "m", "--metric", "auc=0.805", "--input", "holdout@1:eval")
                        .status())
                .isZero();
        assertThat(launch(env, "model", "alias", "m", "champion", "1").status()).isZero();

        Child child = launch(
                env,
                "compare",
                "--policy",
                policy.toString(),
                "--model",
                "m",
                "--champion",
                "@champion",
                "--challenger",
                "2",
                "--json");

        assertThat(child.status()).as(child.err()).isEqualTo(3);
        JsonNode doc = new ObjectMapper().readTree(child.out());
        assertThat(doc.at("/verdict/decision").asText()).isEqualTo("REJECT");
        assertThat(child.err()).as("no INFO logging in a command's output").isEmpty();
    }

    @Test
    void shouldNeverPrintASecretFromTheEnvironment() throws Exception {
        Child child = launch(
                Map.of(
                        "MLOPS4J_LAKE",
                        tmp.resolve("lake").toString(),
                        "MLOPS4J_REGISTRY",
                        "mlflow+https://alice:s3cr3t-pw@mlflow.example.invalid",
                        "MLFLOW_TRACKING_TOKEN",
                        "tok-s3cr3t"),
                "model",
                "list",
                "--json");

        assertThat(child.out() + child.err()).doesNotContain("s3cr3t");
    }

    @Test
    void shouldPrintABashCompletionScript() throws Exception {
        Child child = launch(Map.of(), "completion");

        assertThat(child.status()).isZero();
        assertThat(child.out()).contains("complete -F", "mlops4j", "snapshot", "compare", "--champion");
    }

    @Test
    void shouldExitTwoOnAUsageErrorAndPrintTheVersion() throws Exception {
        Child usage = launch(Map.of(), "dataset", "snapshot");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameters");

        Child version = launch(Map.of(), "--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("mlops4j ");
    }
}
