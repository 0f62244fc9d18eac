package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.AuthenticationException;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsServiceException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.resilience.RetryPolicy;

/** The transport against a scripted loopback server: error mapping, which calls are retried, secrets kept out. */
class MlflowHttpTest {
    private static final String TOKEN = "s3cr3t-token-value";

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile Map<String, String> headers = Map.of();
    private MlflowHttp http;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        RetryPolicy retry =
                RetryPolicy.custom().maxAttempts(3).sleeper(waits::add).build();
        http = new MlflowHttp(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                MlflowCredentials.bearer(TOKEN),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                retry,
                null);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.getRequestBody().readAllBytes();
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void respond(int status, String body, Map<String, String> headers) {
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    @Test
    void shouldMapResourceDoesNotExistToNotFoundWhenMlflowAnswers404() {
        respond(
                404,
                "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Registered Model 'x' not found\"}",
                Map.of());

        assertThatThrownBy(() -> http.get("get-registered-model", "/mlflow/registered-models/get", Map.of("name", "x")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("RESOURCE_DOES_NOT_EXIST")
                .hasMessageContaining("Registered Model 'x' not found");
        assertThat(requests).hasValue(1);
    }

    @Test
    void shouldMapResourceAlreadyExistsToConflictWhenMlflowAnswers400() {
        respond(
                400,
                "{\"error_code\":\"RESOURCE_ALREADY_EXISTS\",\"message\":\"Registered Model (name=x) already"
                        + " exists.\"}",
                Map.of());

        assertThatThrownBy(() -> http.send(
                        "create-registered-model",
                        "POST",
                        "/mlflow/registered-models/create",
                        http.object().put("name", "x"),
                        false))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void shouldKeepTheErrorCodeAndNotRetryWhenTheRequestIsInvalid() {
        respond(400, "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"bad alias\"}", Map.of());

        assertThatThrownBy(() -> http.get("get-alias", "/mlflow/registered-models/alias", Map.of()))
                .isInstanceOfSatisfying(MlopsServiceException.class, e -> {
                    assertThat(e.getErrorCode()).contains("INVALID_PARAMETER_VALUE");
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(requests).hasValue(1);
    }

    @Test
    void shouldRetryAnIdempotentCallAfter429HonouringRetryAfter() {
        respond(
                429,
                "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}",
                Map.of("Retry-After", "7"));

        assertThatThrownBy(() -> http.get("search-model-versions", "/mlflow/model-versions/search", Map.of()))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    assertThat(e.getRetryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(e.isTransient()).isTrue();
                });
        assertThat(requests).as("3 attempts").hasValue(3);
        assertThat(waits).hasSize(2).allSatisfy(w -> assertThat(w).isGreaterThanOrEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void shouldSendACreateOnceWhenTheServerIsUnavailable() {
        respond(503, "", Map.of());

        assertThatThrownBy(() -> http.send(
                        "create-model-version",
                        "POST",
                        "/mlflow/model-versions/create",
                        http.object().put("name", "x"),
                        false))
                .isInstanceOf(ServiceUnavailableException.class);
        assertThat(requests).as("a create is never sent twice").hasValue(1);
    }

    @Test
    void shouldMapUnauthorizedToAuthenticationWithoutTheSecret() {
        respond(401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"bad token\"}", Map.of());

        assertThatThrownBy(() -> http.get("get-registered-model", "/mlflow/registered-models/get", Map.of()))
                .isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain(TOKEN));
        assertThat(authorizations).containsExactly("Bearer " + TOKEN);
        assertThat(http.toString()).doesNotContain(TOKEN);
    }

    @Test
    void shouldThrowServiceUnavailableWithoutAStatusWhenNothingListens() {
        server.stop(0);
        RetryPolicy once = RetryPolicy.custom().maxAttempts(1).build();
        MlflowHttp closed = new MlflowHttp(
                "http://127.0.0.1:" + server.getAddress().getPort(),
                MlflowCredentials.none(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                once,
                null);

        assertThatThrownBy(() -> closed.get("get-registered-model", "/mlflow/registered-models/get", Map.of()))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    assertThat(e.getStatusCode()).isZero();
                    assertThat(e.isTransient()).isTrue();
                });
    }

    @Test
    void shouldEncodeRepeatedQueryParametersAndArtifactPaths() {
        assertThat(MlflowHttp.queryString(Map.of("order_by", List.of("name ASC", "version_number DESC"))))
                .isEqualTo("?order_by=name+ASC&order_by=version_number+DESC");
        assertThat(http.artifactUrl("1/abc/artifacts/model/a b/c%.txt"))
                .endsWith("/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/a%20b/c%25.txt");
    }
}
