package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.ManualClock;

class PipelineRequestBudgetTest {
    @TempDir
    Path dir;

    @Test
    void measureOneCycle() {
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ZERO);
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        try (Mlops mlops = PipelineFixture.open(store, clock)) {
            PipelineFixture fixture = new PipelineFixture(dir);
            InMemoryDeployer deployer = InMemoryDeployer.builder()
                    .store(store)
                    .clock(clock)
                    .history(mlops.deployments())
                    .build();
            var unusedHoldout = fixture.snapshotHoldout(mlops);
            var unusedRaw = fixture.snapshotRaw(mlops, "0.80", "a");
            RetrainingPipeline pipeline = mlops.pipeline("churn")
                    .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                    .train(fixture.trainer())
                    .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                    .promoteWhen(PipelineFixture.policy())
                    .deployTo(deployer, "churn-endpoint", Rollout.replace())
                    .workDirectory(dir.resolve("work"))
                    .codeRevision("git:1")
                    .build();
            store.resetRequestCounts();
            PipelineRun run = pipeline.runIfTriggered().orElseThrow();
            assertThat(run.getStatus()).isEqualTo(RunStatus.PROMOTED);
            System.out.println("BUDGET pipeline cycle (first, promoted): " + store.getRequestCounts());
            var unusedRaw2 = fixture.snapshotRaw(mlops, "0.90", "b");
            store.resetRequestCounts();
            PipelineRun second = pipeline.runIfTriggered().orElseThrow();
            assertThat(second.getStatus()).isEqualTo(RunStatus.PROMOTED);
            System.out.println("BUDGET pipeline cycle (second, promoted): " + store.getRequestCounts());
            store.resetRequestCounts();
            assertThat(pipeline.runIfTriggered()).isEmpty();
            System.out.println("BUDGET pipeline check (nothing new): " + store.getRequestCounts());
        }
    }
}
