package org.mlops4j.common;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A remote backend (MLflow, Azure Blob, Azure Resource Manager) answered with an error.
 *
 * <p>Carries the backend's name, the HTTP status, the backend's request id when it sent one, and the response body
 * with secrets redacted, so that a failure can be matched with the backend's own logs.
 */
public class MlopsServiceException extends MlopsException {
    private static final long serialVersionUID = 1L;

    private final ServiceError error;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param backend the backend's name, e.g. {@code mlflow} or {@code azure-blob}
     * @param statusCode the HTTP status, or 0 when no response arrived
     * @param requestId the backend's request id, if any
     * @param redactedBody the response body with secrets removed, if any
     * @param cause the underlying failure, if any
     */
    public MlopsServiceException(
            String message,
            String backend,
            int statusCode,
            @Nullable String requestId,
            @Nullable String redactedBody,
            @Nullable Throwable cause) {
        this(message, new ServiceError(backend, statusCode, null, requestId, redactedBody, null), cause);
    }

    /**
     * Creates the exception with everything the backend said.
     *
     * @param message what failed and what to do
     * @param error the backend's status, error code, request id, redacted body and requested wait
     * @param cause the underlying failure, if any
     */
    public MlopsServiceException(String message, ServiceError error, @Nullable Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** Returns the backend's name, e.g. {@code mlflow}. */
    public String getBackend() {
        return error.backend();
    }

    /** Returns the HTTP status code, or 0 when no response arrived. */
    public int getStatusCode() {
        return error.statusCode();
    }

    /** Returns the backend's request id, if it sent one. */
    public Optional<String> getRequestId() {
        return Optional.ofNullable(error.requestId());
    }

    /** Returns the response body with secrets redacted, if there was one. */
    public Optional<String> getRedactedBody() {
        return Optional.ofNullable(error.redactedBody());
    }

    /** Returns the backend's own error code ({@code RESOURCE_DOES_NOT_EXIST}, {@code BlobAlreadyExists}), if any. */
    public Optional<String> getErrorCode() {
        return Optional.ofNullable(error.errorCode());
    }

    /** Returns how long the backend asked the caller to wait before trying again ({@code Retry-After}), if it did. */
    public Optional<Duration> getRetryAfter() {
        return error.findRetryAfter();
    }

    /** Returns everything the backend said. */
    public ServiceError getError() {
        return error;
    }

    /** Transient when no response arrived, or on 408, 429 and most 5xx ({@link ServiceError#isTransient()}). */
    @Override
    public boolean isTransient() {
        return error.isTransient();
    }
}
