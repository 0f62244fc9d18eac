package org.mlops4j.test.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.test.InMemoryDeployer;
import org.mlops4j.test.process.ParentChannel;

/**
 * A child of {@link PipelineConcurrencyTest}: for each {@code GO <round>} line, runs the pipeline if triggered and
 * answers {@code ROUND <round> ran <run id>}, {@code ROUND <round> none} or {@code ROUND <round> conflict <message>}.
 * Arguments: lake directory, work directory, lease wait in milliseconds, rounds.
 */
public final class PipelineConcurrencyWorkload {
    private PipelineConcurrencyWorkload() {}

    public static void main(String[] args) {
        ParentChannel parent = ParentChannel.open();
        Path lake = Path.of(args[0]);
        Path work =
                Path.of(args[1]).resolve(Long.toString(ProcessHandle.current().pid()));
        Duration wait = Duration.ofMillis(Long.parseLong(args[2]));
        int rounds = Integer.parseInt(args[3]);
        try (LocalObjectStore store = LocalObjectStore.open(lake);
                Mlops mlops =
                        Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
            PipelineFixture fixture = new PipelineFixture(work);
            RetrainingPipeline pipeline = mlops.pipeline(PipelineCrashWorkload.PIPELINE)
                    .trigger(Triggers.newVersionOf(PipelineFixture.RAW))
                    .train(fixture.trainer())
                    .evaluateOn(PipelineFixture.HOLDOUT, fixture.evaluator(mlops))
                    .promoteWhen(PipelineFixture.policy())
                    .deployTo(
                            InMemoryDeployer.builder().store(store).build(),
                            PipelineCrashWorkload.ENDPOINT,
                            Rollout.replace())
                    .clock(Clock.systemUTC())
                    .leaseWait(wait)
                    .workDirectory(work)
                    .build();
            parent.ready();
            for (int round = 0; round < rounds; round++) {
                parent.awaitLine("GO " + round, Duration.ofMinutes(2));
                String answer;
                try {
                    Optional<PipelineRun> run = pipeline.runIfTriggered();
                    answer = run.map(r -> "ran " + r.getRunId()).orElse("none");
                } catch (ConflictException e) {
                    answer = "conflict " + e.getMessage().replace('\n', ' ');
                }
                parent.send("ROUND " + round + " " + answer);
            }
        }
    }
}
