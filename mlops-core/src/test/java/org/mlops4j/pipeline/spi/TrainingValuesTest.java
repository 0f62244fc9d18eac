package org.mlops4j.pipeline.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values a remote trainer exchanges with the pipeline, which the journal keeps. */
class TrainingValuesTest {
    @Test
    void shouldRejectAHandleTheJournalCannotKeepWhenCreated() {
        assertThatThrownBy(() -> new TrainingHandle(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..1024 characters");
        assertThatThrownBy(() -> new TrainingHandle("job\n1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrainingHandle("j".repeat(TrainingHandle.MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(1025 characters)");
        assertThat(new TrainingHandle("workspaces/ml/jobs/3f9a-1")).hasToString("workspaces/ml/jobs/3f9a-1");
    }

    @Test
    void shouldKeepAnUnknownStatusAsNotEndedWhenParsed() {
        assertThat(TrainingStatus.fromString("completed")).isNotEqualTo(TrainingStatus.SUCCEEDED);
        assertThat(TrainingStatus.fromString("succeeded")).isSameAs(TrainingStatus.SUCCEEDED);
        assertThat(TrainingStatus.fromString("Preparing").isEnded()).isFalse();
        assertThat(TrainingStatus.fromString("Preparing")).hasToString("Preparing");
        assertThat(TrainingStatus.CANCELED.isEnded()).isTrue();
        assertThatThrownBy(() -> TrainingStatus.fromString("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectABlankIdempotencyKeyWhenRequesting() {
        assertThatThrownBy(() -> new TrainingRequest("", "churn", "churn", Map.of(), "git:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idempotency key");
    }
}
