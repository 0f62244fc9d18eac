package org.mlops4j.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of an alias's append-only history: "who moved champion from 6 to 7, when, by which run".
 *
 * @param model the registered model's name
 * @param alias the alias
 * @param sequence this move's number, 1, 2, 3, … without gaps
 * @param fromVersion the version before the move, 0 if the alias did not exist
 * @param toVersion the version after the move, 0 if the alias was deleted
 * @param at when
 * @param by who
 * @param runId the pipeline run, or empty
 * @param reason why, or empty
 */
public record AliasEvent(
        String model,
        String alias,
        long sequence,
        long fromVersion,
        long toVersion,
        Instant at,
        String by,
        String runId,
        String reason) {
    /** Checks the value. */
    public AliasEvent {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return model + "/" + alias + " #" + sequence + ": " + (fromVersion == 0 ? "-" : "v" + fromVersion) + " -> "
                + (toVersion == 0 ? "deleted" : "v" + toVersion) + " at " + at + " by " + by
                + (runId.isEmpty() ? "" : " (run " + runId + ")") + (reason.isEmpty() ? "" : ": " + reason);
    }
}
