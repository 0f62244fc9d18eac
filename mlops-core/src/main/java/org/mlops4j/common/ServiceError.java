package org.mlops4j.common;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a remote backend said when it failed a call: enough to match the failure with the backend's own logs and to
 * decide whether, and when, to try again.
 *
 * @param backend the backend's name, e.g. {@code mlflow}, {@code azure-blob}, {@code azure-arm}
 * @param statusCode the HTTP status, or 0 when no response arrived
 * @param errorCode the backend's own error code ({@code RESOURCE_DOES_NOT_EXIST}, {@code BlobAlreadyExists}), or
 *     {@code null}
 * @param requestId the backend's request id, or {@code null}
 * @param redactedBody the response body with secrets removed, or {@code null}
 * @param retryAfter how long the backend asked the caller to wait ({@code Retry-After}), or {@code null}
 */
public record ServiceError(
        String backend,
        int statusCode,
        @Nullable String errorCode,
        @Nullable String requestId,
        @Nullable String redactedBody,
        @Nullable Duration retryAfter) {
    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException if the status is outside 0..599 or the wait is negative
     */
    public ServiceError {
        Objects.requireNonNull(backend, "backend");
        if (statusCode != 0 && (statusCode < 100 || statusCode > 599)) {
            throw new IllegalArgumentException("statusCode is 0 (no response) or 100..599, got " + statusCode);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter is not negative, got " + retryAfter);
        }
    }

    /**
     * Creates the details of a call that got an HTTP status and nothing else.
     *
     * @param backend the backend's name
     * @param statusCode the HTTP status, or 0 when no response arrived
     * @return the details
     */
    public static ServiceError of(String backend, int statusCode) {
        return new ServiceError(backend, statusCode, null, null, null, null);
    }

    /**
     * Says whether the same call may succeed later: no response at all, 408, 429, or a 5xx other than 501 and 505.
     *
     * @return whether the failure is transient
     */
    public boolean isTransient() {
        return statusCode == 0
                || statusCode == 408
                || statusCode == 429
                || (statusCode >= 500 && statusCode != 501 && statusCode != 505);
    }

    /**
     * Returns how long the backend asked the caller to wait.
     *
     * @return the wait, or empty when the backend named none
     */
    public Optional<Duration> findRetryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
