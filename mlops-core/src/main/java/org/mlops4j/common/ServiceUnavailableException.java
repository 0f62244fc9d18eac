package org.mlops4j.common;

import org.jspecify.annotations.Nullable;

/** The backend could not be reached or answered 429/5xx, also after the retries. Safe to try again later. */
public class ServiceUnavailableException extends MlopsServiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param backend the backend's name
     * @param statusCode the HTTP status, or 0 when no response arrived
     * @param requestId the backend's request id, if any
     * @param redactedBody the response body with secrets removed, if any
     * @param cause the underlying failure, if any
     */
    public ServiceUnavailableException(
            String message,
            String backend,
            int statusCode,
            @Nullable String requestId,
            @Nullable String redactedBody,
            @Nullable Throwable cause) {
        super(message, backend, statusCode, requestId, redactedBody, cause);
    }

    /**
     * Creates the exception with everything the backend said.
     *
     * @param message what failed and what to do
     * @param error the backend's status, error code, request id, redacted body and requested wait
     * @param cause the underlying failure, if any
     */
    public ServiceUnavailableException(String message, ServiceError error, @Nullable Throwable cause) {
        super(message, error, cause);
    }
}
