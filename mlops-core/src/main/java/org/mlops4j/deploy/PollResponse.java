package org.mlops4j.deploy;

import java.util.Objects;

/**
 * One poll's answer.
 *
 * @param status where the operation is
 * @param value what it reports
 * @param <T> the progress type
 */
public record PollResponse<T>(OperationStatus status, T value) {
    /** Checks the components. */
    public PollResponse {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(value, "value");
    }
}
