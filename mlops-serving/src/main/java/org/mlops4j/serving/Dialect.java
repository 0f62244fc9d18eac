package org.mlops4j.serving;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a route words its errors: the native routes answer {@code {"error": "…"}}; {@code /invocations} answers as
 * MLflow's scoring server does, {@code {"error_code": "BAD_REQUEST", "message": "…"}}, so that MLflow's clients read
 * it. The status and the message are the same on both.
 */
enum Dialect {
    NATIVE,
    MLFLOW;

    /**
     * Returns the error body for a status and a message.
     *
     * @param status the HTTP status
     * @param message what went wrong and what to do
     * @return the body's fields, in order
     */
    Map<String, Object> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (this == NATIVE) {
            body.put("error", message);
        } else {
            body.put("error_code", mlflowCode(status));
            body.put("message", message);
        }
        return body;
    }

    /** MLflow's (Databricks') error codes for the statuses this server answers. */
    static String mlflowCode(int status) {
        switch (status) {
            case 403:
                return "PERMISSION_DENIED";
            case 404:
                return "ENDPOINT_NOT_FOUND";
            case 408:
                return "DEADLINE_EXCEEDED";
            case 413:
                return "REQUEST_LIMIT_EXCEEDED";
            case 503:
                return "TEMPORARILY_UNAVAILABLE";
            default:
                return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
        }
    }
}
