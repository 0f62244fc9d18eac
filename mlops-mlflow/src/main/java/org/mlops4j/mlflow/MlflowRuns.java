package org.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;

/**
 * The MLflow experiment and runs the driver uses: one experiment (created on first use), one run per upload or
 * registration, whose artifact root holds the model's files (MLflow 3.17+ accepts a model version's {@code source} only
 * inside the artifact root of the run named by its {@code run_id}). Thread-safe.
 */
final class MlflowRuns {
    private static final int TAGS_PER_BATCH = 100; // log-batch's limit

    private final MlflowHttp http;
    private final String experimentName;
    private final Clock clock;
    private volatile @Nullable String experimentId;

    MlflowRuns(MlflowHttp http, String experimentName, Clock clock) {
        this.http = http;
        this.experimentName = experimentName;
        this.clock = clock;
    }

    /** A run as created. */
    record Run(String id, String artifactUri) {}

    String experimentId() {
        String id = experimentId;
        if (id != null) {
            return id;
        }
        synchronized (this) {
            if (experimentId == null) {
                experimentId = findOrCreateExperiment();
            }
            return Objects.requireNonNull(experimentId);
        }
    }

    private String findOrCreateExperiment() {
        try {
            return getExperiment();
        } catch (NotFoundException absent) {
            try {
                ObjectNode body = http.object().put("name", experimentName);
                return http.send("create-experiment", "POST", "/mlflow/experiments/create", body, false)
                        .path("experiment_id")
                        .asText();
            } catch (ConflictException raced) {
                return getExperiment(); // another client created it meanwhile
            }
        }
    }

    private String getExperiment() {
        JsonNode experiment = http.get(
                        "get-experiment-by-name",
                        "/mlflow/experiments/get-by-name",
                        Map.of("experiment_name", experimentName))
                .path("experiment");
        if (!"active".equalsIgnoreCase(experiment.path("lifecycle_stage").asText("active"))) {
            throw new MlopsException("the MLflow experiment '" + experimentName + "' is deleted; restore it in MLflow"
                    + " or give the driver another experiment name");
        }
        return experiment.path("experiment_id").asText();
    }

    /** Creates a run, sent once (a lost response leaves an empty run, which is harmless). */
    Run create(String name, Map<String, String> tags) {
        ObjectNode body = http.object()
                .put("experiment_id", experimentId())
                .put("run_name", name)
                .put("start_time", clock.millis());
        ArrayNode array = body.putArray("tags");
        tags.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
        JsonNode info = http.send("create-run", "POST", "/mlflow/runs/create", body, false)
                .path("run")
                .path("info");
        String id = info.path("run_id").asText("");
        String artifactUri = info.path("artifact_uri").asText("");
        if (id.isEmpty() || artifactUri.isEmpty()) {
            throw new MlopsException("MLflow created a run without run_id or artifact_uri: " + info);
        }
        if (!artifactUri.startsWith(MlflowArtifacts.SCHEME)) {
            throw new MlopsException("the MLflow run " + id + " stores its artifacts at " + artifactUri + ", not behind"
                    + " the server's artifact proxy (mlflow-artifacts:/); start the server with --serve-artifacts and"
                    + " an experiment whose artifact location is mlflow-artifacts:/ (the default since MLflow 2.0)");
        }
        return new Run(id, artifactUri);
    }

    /** Sets tags on a run, 100 per call; idempotent. */
    void setTags(String runId, Map<String, String> tags) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(tags.entrySet());
        for (int from = 0; from < entries.size(); from += TAGS_PER_BATCH) {
            ObjectNode body = http.object().put("run_id", runId);
            ArrayNode array = body.putArray("tags");
            for (Map.Entry<String, String> e : entries.subList(from, Math.min(entries.size(), from + TAGS_PER_BATCH))) {
                array.addObject().put("key", e.getKey()).put("value", e.getValue());
            }
            var unused = http.send("log-batch", "POST", "/mlflow/runs/log-batch", body, true);
        }
    }

    /** Marks a run finished; idempotent. */
    void finish(String runId) {
        ObjectNode body =
                http.object().put("run_id", runId).put("status", "FINISHED").put("end_time", clock.millis());
        var unused = http.send("update-run", "POST", "/mlflow/runs/update", body, true);
    }

    /** Reads a run's tags. */
    Map<String, String> tags(String runId) {
        JsonNode run =
                http.get("get-run", "/mlflow/runs/get", Map.of("run_id", runId)).path("run");
        return MlflowRecords.tags(run.path("data").path("tags"));
    }
}
