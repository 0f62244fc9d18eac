package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.registry.ModelVersion;

/** The README's first command, run through its own code path. */
class QuickstartTest {
    @TempDir
    Path home;

    @Test
    void shouldRegisterAChampionThatBeatsTheBaselineAndExplainItsLineage() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        ModelVersion champion = Quickstart.run(home, new PrintStream(printed, true, StandardCharsets.UTF_8));

        String story = printed.toString(StandardCharsets.UTF_8);
        assertThat(champion.getRef().toString()).isEqualTo("churn-classifier@1");
        assertThat(champion.getMetrics().get("accuracy"))
                .isGreaterThan(champion.getMetrics().get("baseline_accuracy") + 0.1);
        assertThat(story)
                .contains("dataset:churn-train@1 --train--> model:churn-classifier@1")
                .contains("dataset:churn-holdout@1 --eval--> model:churn-classifier@1")
                .contains("flowchart LR")
                .contains("column monthly_charges decimal");
    }

    @Test
    void shouldChangeNothingWhenRunTwiceOnTheSameLake() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        ModelVersion first = Quickstart.run(home, quiet);
        ModelVersion second = Quickstart.run(home, quiet);

        assertThat(second.getRef()).isEqualTo(first.getRef());
        assertThat(second.getRequestId()).isEqualTo(first.getRequestId());
    }
}
