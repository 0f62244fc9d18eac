package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;

/**
 * Issue 18: the README's code runs as written, from the README text itself, so the tour cannot drift from the code.
 * Each run happens in a child JVM ({@link ReadmeRunner}) whose working directory is a fresh temporary directory
 * holding only what the README's {@code bash setup} block makes, as a user's project would. A failure names the
 * README line and block.
 */
class ReadmeTest {
    private static final Path README =
            Path.of("..", "README.md").toAbsolutePath().normalize();
    private static final Path MLOPS_JSH = Path.of("jshell", "mlops.jsh").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void shouldHaveATourJshellLinesSetupAndPomSnippetsInTheReadme() {
        ReadmeBlocks readme = ReadmeBlocks.read(README);

        assertThat(readme.mainClass())
                .as("a ```java class with '%s'", ReadmeBlocks.PLACEHOLDER)
                .isPresent();
        assertThat(readme.java()).anyMatch(ReadmeBlocks.Block::isStatements).anyMatch(ReadmeBlocks.Block::isJshell);
        assertThat(readme.setup()).as("a ```bash setup block").isNotBlank();
        assertThat(String.join(
                        "", readme.xml().stream().map(ReadmeBlocks.Block::text).toList()))
                .contains("<artifactId>mlops-bom</artifactId>", "<artifactId>mlops-core</artifactId>");
    }

    @Test
    void shouldRunTheReadmeJavaBlocksAsWrittenAndAgainWhenRerun() throws Exception {
        ReadmeBlocks readme = ReadmeBlocks.read(README);
        setUp(readme);
        Set<Integer> programs = readme.java().stream()
                .filter(b -> !b.isJshell())
                .map(ReadmeBlocks.Block::number)
                .collect(Collectors.toSet());

        String first = run("programs", README.toString());
        // a user runs their program again: it must not fail, and must deploy the version it registered
        String second = run("programs", README.toString());

        assertThat(blocksRun(first)).as(first).isEqualTo(programs);
        assertThat(blocksRun(second)).as(second).isEqualTo(programs);
        try (Mlops lake = Mlops.local(work.resolve(".mlops4j"))) {
            assertThat(lake.deployments().explain("churn").getModel().getVersion())
                    .as("the rerun's model is live")
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldRunTheReadmeJshellLinesAsWrittenAfterMlopsJsh() throws Exception {
        ReadmeBlocks readme = ReadmeBlocks.read(README);
        setUp(readme);
        Set<Integer> jshell = readme.java().stream()
                .filter(ReadmeBlocks.Block::isJshell)
                .map(ReadmeBlocks.Block::number)
                .collect(Collectors.toSet());

        String out = run("jshell", README.toString(), MLOPS_JSH.toString());

        assertThat(blocksRun(out)).as(out).isEqualTo(jshell);
    }

    @Test
    void shouldNameTheReadmeLineWhenATourStatementThrows() throws Exception {
        Path readme = Files.writeString(work.resolve("README.md"), """
                # A readme

                ```java
                public class Tour {
                    public static void main(String[] args) {
                        // paste the tour here
                    }
                }
                ```

                ```java
                int ok = 1;
                Object nothing = java.util.Optional.empty().orElseThrow();
                ```
                """);

        String out = runExpectingFailure("programs", readme.toString());

        assertThat(out)
                .contains(ReadmeRunner.FAILED + "README.md line 13, block 2 (```java, README lines 12–13): "
                        + "Object nothing = java.util.Optional.empty().orElseThrow();")
                .contains("threw java.util.NoSuchElementException");
    }

    @Test
    void shouldNameTheReadmeLineWhenATourStatementDoesNotCompile() throws Exception {
        Path readme = Files.writeString(work.resolve("README.md"), """
                ```java
                public class Tour {
                    public static void main(String[] args) {
                        // paste the tour here
                    }
                }
                ```
                text
                ```java
                String s = "fine";
                int n = s.noSuchMethod();
                ```
                """);

        String out = runExpectingFailure("programs", readme.toString());

        assertThat(out)
                .contains(ReadmeRunner.FAILED + "README.md line 11, block 2 (```java, README lines 10–11): "
                        + "int n = s.noSuchMethod();")
                .contains("does not compile");
    }

    @Test
    void shouldNameTheReadmeLineWhenAJshellLineFails() throws Exception {
        Path readme = Files.writeString(work.resolve("README.md"), """
                ```java jshell
                var x = 1 + 1
                x.foo()
                ```
                """);
        Path startup = Files.writeString(work.resolve("start.jsh"), "import java.util.*;\n");

        String out = runExpectingFailure("jshell", readme.toString(), startup.toString());

        assertThat(out)
                .contains(ReadmeRunner.FAILED + "README.md line 3, block 1 (```java jshell, README lines 2–3): x.foo()")
                .contains("REJECTED");
    }

    /** Runs the README's {@code bash setup} block in the working directory, as the README tells a user to. */
    private void setUp(ReadmeBlocks readme) throws Exception {
        Path script = Files.writeString(work.resolve("setup.sh"), readme.setup());
        Process process = new ProcessBuilder("bash", "-euo", "pipefail", script.toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("setup.out").toFile())
                .start();
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as("the README's setup block failed:%n%s", Files.readString(work.resolve("setup.out")))
                .isZero();
    }

    private String run(String... args) throws Exception {
        Result result = runner(args);
        System.out.println(result.out()); // kept in target/surefire-reports/*-output.txt
        assertThat(result.exit())
                .as("the README's code failed (see the line after %s):%n%s", ReadmeRunner.FAILED, result.out())
                .isZero();
        return result.out();
    }

    private String runExpectingFailure(String... args) throws Exception {
        Result result = runner(args);
        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        return result.out();
    }

    private record Result(int exit, String out) {}

    private Result runner(String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dfile.encoding=UTF-8",
                ReadmeRunner.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "runner", ".out");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile());
        builder.environment().remove(Mlops.HOME_VARIABLE); // ./.mlops4j in the working directory, as for a user
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(
                    "the README runner did not finish in 5 minutes:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static Set<Integer> blocksRun(String out) {
        return out.lines()
                .filter(line -> line.startsWith(ReadmeRunner.OK))
                .map(line -> Integer.parseInt(
                        line.substring(ReadmeRunner.OK.length()).strip()))
                .collect(Collectors.toSet());
    }
}
