package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.serving.Http.get;
import static org.mlops4j.serving.Http.post;
import static org.mlops4j.serving.Http.rows;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.deploy.local.Scored;

/** The routes, headers and error bodies that clients of today's front rely on, on the Jetty front. */
class ScoringServerTest {
    private final FakeEndpoints endpoints = new FakeEndpoints().linear("churn").linear("fraud");
    private final ScoringServer server = ScoringServer.builder()
            .endpoints(endpoints)
            .maxRequestBytes(64 * 1024)
            .build();

    @AfterEach
    void stop() {
        server.close();
    }

    private String uri(String path) {
        return server.getBaseUri() + path;
    }

    @Test
    void shouldAnswerScoresWithSlotAndModelHeaders() {
        HttpResponse<String> response =
                post(uri("/endpoints/churn/score"), "{\"rows\":[{\"x\":1.5,\"city\":\"Oslo\"},{\"x\":-1}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"predictions\":[101.5,99.0]}");
        assertThat(response.headers().firstValue("X-Mlops-Slot")).hasValue("blue");
        assertThat(response.headers().firstValue("X-Mlops-Model")).hasValue("churn@1");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Server")).isEmpty();
    }

    @Test
    void shouldServeSeveralEndpointsAndListThemOnHealth() {
        assertThat(post(uri("/endpoints/fraud/score"), rows(1)).headers().firstValue("X-Mlops-Model"))
                .hasValue("fraud@1");
        HttpResponse<String> health = get(uri("/health"));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"up\",\"endpoints\":[\"churn\",\"fraud\"]}");
    }

    @Test
    void shouldDescribeAnEndpointsSlotsOnItsHealthRoute() {
        var unused = post(uri("/endpoints/churn/score"), rows(1));

        HttpResponse<String> health = get(uri("/endpoints/churn/health"));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body())
                .isEqualTo("{\"endpoint\":\"churn\",\"status\":\"up\",\"slots\":[{\"slot\":\"blue\",\"model\":"
                        + "\"churn@1\",\"traffic\":100,\"shadow\":0,\"requests\":1,\"errors\":0,\"p95Millis\":2.0}]}");
    }

    @Test
    void shouldAnswer404And405WhenPathOrMethodIsWrong() {
        HttpResponse<String> unknown = post(uri("/endpoints/nope/score"), rows(1));
        HttpResponse<String> wrongMethod = get(uri("/endpoints/churn/score"));
        HttpResponse<String> wrongHealthMethod = post(uri("/health"), "{}");
        HttpResponse<String> other = get(uri("/other"));

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no endpoint 'nope'").contains("churn");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(wrongMethod.body()).contains("GET is not allowed on /endpoints/churn/score");
        assertThat(wrongHealthMethod.statusCode()).isEqualTo(405);
        assertThat(wrongHealthMethod.headers().firstValue("Allow")).hasValue("GET");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).startsWith("{\"error\":\"no such path '/other'");
    }

    @Test
    void shouldAnswer400WithAClearMessageWhenJsonOrRowsAreBad() {
        HttpResponse<String> notJson = post(uri("/endpoints/churn/score"), "{\"rows\":[{\"x\":");
        HttpResponse<String> noRows = post(uri("/endpoints/churn/score"), "{\"x\":1}");
        HttpResponse<String> nested = post(uri("/endpoints/churn/score"), "{\"rows\":[{\"x\":[1]}]}");
        HttpResponse<String> modelRefused = post(uri("/endpoints/churn/score"), "{\"rows\":[{\"y\":1}]}");

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not valid JSON");
        assertThat(noRows.statusCode()).isEqualTo(400);
        assertThat(noRows.body()).contains("\\\"rows\\\" array");
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(nested.body()).contains("row 0 column 'x' is a JSON array");
        assertThat(modelRefused.statusCode()).isEqualTo(400);
        assertThat(modelRefused.body()).isEqualTo("{\"error\":\"column 'x' must be a number\"}");
        assertThat(modelRefused.headers().firstValue("X-Mlops-Model")).hasValue("churn@1");
    }

    @Test
    void shouldAnswer413WithTheLimitWhenBodyIsTooLarge() {
        String big = "{\"rows\":[" + "{\"x\":1.0},".repeat(10_000) + "{\"x\":1.0}]}";

        HttpResponse<String> response = post(uri("/endpoints/churn/score"), big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"error\"").contains("limit of 65536 bytes");
        assertThat(post(uri("/endpoints/churn/score"), rows(1)).statusCode()).isEqualTo(200);
        assertThat(endpoints.calls("churn")).isEqualTo(1);
    }

    @Test
    void shouldAnswer413WhenAChunkedBodyGrowsPastTheLimit() {
        byte[] big = ("{\"rows\":[" + "{\"x\":1.0},".repeat(10_000) + "{\"x\":1.0}]}").getBytes();
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri("/endpoints/churn/score")))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                // no length known up front: the client sends it chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();

        HttpResponse<String> response = Http.send(request);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(endpoints.calls("churn")).isZero();
    }

    @Test
    void shouldTakeABodyAboveTheDrainBoundWhenTheLimitAllowsIt() {
        try (ScoringServer large = ScoringServer.builder()
                .endpoints(endpoints)
                .maxRequestBytes(8 << 20)
                .build()) {
            String body = "{\"rows\":[{\"x\":1.0,\"pad\":\"" + "a".repeat(5 << 20) + "\"}]}";

            HttpResponse<String> response = post(large.getBaseUri() + "/endpoints/churn/score", body);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"predictions\":[101.0]}");
        }
    }

    @Test
    void shouldAnswerTheSeamsErrorsWithTheirStatus() {
        endpoints
                .add(
                        "down",
                        rows -> new Scored(503, List.of(), "endpoint 'down' has no slot taking traffic", null, null))
                .add(
                        "broken",
                        rows -> new Scored(
                                500, List.of(), "model broken@1 failed: IllegalStateException", "green", "broken@1"))
                .add("throws", rows -> {
                    throw new IllegalStateException("a bug behind the seam");
                });

        HttpResponse<String> down = post(uri("/endpoints/down/score"), rows(1));
        HttpResponse<String> broken = post(uri("/endpoints/broken/score"), rows(1));
        HttpResponse<String> thrown = post(uri("/endpoints/throws/score"), rows(1));

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"error\":\"endpoint 'down' has no slot taking traffic\"}");
        assertThat(down.headers().firstValue("X-Mlops-Slot")).isEmpty();
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.headers().firstValue("X-Mlops-Slot")).hasValue("green");
        assertThat(thrown.statusCode()).isEqualTo(500);
        assertThat(thrown.body()).isEqualTo("{\"error\":\"endpoint 'throws' failed: IllegalStateException\"}");
    }

    @Test
    void shouldKeepAConnectionAliveAcrossRequests() {
        for (int i = 0; i < 20; i++) {
            assertThat(post(uri("/endpoints/churn/score"), rows(i)).statusCode())
                    .isEqualTo(200);
        }
        assertThat(server.openConnections()).isEqualTo(1);
    }

    @Test
    void shouldRefuseToStartTwiceOnOnePort() {
        ScoringServer.Builder second =
                ScoringServer.builder().endpoints(endpoints).port(server.getPort());

        org.assertj.core.api.Assertions.assertThatThrownBy(second::build)
                .isInstanceOf(org.mlops4j.common.MlopsException.class)
                .hasMessageContaining("cannot start the scoring server on 127.0.0.1:" + server.getPort());
    }
}
