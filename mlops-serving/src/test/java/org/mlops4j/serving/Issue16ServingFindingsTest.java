package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mlops4j.serving.Http.post;
import static org.mlops4j.serving.Http.rows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.deploy.local.Scored;

/**
 * Issue 16, "Serving": one test per finding, each named after what it caught. Every one passes on {@link ScoringServer}
 * and fails on the JDK-server front it replaces ({@code -Dmlops4j.serving.front=jdk}, see {@link Fronts}).
 */
class Issue16ServingFindingsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(8);

    private final FakeEndpoints endpoints = new FakeEndpoints().linear("churn");
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    private Fronts.Front front;

    @AfterEach
    void stop() {
        writer.shutdownNow();
        if (front != null) {
            front.close();
        }
    }

    private String uri(String path) {
        return front.baseUri() + path;
    }

    /** Writes the bytes one at a time, every {@code period}, until they run out or the server closes the socket. */
    private void trickle(Socket socket, byte[] bytes, Duration period) throws IOException {
        OutputStream out = socket.getOutputStream();
        int[] next = {0};
        var unused = writer.scheduleAtFixedRate(
                () -> {
                    try {
                        if (next[0] < bytes.length) {
                            out.write(bytes[next[0]++]);
                            out.flush();
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException("closed", e); // stops this task
                    }
                },
                0,
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) PATIENCE.toMillis()); // a server that never answers fails the read
        return socket;
    }

    @Test
    void shouldAnswer408AndCloseWhenRequestHeadersTrickle() throws IOException {
        front = Fronts.start(endpoints, b -> b.headerTimeout(Duration.ofSeconds(1)));
        try (Socket socket = connect(front.port())) {
            byte[] headers = ("POST /endpoints/churn/score HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "a".repeat(100))
                    .getBytes(StandardCharsets.US_ASCII);
            trickle(socket, headers, Duration.ofMillis(100));

            Http.Raw answer = Http.Raw.read(socket.getInputStream());

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.body()).contains("did not arrive within 1000 ms");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldAnswer408WhenTheNextRequestsHeadersTrickleOnAKeptAliveConnection() throws IOException {
        front = Fronts.start(endpoints, b -> b.headerTimeout(Duration.ofSeconds(1)));
        try (Socket socket = connect(front.port())) {
            String first = Http.postWithHost("/endpoints/churn/score", "localhost", rows(1))
                    .replace("Connection: close\r\n", "");
            socket.getOutputStream().write(first.getBytes(StandardCharsets.UTF_8));
            assertThat(Http.Raw.read(socket.getInputStream()).status()).isEqualTo(200);
            trickle(
                    socket,
                    "POST /endpoints/churn/score HTTP/1.1\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                            .getBytes(StandardCharsets.US_ASCII),
                    Duration.ofMillis(100));

            Http.Raw answer = Http.Raw.read(socket.getInputStream());

            assertThat(answer.status()).isEqualTo(408);
            assertThat(endpoints.calls("churn")).isEqualTo(1);
        }
    }

    @Test
    void shouldAnswer408WhenTheRequestBodyTrickles() throws IOException {
        front = Fronts.start(endpoints, b -> b.bodyTimeout(Duration.ofSeconds(1)));
        try (Socket socket = connect(front.port())) {
            socket.getOutputStream()
                    .write(("POST /endpoints/churn/score HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                                    + "\r\nContent-Length: 200\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] body = new byte[200];
            Arrays.fill(body, (byte) ' ');
            trickle(socket, body, Duration.ofMillis(100));

            Http.Raw answer = Http.Raw.read(socket.getInputStream());

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(answer.body()).contains("request body did not arrive within 1000 ms");
            assertThat(endpoints.calls("churn")).isZero();
        }
    }

    @Test
    void shouldCloseAnIdleConnectionAfterTheIdleTimeout() throws IOException {
        front = Fronts.start(endpoints, b -> b.idleTimeout(Duration.ofSeconds(1)));
        try (Socket silent = connect(front.port());
                Socket afterOne = connect(front.port())) {
            String request = Http.postWithHost("/endpoints/churn/score", "localhost", rows(1))
                    .replace("Connection: close\r\n", "");
            afterOne.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            InputStream in = afterOne.getInputStream();
            assertThat(Http.Raw.read(in).status()).isEqualTo(200);

            assertThat(in.read()).as("kept-alive connection closed when idle").isEqualTo(-1);
            assertThat(silent.getInputStream().read())
                    .as("silent connection closed")
                    .isEqualTo(-1);
        }
    }

    @Test
    void shouldAnswer503RatherThanSilenceWhenSlowClientsHoldEveryConnection() {
        front = Fronts.start(endpoints, b -> b.maxConnections(8));
        try (Trickler slow = new Trickler(front.port(), 8)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.fewestBytesSent() >= 2);

            Http.Raw probe =
                    Http.raw(front.port(), Http.postWithHost("/endpoints/churn/score", "localhost", rows(1)), PATIENCE);

            assertThat(probe.status()).isEqualTo(503);
            assertThat(probe.headers()).containsEntry("retry-after", "1").containsEntry("connection", "close");
            assertThat(probe.body()).contains("limit of 8 open connections");
        }
        await().atMost(PATIENCE)
                .until(() -> post(uri("/endpoints/churn/score"), rows(1)).statusCode() == 200);
    }

    @Test
    void shouldAnswer503WhenEveryScoringThreadIsBusyAndItsQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        endpoints.add("slow", rows -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FakeEndpoints.linear("slow", rows);
        });
        front = Fronts.start(endpoints, b -> b.threads(1).queueCapacity(1));
        try {
            CompletableFuture<HttpResponse<String>> first = postAsync("/endpoints/slow/score");
            assertThat(entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            CompletableFuture<HttpResponse<String>> second = postAsync("/endpoints/slow/score");
            CompletableFuture<HttpResponse<String>> third = postAsync("/endpoints/slow/score");

            // one of the two waits in the queue; the other finds it full and is answered at once
            Object early = CompletableFuture.anyOf(second, third).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            @SuppressWarnings("unchecked")
            HttpResponse<String> refused = (HttpResponse<String>) early;
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("saturated");
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(List.of(
                            second.get(10, TimeUnit.SECONDS).statusCode(),
                            third.get(10, TimeUnit.SECONDS).statusCode()))
                    .containsExactlyInAnyOrder(200, 503);
        } finally {
            release.countDown();
        }
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String path) {
        return Http.CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create(uri(path)))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(rows(1)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer500RatherThanInfinityWhenAPredictionIsNotFinite() {
        endpoints
                .add("inf", rows -> new Scored(200, List.of(1.0, Double.POSITIVE_INFINITY), null, "blue", "inf@1"))
                .add(
                        "nan",
                        rows -> new Scored(200, List.of(Map.of("p", List.of(0.5, Float.NaN))), null, "blue", "nan@1"));
        front = Fronts.start(endpoints);

        HttpResponse<String> inf = post(uri("/endpoints/inf/score"), rows(1));
        HttpResponse<String> nan = post(uri("/endpoints/nan/score"), rows(1));

        assertThat(inf.statusCode()).isEqualTo(500);
        assertThat(inf.body())
                .isEqualTo("{\"error\":\"model inf@1's predictions[1] is Infinity, which JSON cannot carry\"}");
        assertThat(nan.statusCode()).isEqualTo(500);
        assertThat(nan.body()).contains("predictions[0].p[1] is NaN");
        assertThat(inf.headers().firstValue("X-Mlops-Model")).hasValue("inf@1");
    }

    @Test
    void shouldAnswer415WhenTheBodyIsNotDeclaredJson() {
        front = Fronts.start(endpoints);
        String noType = "POST /endpoints/churn/score HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n"
                + "Connection: close\r\n\r\n" + rows(1);

        HttpResponse<String> form = post(uri("/endpoints/churn/score"), rows(1), "text/plain"); // a cross-site form
        HttpResponse<String> latin1 = post(uri("/endpoints/churn/score"), rows(1), "application/json; charset=latin1");
        Http.Raw none = Http.raw(front.port(), noType, PATIENCE);

        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).contains("Content-Type is 'text/plain'").contains("application/json");
        assertThat(latin1.statusCode()).isEqualTo(415);
        assertThat(none.status()).isEqualTo(415);
        assertThat(none.body()).contains("no Content-Type");
        assertThat(endpoints.calls("churn")).isZero();
        assertThat(post(uri("/endpoints/churn/score"), rows(1), "application/json; charset=UTF-8")
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(uri("/endpoints/churn/score"), rows(1), "Application/JSON;")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldAnswer403WhenTheHostIsNotLoopbackAsUnderDnsRebinding() {
        front = Fronts.start(endpoints);
        int port = front.port();

        Http.Raw rebound = Http.raw(
                port, Http.postWithHost("/endpoints/churn/score", "attacker.example:" + port, rows(1)), PATIENCE);
        Http.Raw lookalike = Http.raw(
                port, Http.postWithHost("/endpoints/churn/score", "localhost.attacker.example", rows(1)), PATIENCE);

        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.body()).contains("does not answer for the host 'attacker.example'");
        assertThat(lookalike.status()).isEqualTo(403);
        assertThat(endpoints.calls("churn")).isZero();
        for (String host : List.of(
                "localhost:" + port,
                "127.0.0.1",
                "127.0.0.2:" + port,
                "[::1]:" + port,
                "app.localhost",
                "LOCALHOST.")) {
            assertThat(Http.raw(port, Http.postWithHost("/endpoints/churn/score", host, rows(1)), PATIENCE)
                            .status())
                    .as(host)
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldNotDecodeAnEncodedSlashIntoAPathSeparator() {
        endpoints.linear("a");
        front = Fronts.start(endpoints);

        HttpResponse<String> encoded = post(uri("/endpoints/a%2Fscore"), rows(1));
        HttpResponse<String> lower = post(uri("/endpoints/a%2fscore"), rows(1));

        assertThat(encoded.statusCode()).isEqualTo(400);
        assertThat(encoded.body()).contains("Ambiguous URI path separator").contains("%2F");
        assertThat(lower.statusCode()).isEqualTo(400);
        assertThat(endpoints.calls("a")).isZero();
    }

    @Test
    void shouldAnswer400WhenAJsonKeyIsRepeated() {
        front = Fronts.start(endpoints);

        HttpResponse<String> column = post(uri("/endpoints/churn/score"), "{\"rows\":[{\"x\":1,\"x\":2}]}");
        HttpResponse<String> rowsTwice = post(uri("/endpoints/churn/score"), "{\"rows\":[{\"x\":1}],\"rows\":[]}");

        assertThat(column.statusCode()).isEqualTo(400);
        assertThat(column.body()).contains("Duplicate").contains("x");
        assertThat(rowsTwice.statusCode()).isEqualTo(400);
        assertThat(endpoints.calls("churn")).isZero();
    }

    @Test
    void shouldNeitherListEveryEndpointNorEchoALongNameIn404() {
        for (int i = 0; i < 1000; i++) {
            endpoints.linear(String.format("e%04d", i));
        }
        front = Fronts.start(endpoints);
        String longName = "n".repeat(5000);

        HttpResponse<String> unknown = post(uri("/endpoints/" + longName + "/score"), rows(1));
        HttpResponse<String> huge = post(uri("/endpoints/" + "n".repeat(20_000) + "/score"), rows(1));

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body().length()).isLessThan(1000);
        assertThat(unknown.body())
                .contains("no endpoint '" + "n".repeat(64) + "…(5000 characters)'")
                .contains("e0000, e0001")
                .contains("and 991 more (GET /health lists them all)")
                .doesNotContain("e0500");
        assertThat(huge.statusCode()).isEqualTo(414);
        assertThat(huge.body().length()).isLessThan(500);
        assertThat(huge.body()).startsWith("{\"error\":");
    }
}
