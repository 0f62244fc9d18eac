package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STYLE T8: {@code samples/jshell/mlops.jsh} runs in a real, non-interactive {@code jshell}. */
class JshellScriptTest {
    @TempDir
    Path home;

    @TempDir
    Path work;

    @Test
    void shouldOpenTheLakeInMlopsHomeAndSnapshotADatasetWhenRunInJshell() throws Exception {
        Path script = Path.of("jshell/mlops.jsh").toAbsolutePath();
        assertThat(script).exists();
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("rows.csv"), "x,label\n1,yes\n2,no\n");
        Path tryIt = Files.writeString(
                work.resolve("try.jsh"), """
                var v = mlops.datasets().snapshot("jshell-demo").directory(Path.of("%s")).commit();
                System.out.println("SNAPSHOT " + v.getRef() + " " + v.getDigest());
                System.out.println("ROWS " + mlops.datasets().findProfile(v, "rows.csv").orElseThrow().getRowCount());
                System.out.println("ROLLOUT " + Rollout.canary(10, 50, 100) + " " + Triggers.newVersionOf("jshell-demo"));
                System.out.println("LOADER " + new OnnxModelLoader().getClass().getSimpleName());
                mlops.close();
                /exit
                """.formatted(data.toString().replace("\\", "\\\\")));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        jshell.toString(),
                        "--class-path",
                        classPath,
                        "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-J-Djava.util.prefs.userRoot=" + work.resolve("prefs"), // leave the user's home alone
                        script.toString(),
                        tryIt.toString()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(work.resolve("out.txt").toFile());
        builder.environment().put("MLOPS4J_HOME", home.toString());
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().put("LC_ALL", "C.UTF-8");

        Process process = builder.start();
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String out = Files.readString(work.resolve("out.txt"), StandardCharsets.UTF_8);

        assertThat(finished).as("jshell finished; output:%n%s", out).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("MLOps4J — lake: LocalObjectStore{root=" + home.resolve("lake"))
                .contains("SNAPSHOT jshell-demo@1 sha256:")
                .contains("ROWS 2")
                .contains("ROLLOUT canary[10, 50, 100] newVersionOf(jshell-demo)")
                .contains("LOADER OnnxModelLoader")
                .doesNotContain("Error")
                .doesNotContain("Exception")
                .doesNotContain("|  ");
        assertThat(home.resolve("lake/lake.json")).exists();
    }
}
