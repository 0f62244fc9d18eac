package org.mlops4j.common;

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

    private final String backend;
    private final int statusCode;
    private final @Nullable String requestId;
    private final @Nullable String redactedBody;

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
        super(message, cause);
        this.backend = backend;
        this.statusCode = statusCode;
        this.requestId = requestId;
        this.redactedBody = redactedBody;
    }

    /** Returns the backend's name, e.g. {@code mlflow}. */
    public String getBackend() {
        return backend;
    }

    /** Returns the HTTP status code, or 0 when no response arrived. */
    public int getStatusCode() {
        return statusCode;
    }

    /** Returns the backend's request id, if it sent one. */
    public Optional<String> getRequestId() {
        return Optional.ofNullable(requestId);
    }

    /** Returns the response body with secrets redacted, if there was one. */
    public Optional<String> getRedactedBody() {
        return Optional.ofNullable(redactedBody);
    }
}
