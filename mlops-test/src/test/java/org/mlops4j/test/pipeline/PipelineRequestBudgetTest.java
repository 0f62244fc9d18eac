package org.mlops4j.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.InMemoryObjectStore;
import org.mlops4j.test.LatencyObjectStore;
import org.mlops4j.test.ManualClock;
import org.mlops4j.test.RequestCounts;

/**
 * The request budget of one pipeline cycle like the quickstart's (trigger, train, register, evaluate, compare,
 * promote, deploy) on a store with a remote store's latency: {@code docs/lake-format.md} §12. A change that makes the
 * cycle cost more requests fails here; raise the budget there, with the reason, only if the requests are needed.
 */
class PipelineRequestBudgetTest {
    /** The first cycle: a first model is registered, promoted and deployed. */
    static final int FIRST_CYCLE = 95;
    /**
     * A later cycle, which also reads and compares the champion: 114 measured once the registry core (request claims,
     * alias history and lease records written for every driver) and the core rollout machine were merged under it.
     */
    static final int LATER_CYCLE = 120;
    /** A check that finds nothing new to train on. */
    static final int IDLE_CHECK = 18;

    @TempDir
    Path dir;

    @Test
    void shouldRunAPipelineCycleWithinItsRequestBudget() {
        LatencyObjectStore store = LatencyObjectStore.wrap(new InMemoryObjectStore(), Duration.ofMillis(1));
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        try (Mlops mlops = PipelineFixture.open(store, clock)) {
            PipelineFixture fixture = new PipelineFixture(dir);
            Deployer deployer = InMemoryDeployer.builder()
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
            PipelineRun first = pipeline.runIfTriggered().orElseThrow();
            RequestCounts firstCost = store.getRequestCounts();
            String firstTrace = String.join("\n", store.getRecentRequests());
            var unusedRaw2 = fixture.snapshotRaw(mlops, "0.90", "b");
            store.resetRequestCounts();
            PipelineRun second = pipeline.runIfTriggered().orElseThrow();
            RequestCounts secondCost = store.getRequestCounts();
            String secondTrace = String.join("\n", store.getRecentRequests());
            store.resetRequestCounts();
            boolean idle = pipeline.runIfTriggered().isEmpty();
            RequestCounts idleCost = store.getRequestCounts();

            System.out.println("BUDGET pipeline first cycle: " + firstCost + "; later cycle: " + secondCost
                    + "; idle check: " + idleCost);
            assertThat(first.getStatus()).isEqualTo(RunStatus.PROMOTED);
            assertThat(second.getStatus()).isEqualTo(RunStatus.PROMOTED);
            assertThat(idle).isTrue();
            assertThat(firstCost.total()).as(firstTrace).isLessThanOrEqualTo(FIRST_CYCLE);
            assertThat(secondCost.total()).as(secondTrace).isLessThanOrEqualTo(LATER_CYCLE);
            assertThat(idleCost.total()).as(idleCost.toString()).isLessThanOrEqualTo(IDLE_CHECK);
        }
    }
}
