package org.mlops4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.compare.Outcomes;

class OutcomesCsvTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReadLabelsPredictionsScoresAndSlices() throws IOException {
        Path file = Files.writeString(
                tmp.resolve("o.csv"), "label,prediction,score,slice:region\n1,1,0.9,north\n\n0,1,0.6,south\n");

        Outcomes outcomes = OutcomesCsv.read(file);

        assertThat(outcomes.size()).isEqualTo(2);
        assertThat(outcomes.getLabels()).containsExactly(1, 0);
        assertThat(outcomes.getPredictions()).containsExactly(1, 1);
        assertThat(outcomes.getScores()).containsExactly(0.9, 0.6);
        assertThat(outcomes.getSliceKeys("region")).containsExactly("north", "south");
    }

    @Test
    void shouldNameTheLineOfABadValue() throws IOException {
        Path file = Files.writeString(tmp.resolve("o.csv"), "label,prediction\n1,1\n\n0,yes\n");

        assertThatThrownBy(() -> OutcomesCsv.read(file))
                .isInstanceOf(CliException.class)
                .hasMessage(file + ":4: prediction 'yes' is not a number");
    }

    @Test
    void shouldRequireTheColumns() throws IOException {
        Path file = Files.writeString(tmp.resolve("o.csv"), "y,p\n1,1\n");

        assertThatThrownBy(() -> OutcomesCsv.read(file))
                .isInstanceOf(CliException.class)
                .hasMessageContaining(":1: the header needs 'label' and 'prediction' columns");
    }
}
