package org.mlops4j.deploy;

import java.util.Objects;

/**
 * The caller's id of one deployment operation. Applying a plan with an id the endpoint has seen re-attaches to that
 * operation, so a retried or resumed caller never deploys twice.
 *
 * @param value letters, digits, {@code .}, {@code _} and {@code -}, at most 128 characters
 */
public record OperationId(String value) {
    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException if the value is empty, too long or has other characters
     */
    public OperationId {
        Objects.requireNonNull(value, "value");
        if (!value.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException(
                    "an operation id is 1..128 letters, digits, '.', '_' or '-', got '" + value + "'");
        }
    }

    /**
     * Returns an id.
     *
     * @param value the id
     * @return the id
     */
    public static OperationId of(String value) {
        return new OperationId(value);
    }

    /** Returns a fresh random id, for callers that need no idempotency. */
    public static OperationId random() {
        return new OperationId("op-" + java.util.UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value;
    }
}
