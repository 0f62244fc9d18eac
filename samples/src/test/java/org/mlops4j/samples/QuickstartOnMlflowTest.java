package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.mlflow.MlflowServer;
import org.mlops4j.registry.ModelRef;

/**
 * The quickstart with {@code MLOPS4J_REGISTRY=mlflow+http://…} (issue 20): the same story, with its models, runs,
 * datasets and alias in a real MLflow server, seen through MLflow's REST API.
 */
class QuickstartOnMlflowTest {
    @TempDir
    Path home;

    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldTellTheStoryWithModelsRunsDatasetsAndAliasesInMlflowWhenTheRegistryIsMlflow() throws Exception {
        MlflowServer server = MlflowServer.shared();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        QuickstartResult result = Quickstart.run(
                home, "mlflow+" + server.getTrackingUri(), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String story = printed.toString(StandardCharsets.UTF_8);

        assertThat(story).contains("registry mlflow+" + server.getTrackingUri());
        assertThat(result.champion().getRef()).isEqualTo(new ModelRef(Quickstart.MODEL, 2));
        String base = server.getTrackingUri() + "/api/2.0/mlflow";
        JsonNode model =
                get(base + "/registered-models/get?name=" + Quickstart.MODEL).path("registered_model");
        List<String> aliases = new ArrayList<>();
        model.path("aliases")
                .forEach(a -> aliases.add(
                        a.path("alias").asText() + "=" + a.path("version").asText()));
        assertThat(aliases).contains("champion=2");
        JsonNode versions = get(base + "/model-versions/search?filter="
                + URLEncoder.encode("name='" + Quickstart.MODEL + "'", StandardCharsets.UTF_8));
        assertThat(versions.path("model_versions")).hasSize(3);

        for (String pipeline : List.of("churn-retrain", "churn-shortcut")) {
            String id = get(base + "/experiments/get-by-name?experiment_name=" + pipeline)
                    .path("experiment")
                    .path("experiment_id")
                    .asText();
            JsonNode runs = post(base + "/runs/search", "{\"experiment_ids\":[\"" + id + "\"]}");
            assertThat(runs.path("runs")).as("runs of %s", pipeline).hasSize(pipeline.equals("churn-retrain") ? 2 : 1);
            for (JsonNode run : runs.path("runs")) {
                List<String> tags = new ArrayList<>();
                run.path("data")
                        .path("tags")
                        .forEach(t -> tags.add(t.path("key").asText()));
                assertThat(tags).contains("mlops4j.pipeline.run", "mlops4j.code.revision");
                assertThat(run.path("data").path("metrics")).isNotEmpty();
                List<String> contexts = new ArrayList<>();
                run.path("inputs")
                        .path("dataset_inputs")
                        .forEach(d -> d.path("tags").forEach(t -> {
                            if (t.path("key").asText().equals("mlflow.data.context")) {
                                contexts.add(d.path("dataset").path("name").asText() + ":"
                                        + t.path("value").asText());
                            }
                        }));
                assertThat(contexts).as("dataset inputs of a %s run", pipeline).contains("churn-holdout:evaluation");
            }
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", url, r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
