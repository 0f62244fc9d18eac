package org.mlops4j.pipeline;

import java.util.Objects;

/**
 * A pipeline run's id: {@code <20 hex digits>-<attempt>}, where the hex digits hash the pipeline's name, the pinned
 * input datasets' digests, the code revision, the configuration and the trigger event, and the attempt counts
 * deliberate reruns from 1. The same inputs give the same id, so a crashed run is found again. Also the registry
 * request id and the deployment operation id of the run.
 *
 * @param value the written form
 */
public record RunId(String value) {
    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException if it is not of the form {@code <20 hex digits>-<attempt ≥ 1>}
     */
    public RunId {
        Objects.requireNonNull(value, "value");
        if (!value.matches("[0-9a-f]{20}-[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException(
                    "a run id is '<20 lower-case hex digits>-<attempt from 1>', got '" + value + "'");
        }
    }

    /**
     * Builds an id from its parts.
     *
     * @param base the 20 hex digits
     * @param attempt the attempt, from 1
     * @return the id
     * @throws IllegalArgumentException if a part is invalid
     */
    public static RunId of(String base, int attempt) {
        return new RunId(base + "-" + attempt);
    }

    /** Returns the hash part, shared by all attempts of one logical run. */
    public String base() {
        return value.substring(0, value.indexOf('-'));
    }

    /** Returns the attempt number, from 1. */
    public int attempt() {
        return Integer.parseInt(value.substring(value.indexOf('-') + 1));
    }

    @Override
    public String toString() {
        return value;
    }
}
