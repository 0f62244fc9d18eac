package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlops4j.serving.Http.post;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.deploy.local.Scored;

/** MLflow's scoring formats on {@code /invocations}: answered as MLflow answers, with the native route's limits. */
class MlflowInvocationsTest {
    private final FakeEndpoints endpoints = new FakeEndpoints().linear("churn");
    private final ScoringServer server =
            ScoringServer.builder().endpoints(endpoints).maxRequestBytes(4096).build();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> invoke(String body) {
        return post(server.getBaseUri() + "/endpoints/churn/invocations", body);
    }

    @Test
    void shouldScoreEachOfMlflowsFormatsAlike() {
        List<String> bodies = List.of(
                "{\"dataframe_split\":{\"columns\":[\"x\",\"city\"],\"data\":[[1.5,\"Oslo\"],[-1,\"Rome\"]]}}",
                "{\"dataframe_split\":{\"index\":[7,8],\"columns\":[\"x\"],\"data\":[[1.5],[-1]]}}",
                "{\"dataframe_records\":[{\"x\":1.5,\"city\":\"Oslo\"},{\"x\":-1}]}",
                "{\"instances\":[{\"x\":1.5},{\"x\":-1}]}",
                "{\"inputs\":[{\"x\":1.5},{\"x\":-1}]}",
                "{\"inputs\":{\"x\":[1.5,-1],\"city\":[\"Oslo\",null]}}",
                "{\"instances\":{\"x\":[1.5,-1]},\"params\":{}}");
        for (String body : bodies) {
            HttpResponse<String> response = invoke(body);

            assertThat(response.statusCode()).as(body).isEqualTo(200);
            assertThat(response.body()).as(body).isEqualTo("{\"predictions\":[101.5,99.0]}");
            assertThat(response.headers().firstValue("X-Mlops-Model")).hasValue("churn@1");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        }
        assertThat(invoke("{\"inputs\":{\"x\":2}}").body()).isEqualTo("{\"predictions\":[102.0]}");
    }

    @Test
    void shouldAnswerErrorsInMlflowsShapeWithTheSameStatus() {
        HttpResponse<String> none = invoke("{\"rows\":[{\"x\":1}]}");
        HttpResponse<String> both = invoke("{\"inputs\":[{\"x\":1}],\"instances\":[{\"x\":1}]}");
        HttpResponse<String> tensor = invoke("{\"inputs\":[[1,2],[3,4]]}");
        HttpResponse<String> params = invoke("{\"inputs\":[{\"x\":1}],\"params\":{\"temperature\":0.5}}");
        HttpResponse<String> duplicate = invoke("{\"inputs\":[{\"x\":1,\"x\":2}]}");

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body())
                .startsWith("{\"error_code\":\"BAD_REQUEST\",\"message\":\"the request body has an unknown field"
                        + " \\\"rows\\\"");
        assertThat(both.body()).contains("has both \\\"inputs\\\" and \\\"instances\\\"");
        assertThat(tensor.statusCode()).isEqualTo(400);
        assertThat(tensor.body()).contains("inputs[0] is a JSON array, a tensor without column names");
        assertThat(params.body()).contains("\\\"params\\\" are not supported");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(endpoints.calls("churn")).isZero();
    }

    @Test
    void shouldKeepTheNativeRoutesLimitsOnInvocations() {
        HttpResponse<String> large = invoke("{\"dataframe_records\":[" + "{\"x\":1.0},".repeat(1000) + "{\"x\":1}]}");
        HttpResponse<String> form = post(server.getBaseUri() + "/endpoints/churn/invocations", "{}", "text/plain");
        HttpResponse<String> unknown = post(server.getBaseUri() + "/endpoints/nope/invocations", "{}");
        HttpResponse<String> get = Http.get(server.getBaseUri() + "/endpoints/churn/invocations");

        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body())
                .startsWith("{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\"")
                .contains("limit of 4096 bytes");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("{\"error_code\":\"ENDPOINT_NOT_FOUND\"");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void shouldWordTheSeamsAndTheEncodersFailuresAsMlflowDoes() {
        endpoints
                .add("nan", rows -> new Scored(200, List.of(Double.NaN), null, "blue", "nan@1"))
                .add(
                        "down",
                        rows -> new Scored(503, List.of(), "endpoint 'down' has no slot taking traffic", null, null));

        HttpResponse<String> nan = post(server.getBaseUri() + "/endpoints/nan/invocations", "{\"inputs\":{\"x\":1}}");
        HttpResponse<String> down = post(server.getBaseUri() + "/endpoints/down/invocations", "{\"inputs\":{\"x\":1}}");

        assertThat(nan.statusCode()).isEqualTo(500);
        assertThat(nan.body())
                .isEqualTo("{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"model nan@1's predictions[0] is NaN, which"
                        + " JSON cannot carry\"}");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).startsWith("{\"error_code\":\"TEMPORARILY_UNAVAILABLE\"");
    }
}
