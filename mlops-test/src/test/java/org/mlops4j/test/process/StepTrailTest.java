package org.mlops4j.test.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepTrailTest {
    @Test
    void shouldKeepTheLatestStepInTheTrailWhenItIsWrittenManyTimes(@TempDir Path dir) {
        Path file = dir.resolve("trail");
        assertThat(StepTrail.read(file)).isEmpty();
        try (StepTrail trail = StepTrail.open(file)) {
            assertThat(StepTrail.read(file)).isEmpty();
            trail.write("first");
            trail.write("second step ✓");
            assertThat(StepTrail.read(file)).contains("second step ✓");
            trail.write("x".repeat(400));
        }
        assertThat(StepTrail.read(file)).contains("x".repeat(StepTrail.SLOT_TEXT));
    }
}
