package org.mlops4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.AuthenticationException;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.MlopsServiceException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ServiceError;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.resilience.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one transport to an MLflow server: one JDK {@link HttpClient} with a connect timeout and a per-request timeout,
 * JSON through Jackson, the core's {@link RetryPolicy} (idempotent calls retried on transient failures, {@code
 * Retry-After} honoured; other calls sent once), and MLflow's errors mapped onto the core's exception tree:
 *
 * <ul>
 *   <li>{@code RESOURCE_DOES_NOT_EXIST} or 404 &rarr; {@link NotFoundException};
 *   <li>{@code RESOURCE_ALREADY_EXISTS} (a 400 on MLflow) or 409 &rarr; {@link ConflictException};
 *   <li>401, 403 &rarr; {@link AuthenticationException};
 *   <li>429, 503, or no response (connection refused or reset, timeout) &rarr; {@link ServiceUnavailableException},
 *       with the {@code Retry-After} it asked for;
 *   <li>anything else &rarr; {@link MlopsServiceException} with a {@link ServiceError} (status, error code, request id,
 *       the body abbreviated).
 * </ul>
 *
 * <p>Logs one DEBUG line per request (method, path, status, time), never a header or a body. Thread-safe.
 */
final class MlflowHttp {
    static final String BACKEND = "mlflow";
    private static final Logger LOG = LoggerFactory.getLogger(MlflowHttp.class);
    private static final int BODY_SHOWN = 500;

    private final String base;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final Duration transferTimeout;
    private final MlflowCredentials credentials;
    private final RetryPolicy retry;
    private final ObjectMapper json = new ObjectMapper();

