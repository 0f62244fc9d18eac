package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;

/**
 * Issue 18: {@code scripts/jshell} ran Maven at every start (16–40 s on a built tree) and changed into the repository
 * root, so {@code ./.mlops4j} and relative paths resolved inside the checkout, not where the user stood.
 */
class JshellStartTest {
    private static final Path SCRIPT =
            Path.of("..", "scripts", "jshell").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void shouldStartInTheCallersDirectoryWithoutMavenWhenTheClassPathIsCached() throws Exception {
        Path caller = Files.createDirectories(work.resolve("my-project"));
        Path cache = Files.writeString(
                work.resolve("jshell.classpath"),
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        Path tryIt = Files.writeString(work.resolve("try.jsh"), """
                System.out.println("CWD " + Path.of("").toAbsolutePath());
                mlops.close();
                /exit
                """);
        Path out = work.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        SCRIPT.toString(),
                        "-J-Djava.util.prefs.userRoot=" + work.resolve("prefs"), // leave the user's home alone
                        tryIt.toString())
                .directory(caller.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile());
        builder.environment().put("JSHELL_CLASSPATH_CACHE", cache.toString());
        // were Maven to run, it would fail at once: offline, on an empty repository
        builder.environment().put("MAVEN_ARGS", "--offline -Dmaven.repo.local=" + work.resolve("no-repo"));
        builder.environment().remove(Mlops.HOME_VARIABLE);
        builder.environment().put("LANG", "C.UTF-8");

        Process process = builder.start();
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(finished).as(printed).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed)
                .doesNotContain("building the class path")
                .contains("MLOps4J — lake: LocalObjectStore{root=" + caller.resolve(".mlops4j/lake"))
                .contains("CWD " + caller);
        assertThat(caller.resolve(".mlops4j/lake/lake.json")).exists();
    }
}
