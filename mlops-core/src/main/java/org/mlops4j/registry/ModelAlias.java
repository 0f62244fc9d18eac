package org.mlops4j.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an alias (champion, challenger, …) points now, and the move that put it there.
 *
 * @param model the registered model's name
 * @param alias the alias
 * @param version the version it points to
 * @param sequence how many moves the alias has had (its history's last entry)
 * @param movedAt when it was moved
 * @param movedBy who moved it
 * @param runId the pipeline run that moved it, or empty
 * @param reason why, or empty
 */
public record ModelAlias(
        String model,
        String alias,
        long version,
        long sequence,
        Instant movedAt,
        String movedBy,
        String runId,
        String reason) {
    /**
     * Validates the value.
     *
     * @throws IllegalArgumentException if the version or sequence is below 1
     */
    public ModelAlias {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(movedAt, "movedAt");
        Objects.requireNonNull(movedBy, "movedBy");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(reason, "reason");
        if (version < 1 || sequence < 1) {
            throw new IllegalArgumentException("version and sequence start at 1");
        }
    }

    /**
     * Checks an alias name.
     *
     * @param alias the alias
     * @return the alias
     * @throws IllegalArgumentException if it is not 1 to 64 lower-case letters, digits, {@code _} or {@code -}
     */
    @com.google.errorprone.annotations.CanIgnoreReturnValue
    public static String requireValidAlias(String alias) {
        Objects.requireNonNull(alias, "alias");
        if (!alias.matches("[a-z][a-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("invalid alias '" + org.mlops4j.internal.Redaction.abbreviate(alias)
                    + "': use 1 to 64 lower-case letters, digits, '_' or '-'");
        }
        return alias;
    }

    /** Returns the version as a reference. */
    public ModelRef ref() {
        return new ModelRef(model, version);
    }
}