    MlflowHttp(
            String base,
            MlflowCredentials credentials,
            Duration connectTimeout,
            Duration requestTimeout,
            Duration transferTimeout,
            RetryPolicy retry,
            javax.net.ssl.@Nullable SSLContext sslContext) {
        this.base = base;
        this.credentials = credentials;
        this.requestTimeout = requestTimeout;
        this.transferTimeout = transferTimeout;
        this.retry = retry;
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.client = builder.connectTimeout(connectTimeout)
                // over plain http the JDK would ask every request to upgrade to h2c, which MLflow's uvicorn refuses
                // (and logs); over https, ALPN negotiates HTTP/2 where the server offers it
                .version(base.startsWith("https:") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    ObjectMapper json() {
        return json;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** GET {@code /api/2.0<path>} with query parameters (a list value repeats the parameter); retried. */
    JsonNode get(String operation, String path, Map<String, ?> query) {
        return retry.executeIdempotent(BACKEND, operation, () -> {
            HttpRequest request = request(api(path) + queryString(query), requestTimeout)
                    .GET()
                    .build();
            return parse(operation, send(operation, request, HttpResponse.BodyHandlers.ofString()));
        });
    }

    /** GET the artifact proxy's listing ({@code /api/2.0/mlflow-artifacts/artifacts?path=}); retried. */
    JsonNode getProxy(String operation, Map<String, ?> query) {
        return retry.executeIdempotent(BACKEND, operation, () -> {
            HttpRequest request = request(
                            base + "/api/2.0/mlflow-artifacts/artifacts" + queryString(query), requestTimeout)
                    .GET()
                    .build();
            return parse(operation, send(operation, request, HttpResponse.BodyHandlers.ofString()));
        });
    }

    /** GET a plain-text route outside the API, such as {@code /version}; retried. */
    String getText(String operation, String path) {
        return retry.executeIdempotent(BACKEND, operation, () -> {
            HttpRequest request = request(base + path, requestTimeout).GET().build();
            HttpResponse<String> response = send(operation, request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw error(operation, response.statusCode(), response.body(), response.headers());
            }
            return response.body().strip();
        });
    }

    /** POST, PATCH or DELETE with a JSON body; retried only if {@code idempotent}. */
    JsonNode send(String operation, String method, String path, JsonNode body, boolean idempotent) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON body", e); // a tree always serialises
        }
        Supplier<JsonNode> call = () -> {
            HttpRequest request = request(api(path), requestTimeout)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .build();
            return parse(operation, send(operation, request, HttpResponse.BodyHandlers.ofString()));
        };
        return idempotent
                ? retry.executeIdempotent(BACKEND, operation, call)
                : retry.executeOnce(BACKEND, operation, call);
    }

    /** PUT raw bytes to the artifact proxy; an overwrite, so retried. The body supplier is asked once per attempt. */
    void putArtifact(String operation, String artifactPath, long length, Supplier<InputStream> body) {
        var unused = retry.executeIdempotent(BACKEND, operation, () -> {
            HttpRequest request = request(artifactUrl(artifactPath), transferTimeout)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(body), length))
                    .build();
            return parse(operation, send(operation, request, HttpResponse.BodyHandlers.ofString()));
        });
    }

    /** GET a file from the artifact proxy; opening is retried, reading is the caller's. */
    InputStream openArtifact(String operation, String artifactPath) {
        return retry.executeIdempotent(BACKEND, operation, () -> {
            HttpRequest request =
                    request(artifactUrl(artifactPath), transferTimeout).GET().build();
            HttpResponse<InputStream> response = send(operation, request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 == 2) {
                return response.body();
            }
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw error(operation, response.statusCode(), text, response.headers());
        });
    }

    String artifactUrl(String artifactPath) {
        StringBuilder url = new StringBuilder(base).append("/api/2.0/mlflow-artifacts/artifacts");
        for (String segment : artifactPath.split("/", -1)) {
            url.append('/').append(encodePathSegment(segment));
        }
        return url.toString();
    }

    private String api(String path) {
        return base + "/api/2.0" + path;
    }

    private HttpRequest.Builder request(String url, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "mlops4j-mlflow");
        credentials.authorization().ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private <T> HttpResponse<T> send(String operation, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<T> response = client.send(request, handler);
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "mlflow {} {} {} -> {} in {} ms",
                        operation,
                        request.method(),
                        request.uri().getRawPath(),
                        response.statusCode(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            return response;
        } catch (HttpConnectTimeoutException e) {
            throw noResponse(operation, "could not connect to " + base + " within the connect timeout", e);
        } catch (HttpTimeoutException e) {
            throw noResponse(
                    operation,
                    "no response from " + base + " within " + request.timeout().orElse(null),
                    e);
        } catch (ConnectException e) {
            throw noResponse(
                    operation,
                    "cannot connect to " + base + " (" + e.getMessage()
                            + "); is the MLflow server running, and is MLFLOW_TRACKING_URI right?",
                    e);
        } catch (IOException e) {
            throw noResponse(operation, "the exchange with " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlopsException("interrupted during MLflow " + operation + "; it may have taken effect", e);
        }
    }

    private static ServiceUnavailableException noResponse(String operation, String what, Exception cause) {
        return new ServiceUnavailableException("MLflow " + operation + ": " + what, ServiceError.of(BACKEND, 0), cause);
    }

    private JsonNode parse(String operation, HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        if (status / 100 != 2) {
            throw error(operation, status, body, response.headers());
        }
        if (body.isBlank()) {
            return object();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MlopsServiceException(
                    "MLflow " + operation + " answered " + status + " with a body that is not JSON; is " + base
                            + " an MLflow tracking server?",
                    new ServiceError(BACKEND, status, null, requestId(response.headers()), abbreviate(body), null),
                    e);
        }
    }

    /**
     * Maps an MLflow error response onto the exception tree (see the class comment).
     *
     * @param operation what was asked, for the message
     * @param status the HTTP status
     * @param body the response body, usually {@code {"error_code": …, "message": …}}
     * @param headers the response headers ({@code Retry-After}, a request id)
     * @return the exception to throw
     */
    MlopsException error(String operation, int status, String body, HttpHeaders headers) {
        String code = null;
        String message = null;
        try {
            JsonNode node = json.readTree(body);
            if (node != null && node.isObject()) {
                code = node.path("error_code").isTextual()
                        ? node.get("error_code").asText()
                        : null;
                message = node.path("message").isTextual() ? node.get("message").asText() : null;
            }
        } catch (JsonProcessingException e) {
            // not MLflow's error JSON (a proxy's page): keep the abbreviated body
        }
        Duration retryAfter = retryAfter(headers);
        ServiceError error = new ServiceError(BACKEND, status, code, requestId(headers), abbreviate(body), retryAfter);
        String text = "MLflow " + operation + " failed with " + status + (code == null ? "" : " " + code) + ": "
                + (message == null ? abbreviate(body) : abbreviate(message));
        if ("RESOURCE_DOES_NOT_EXIST".equals(code) || (status == 404 && code == null)) {
            return new NotFoundException(text, new MlopsServiceException(text, error, null));
        }
        if ("RESOURCE_ALREADY_EXISTS".equals(code) || status == 409) {
            return new ConflictException(text, new MlopsServiceException(text, error, null));
        }
        if (status == 401 || status == 403) {
            return new AuthenticationException(
                    text + "; check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD", error, null);
        }
        if (status == 429 || status == 503) {
            return new ServiceUnavailableException(
                    text + (retryAfter == null ? "" : "; the server asks to retry after " + retryAfter), error, null);
        }
        return new MlopsServiceException(text, error, null);
    }

    private static @Nullable String requestId(HttpHeaders headers) {
        return headers.firstValue("x-request-id").orElse(null);
    }

    /** Reads {@code Retry-After} as seconds or an HTTP date; null if absent or unreadable. */
    static @Nullable Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").map(String::strip).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(
                        ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= BODY_SHOWN ? text : text.substring(0, BODY_SHOWN) + "…";
    }

    static String queryString(Map<String, ?> query) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> entry : query.entrySet()) {
            Object value = entry.getValue();
            List<?> values = value instanceof List<?> list ? list : List.of(Objects.requireNonNull(value));
            for (Object v : values) {
                sb.append(sb.length() == 0 ? '?' : '&')
                        .append(URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    private static String encodePathSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "MlflowHttp{" + base + ", " + credentials + ", timeout " + requestTimeout + "}";
    }
}
