package org.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;

/**
 * The MLflow experiments and runs the driver uses: experiments by name (created on first use, ids cached), runs whose
 * artifact roots hold model files (MLflow 3.17+ accepts a model version's {@code source} only inside the artifact root
 * of the run named by its {@code run_id}), and their params, metrics and tags through {@code runs/log-batch} within
 * its limits. Thread-safe.
 */
final class MlflowRuns {
    /** log-batch's limits (all MLflow versions): per call, and the body's size with room for JSON framing. */
    static final int MAX_METRICS = 1000;

    static final int MAX_PARAMS = 100;
    static final int MAX_TAGS = 100;
    static final int MAX_ENTITIES = 1000;
    static final int MAX_BATCH_BYTES = 900_000;

    private final MlflowHttp http;
    private final String defaultExperiment;
    private final Clock clock;
    private final Map<String, String> experimentIds = new ConcurrentHashMap<>();

    MlflowRuns(MlflowHttp http, String defaultExperiment, Clock clock) {
        this.http = http;
        this.defaultExperiment = defaultExperiment;
        this.clock = clock;
    }

    /** A run as created. */
    record Run(String id, String artifactUri) {}

    /** One metric, param or tag of a log-batch call. */
    record Entry(Kind kind, String key, String value) {
        int size() {
            return key.length() + value.length() + 64;
        }
    }

    enum Kind {
        METRIC,
        PARAM,
        TAG
    }

    String defaultExperiment() {
        return defaultExperiment;
    }

    String experimentId(String name) {
        return experimentIds.computeIfAbsent(name, this::findOrCreateExperiment);
    }

    private String findOrCreateExperiment(String name) {
        try {
            return getExperiment(name);
        } catch (NotFoundException absent) {
            try {
                ObjectNode body = http.object().put("name", name);
                return http.send("create-experiment", "POST", "/mlflow/experiments/create", body, false)
                        .path("experiment_id")
                        .asText();
            } catch (ConflictException raced) {
                return getExperiment(name); // another client created it meanwhile
            }
        }
    }

    private String getExperiment(String name) {
        JsonNode experiment = http.get(
                        "get-experiment-by-name", "/mlflow/experiments/get-by-name", Map.of("experiment_name", name))
                .path("experiment");
        if (!"active".equalsIgnoreCase(experiment.path("lifecycle_stage").asText("active"))) {
            throw new MlopsException("the MLflow experiment '" + name + "' is deleted; restore it in MLflow"
                    + " or give the driver another experiment name");
        }
        return experiment.path("experiment_id").asText();
    }

    /** Creates a run in the driver's default experiment. */
    Run create(String name, Map<String, String> tags) {
        return create(defaultExperiment, name, tags);
    }

    /** Creates a run, sent once (a lost response leaves an empty run, which is harmless). */
    Run create(String experiment, String name, Map<String, String> tags) {
        ObjectNode body = http.object()
                .put("experiment_id", experimentId(experiment))
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

    /**
     * Logs metrics, params and tags in as few {@code runs/log-batch} calls as its limits allow: at most {@value
     * #MAX_METRICS} metrics, {@value #MAX_PARAMS} params, {@value #MAX_TAGS} tags and {@value #MAX_ENTITIES} entries
     * per call, and a body under 1 MB. Retried: a repeated metric (same key, value, time, step) or param (same value)
     * is a no-op on the server.
     */
    void logBatch(String runId, List<Entry> entries) {
        long now = clock.millis();
        for (List<Entry> batch : batches(entries)) {
            ObjectNode body = http.object().put("run_id", runId);
            ArrayNode metrics = body.putArray("metrics");
            ArrayNode params = body.putArray("params");
            ArrayNode tags = body.putArray("tags");
            for (Entry e : batch) {
                switch (e.kind()) {
                    case METRIC ->
                        metrics.addObject()
                                .put("key", e.key())
                                .put("value", Double.parseDouble(e.value()))
                                .put("timestamp", now)
                                .put("step", 0);
                    case PARAM -> params.addObject().put("key", e.key()).put("value", e.value());
                    case TAG -> tags.addObject().put("key", e.key()).put("value", e.value());
                }
            }
            var unused = http.send("log-batch", "POST", "/mlflow/runs/log-batch", body, true);
        }
    }

    /** Splits entries into log-batch calls within its limits, in order. */
    static List<List<Entry>> batches(List<Entry> entries) {
        List<List<Entry>> batches = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        int metrics = 0;
        int params = 0;
        int tags = 0;
        int bytes = 0;
        for (Entry e : entries) {
            boolean full = current.size() == MAX_ENTITIES
                    || bytes + e.size() > MAX_BATCH_BYTES
                    || (e.kind() == Kind.METRIC && metrics == MAX_METRICS)
                    || (e.kind() == Kind.PARAM && params == MAX_PARAMS)
                    || (e.kind() == Kind.TAG && tags == MAX_TAGS);
            if (full && !current.isEmpty()) {
                batches.add(current);
                current = new ArrayList<>();
                metrics = 0;
                params = 0;
                tags = 0;
                bytes = 0;
            }
            current.add(e);
            bytes += e.size();
            switch (e.kind()) {
                case METRIC -> metrics++;
                case PARAM -> params++;
                case TAG -> tags++;
            }
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Logs dataset inputs ({@code runs/log-inputs}); idempotent (MLflow de-duplicates by name and digest). */
    void logInputs(String runId, ArrayNode datasets) {
        if (datasets.isEmpty()) {
            return;
        }
        ObjectNode body = http.object().put("run_id", runId);
        body.set("datasets", datasets);
        var unused = http.send("log-inputs", "POST", "/mlflow/runs/log-inputs", body, true);
    }

    /** Marks a run finished; idempotent. */
    void finish(String runId) {
        end(runId, "FINISHED");
    }

    /**
     * Marks a run failed: the run of a registration whose version may or may not have been created (its response was
     * lost); idempotent. A retry that finds the version finishes the run again.
     */
    void fail(String runId) {
        end(runId, "FAILED");
    }

    private void end(String runId, String status) {
        ObjectNode body =
                http.object().put("run_id", runId).put("status", status).put("end_time", clock.millis());
        var unused = http.send("update-run", "POST", "/mlflow/runs/update", body, true);
    }

    /**
     * Deletes a run that no version holds (MLflow keeps a deleted run, out of searches, until {@code mlflow gc});
     * idempotent.
     */
    void delete(String runId) {
        var unused = http.send(
                "delete-run", "POST", "/mlflow/runs/delete", http.object().put("run_id", runId), true);
    }

    /**
     * Tidies up after a failure: runs the call, and keeps its own failure with the first one (suppressed), which the
     * caller throws.
     */
    static void bestEffort(RuntimeException failure, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Reads a run's tags. */
    Map<String, String> tags(String runId) {
        JsonNode run =
                http.get("get-run", "/mlflow/runs/get", Map.of("run_id", runId)).path("run");
        return MlflowRecords.tags(run.path("data").path("tags"));
    }
}
