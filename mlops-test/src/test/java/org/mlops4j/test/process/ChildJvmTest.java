package org.mlops4j.test.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ChildJvm.Builder child(String mode) {
        return ChildJvm.builder(TestChild.class).outputDirectory(dir).args(mode);
    }

    @Test
    void shouldExchangeUtf8LinesWhenTheChildRuns() {
        try (ChildProcess child = child("echo").build().start()) {
            child.awaitReady(TIMEOUT);
            child.send("Grüße ✓ 数据");
            assertThat(child.awaitLineStartingWith("ECHO ", TIMEOUT)).isEqualTo("ECHO Grüße ✓ 数据");
            assertThat(child.awaitLineStartingWith("ENCODING ", TIMEOUT)).isEqualTo("ENCODING UTF-8 UTF-8");
            child.send("EXIT 7");
            assertThat(child.awaitExit(TIMEOUT)).isEqualTo(7);
            assertThat(child.getStdoutFile()).content().contains("ECHO Grüße ✓ 数据");
        }
    }

    @Test
    void shouldHaltAtTheNthOccurrenceWhenAHaltPointIsSet() {
        try (ChildProcess child =
                child("steps").haltAt(new HaltPoint("b", 3)).build().start()) {
            assertThat(child.awaitExit(TIMEOUT)).isEqualTo(HaltPoint.EXIT_CODE);
            assertThat(child.findLastStep()).contains("b");
            assertThat(child.getStdoutLines()).contains("PASSED 2").doesNotContain("PASSED 3");
        }
    }

    @Test
    void shouldRecordTheHaltPointLastWhenOtherThreadsReachStepsMeanwhile() {
        try (ChildProcess child = child("threads")
                .haltAt(new HaltPoint("target", 100_000))
                .build()
                .start()) {
            assertThat(child.awaitExit(TIMEOUT)).isEqualTo(HaltPoint.EXIT_CODE);
            assertThat(child.findLastStep()).contains("target");
        }
    }

    @Test
    void shouldRunToTheEndWhenNoHaltPointIsSet() {
        try (ChildProcess child = child("steps").build().start()) {
            assertThat(child.awaitExit(TIMEOUT)).isZero();
            assertThat(child.getStdoutLines()).contains("PASSED 10");
            assertThat(child.findLastStep()).contains("b");
        }
    }

    @Test
    void shouldKillWithSigkillAndKeepTheLastStepWhenTheChildLoops() {
        try (ChildProcess child = child("spin").build().start()) {
            child.awaitReady(TIMEOUT);
            var unused = child.awaitLineStartingWith("SPINS ", TIMEOUT);
            assertThat(child.kill()).isEqualTo(137);
            assertThat(child.isAlive()).isFalse();
            assertThat(child.findLastStep()).contains("spin");
        }
    }

    @Test
    void shouldHaltTheChildWhenItsParentGoesAway() {
        try (ChildProcess child = child("echo").build().start()) {
            child.awaitReady(TIMEOUT);
            child.closeInput();
            assertThat(child.awaitExit(TIMEOUT)).isEqualTo(ParentChannel.ORPHAN_EXIT_CODE);
        }
    }

    @Test
    void shouldFailWithTheChildsErrorWhenTheMainClassCannotBeLoaded() {
        ChildJvm jvm = ChildJvm.builder("org.mlops4j.test.process.NoSuchMain")
                .outputDirectory(dir)
                .build();
        try (ChildProcess child = jvm.start()) {
            assertThatThrownBy(() -> child.awaitReady(TIMEOUT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ended its output without printing")
                    .hasMessageContaining("exit code 1")
                    .hasMessageContaining("org.mlops4j.test.process.NoSuchMain");
        }
    }

    @Test
    void shouldFailWithTheCommandWhenTheChildCannotBeStarted() {
        ChildJvm jvm = child("echo").build();
        Path file = dir.resolve("not-a-directory");
        ChildJvm broken = ChildJvm.builder(TestChild.class)
                .outputDirectory(file.resolve("sub"))
                .build();
        assertThat(jvm.command()).contains(TestChild.class.getName(), "-Dfile.encoding=UTF-8");
        assertThatThrownBy(() -> {
                    Files.writeString(file, "x");
                    try (ChildProcess unused = broken.start()) {
                        throw new AssertionError("started");
                    }
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start child JVM")
                .hasMessageContaining("command:");
    }

    @Test
    void shouldRejectABuilderWithoutAnOutputDirectory() {
        assertThatThrownBy(() -> ChildJvm.builder(TestChild.class).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outputDirectory is required");
    }
}
