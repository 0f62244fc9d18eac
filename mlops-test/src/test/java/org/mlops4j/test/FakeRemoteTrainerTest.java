package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.pipeline.spi.TrainingHandle;
import org.mlops4j.pipeline.spi.TrainingRequest;
import org.mlops4j.pipeline.spi.TrainingResult;
import org.mlops4j.pipeline.spi.TrainingStatus;

class FakeRemoteTrainerTest {
    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private FakeRemoteTrainer.Builder jobs() {
        return FakeRemoteTrainer.builder()
                .store(store)
                .executor(executor)
                .clock(clock)
                .job((request, out) -> {
                    runs.incrementAndGet();
                    try {
                        Files.writeString(out.resolve("model.txt"), "for " + request.idempotencyKey());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return new TrainingResult(Map.of("loss", 0.25), Map.of("epochs", "3"), Map.of("flavor", "text"));
                });
    }

    private static TrainingRequest request(String key) {
        return new TrainingRequest(key, "churn", "churn", Map.of(), "git:1");
    }

    @Test
    void shouldRunOneJobAndCountEverySubmissionWhenTheSameKeyIsSubmittedAgain() {
        FakeRemoteTrainer trainer = jobs().build();

        TrainingHandle first = trainer.submit(request("run-1"));
        TrainingHandle again = trainer.submit(request("run-1"));

        assertThat(again).isEqualTo(first);
        assertThat(trainer.find("run-1")).contains(first);
        assertThat(trainer.find("run-2")).isEmpty();
        assertThat(runs).hasValue(1);
        assertThat(trainer.submissions("run-1")).isEqualTo(2);
        assertThat(trainer.submissions("run-2")).isZero();
    }

    @Test
    void shouldRunUntilItsDurationHasPassedAndThenHandOverTheArtifacts() throws IOException {
        FakeRemoteTrainer trainer = jobs().duration(Duration.ofMinutes(5)).build();
        TrainingHandle handle = trainer.submit(request("run-1"));
        assertThat(trainer.poll(handle).status()).isEqualTo(TrainingStatus.RUNNING);
        assertThatThrownBy(() -> trainer.fetch(handle, dir.resolve("early")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Running");

        clock.advance(Duration.ofMinutes(5));
        TrainingResult result = trainer.fetch(handle, dir.resolve("out"));

        assertThat(trainer.poll(handle).status()).isEqualTo(TrainingStatus.SUCCEEDED);
        assertThat(Files.readString(dir.resolve("out/model.txt"), StandardCharsets.UTF_8))
                .isEqualTo("for run-1");
        assertThat(result.metrics()).containsEntry("loss", 0.25);
        assertThat(result.params()).containsEntry("epochs", "3");
        assertThat(result.tags()).containsEntry("flavor", "text");
    }

    @Test
    void shouldSurviveTheSubmittingInstanceWhenAnotherInstanceOnTheStorePolls() {
        TrainingHandle handle = jobs().build().submit(request("run-1"));

        FakeRemoteTrainer other = jobs().build();

        assertThat(other.poll(handle).status()).isEqualTo(TrainingStatus.SUCCEEDED);
        assertThat(other.submissions("run-1")).isEqualTo(1);
    }

    @Test
    void shouldReportTheReasonWhenSetToFail() {
        FakeRemoteTrainer trainer = jobs().failWith("quota exceeded").build();

        TrainingHandle handle = trainer.submit(request("run-1"));

        assertThat(trainer.poll(handle).status()).isEqualTo(TrainingStatus.FAILED);
        assertThat(trainer.poll(handle).detail()).isEqualTo("quota exceeded");
        assertThat(runs).hasValue(0);
    }

    @Test
    void shouldSaySoWhenTheHandleIsUnknown() {
        assertThatThrownBy(() -> jobs().build().poll(new TrainingHandle("job-unknown")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no training job job-unknown");
    }

    @Test
    void shouldRejectMissingPartsAndSecondSettingsWhenBuilt() {
        assertThatThrownBy(() -> FakeRemoteTrainer.builder().store(store).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("executor");
        assertThatThrownBy(() -> jobs().clock(clock)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> jobs().duration(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> jobs().pollInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
