package org.mlops4j.test.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashLoopTest {
    @TempDir
    Path dir;

    private ChildJvm spin(KillPlan plan) {
        return ChildJvm.builder(TestChild.class)
                .outputDirectory(dir)
                .args("spin")
                .haltAsPlanned(plan)
                .build();
    }

    @Test
    void shouldCountWhereEachKillLandedWhenPlansMixHaltsAndSigkills() {
        List<KillOutcome> outcomes = new ArrayList<>();
        KillHistogram histogram = CrashLoop.builder()
                .child(this::spin)
                .afterEach(outcomes::add)
                .build()
                .run(List.of(
                        KillPlan.halt("spin", 1),
                        KillPlan.halt("spin", 1000),
                        KillPlan.sigkillAfter(Duration.ofMillis(50))));

        assertThat(histogram.count("spin", CrashLoop.HALT)).isEqualTo(2);
        assertThat(histogram.count("spin", CrashLoop.SIGKILL)).isEqualTo(1);
        assertThat(histogram.total()).isEqualTo(3);
        assertThat(outcomes).extracting(KillOutcome::exitCode).containsExactly(HaltPoint.EXIT_CODE, 113, 137);
        assertThat(outcomes).extracting(KillOutcome::isHalt).containsExactly(true, true, false);
    }

    @Test
    void shouldFailNamingTheIterationWhenTheCheckAfterAKillFails() {
        CrashLoop loop = CrashLoop.builder()
                .child(this::spin)
                .afterEach(outcome -> {
                    throw new AssertionError("store is dirty");
                })
                .build();

        assertThatThrownBy(() -> loop.run(List.of(KillPlan.halt("spin", 2))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the check after iteration 0 (halt at spin:2")
                .hasMessageContaining("store is dirty");
    }

    @Test
    void shouldFailWhenTheChildNeverReachesItsHaltPoint() {
        CrashLoop loop = CrashLoop.builder()
                .child(plan -> ChildJvm.builder(TestChild.class)
                        .outputDirectory(dir)
                        .args("steps")
                        .haltAt(((KillPlan.Halt) plan).point())
                        .build())
                .build();

        assertThatThrownBy(() -> loop.run(List.of(KillPlan.halt("c", 1))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("was to halt at c:1")
                .hasMessageContaining("exited with 0");
    }
}
