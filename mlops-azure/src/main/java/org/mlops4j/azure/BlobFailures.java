package org.mlops4j.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.AuthenticationException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.MlopsServiceException;
import org.mlops4j.common.ServiceError;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.common.StorageException;
import org.mlops4j.internal.Redaction;

/**
 * Turns what the Azure SDK throws into the core's exception tree (DESIGN §3.7): a service error keeps its status,
 * error code, request id and {@code Retry-After}; a failure without a response (a refused connection, a timeout) is a
 * transient {@link StorageException}. No SDK exception escapes, and none is kept as a cause as it is: its message may
 * hold a signed URL, so the cause is a {@link Redacted} copy with the same stack trace. Stateless.
 */
final class BlobFailures {
    static final String BACKEND = "azure-blob";

    private static final HttpHeaderName ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");

    /** The error codes that say another writer's condition won: a lost create-if-absent or compare-and-set. */
    private static final List<String> CONDITION_LOST =
            List.of("BlobAlreadyExists", "ConditionNotMet", "TargetConditionNotMet", "SourceConditionNotMet");

    private final List<String> secrets;

    /**
     * @param secrets literal values (an account key, a SAS token) to hide wherever they appear, besides what
     *     {@link Redaction} recognises by shape
     */
    BlobFailures(List<String> secrets) {
        this.secrets =
                secrets.stream().filter(s -> s != null && s.length() >= 8).toList();
    }

    /** Says whether a service error is a lost condition: 409 BlobAlreadyExists or 412 ConditionNotMet. */
    static boolean isConditionLost(RuntimeException e) {
        return e instanceof BlobStorageException b
                && (b.getStatusCode() == 412
                        || (b.getStatusCode() == 409
                                && b.getErrorCode() != null
                                && CONDITION_LOST.contains(b.getErrorCode().toString())));
    }

    /** Says whether a service error is 404 (the blob or the container is absent). */
    static boolean isNotFound(RuntimeException e) {
        return e instanceof HttpResponseException h
                && h.getResponse() != null
                && h.getResponse().getStatusCode() == 404;
    }

    /** Says whether a service error is 416 (a range that starts after the end of the blob). */
    static boolean isRangeNotSatisfiable(RuntimeException e) {
        return e instanceof HttpResponseException h
                && h.getResponse() != null
                && h.getResponse().getStatusCode() == 416;
    }

    /**
     * Maps a failure of a call.
     *
     * @param e what the SDK threw
     * @param what the call, e.g. {@code "read 'lake.json' in azblob://acct/c"}
     * @return the exception to throw
     */
    MlopsException map(Throwable e, String what) {
        if (e instanceof MlopsException m) {
            return m;
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            HttpResponse response = h.getResponse();
            int status = response.getStatusCode();
            HttpHeaders headers = response.getHeaders();
            String code = e instanceof BlobStorageException b && b.getErrorCode() != null
                    ? b.getErrorCode().toString()
                    : headers.getValue(ERROR_CODE);
            String requestId = headers.getValue(HttpHeaderName.X_MS_REQUEST_ID);
            ServiceError error = new ServiceError(
                    BACKEND, status, code, requestId, null, retryAfter(headers.getValue(HttpHeaderName.RETRY_AFTER)));
            String message = "Azure Blob Storage failed to " + what + ": HTTP " + status
                    + (code == null ? "" : " " + code) + (requestId == null ? "" : " (request id " + requestId + ")")
                    + "; " + advice(status);
            Throwable cause = redacted(e);
            if (status == 401 || status == 403) {
                return new AuthenticationException(message, error, cause);
            }
            if (status == 429 || status == 503 || status == 500) {
                return new ServiceUnavailableException(message, error, cause);
            }
            return new MlopsServiceException(message, error, cause);
        }
        boolean transientFailure = isTransport(e);
        return new StorageException(
                "cannot " + what + ": " + redact(String.valueOf(e))
                        + (transientFailure
                                ? "; no answer from Azure Blob Storage, check the network and the endpoint, then try again"
                                : "; check the lake's configuration"),
                transientFailure,
                redacted(e));
    }

    private static String advice(int status) {
        if (status == 401 || status == 403) {
            return "check the credentials (connection string, SAS token or Azure identity) and that they grant"
                    + " read, write, list and delete on the container";
        }
        if (status == 404) {
            return "check that the account and the container exist";
        }
        if (status == 429 || status >= 500) {
            return "the service is busy or failing; try again later";
        }
        return "check the lake's configuration";
    }

    /** A failure that got no response: I/O, a timeout, a dropped connection (the SDK wraps them unchecked). */
    private static boolean isTransport(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
            String name = t.getClass().getName();
            if (name.startsWith("io.netty.") || name.startsWith("reactor.netty.")) {
                return true;
            }
            if (t instanceof IllegalStateException
                    && String.valueOf(t.getMessage()).contains("Timeout")) {
                return true; // reactor's "Timeout on blocking read"
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static @Nullable Duration retryAfter(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unparsable) {
                return null;
            }
        }
    }

    /** Hides secrets by shape ({@link Redaction}) and the configured ones by value. */
    String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, Redaction.HIDDEN);
        }
        return Redaction.redact(out);
    }

    /** A copy of a failure and its causes with redacted messages and the original stack traces. */
    Redacted redacted(Throwable e) {
        Redacted copy = new Redacted(e.getClass().getName() + ": " + redact(String.valueOf(e.getMessage())));
        copy.setStackTrace(e.getStackTrace());
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            copy.initCause(redacted(cause));
        }
        return copy;
    }

    /** A foreign failure, redacted: the class it was is the start of its message. */
    static final class Redacted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Redacted(String message) {
            super(message);
        }
    }
}
