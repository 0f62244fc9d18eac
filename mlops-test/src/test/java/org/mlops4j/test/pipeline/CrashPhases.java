package org.mlops4j.test.pipeline;

import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.process.StepTracker;

/**
 * The phases a pipeline crash workload reports its store writes under ({@code <phase>/<store step>}): {@code journal}
 * for journal records, otherwise the pipeline step in progress ({@code trigger} until the trigger step's record is
 * written), which the pipeline's events keep up to date; and {@code <step>.started} / {@code <step>.finished} for the
 * events themselves. One workload per JVM, so the phase is static.
 */
final class CrashPhases {
    private static volatile String phase = "other";

    private CrashPhases() {}

    /** Sets the phase of the workload's own writes between runs ({@code trigger}, {@code workload}). */
    static void enter(String name) {
        phase = name;
    }

    /** Returns the phase a store write is reported under: {@code journal}, or the pipeline step in progress. */
    static String of(StoreKey key) {
        String value = key.value();
        return value.startsWith("pipelines/") && value.contains("/journal/") ? "journal" : phase;
    }

    /** Reports the pipeline's step events and keeps the phase on the step in progress. */
    static RetrainingPipeline track(RetrainingPipeline pipeline, StepTracker steps) {
        var unused = pipeline.getEventPublisher()
                .onStepStarted(e -> {
                    String step = base(e.step());
                    phase = step;
                    steps.reach(step + ".started");
                })
                .onStepFinished(e -> {
                    String step = base(e.outcome().step());
                    steps.reach(step + ".finished");
                    phase = "between";
                })
                .onRunFinished(e -> phase = "other");
        return pipeline;
    }

    private static String base(String step) {
        int colon = step.indexOf(':');
        return colon < 0 ? step : step.substring(0, colon);
    }
}
