package org.mlops4j.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.StorageException;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.profile.ColumnProfile;
import org.mlops4j.data.profile.ColumnType;
import org.mlops4j.data.profile.TableProfile;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.RegistryEnvironment;
import org.mlops4j.store.Digest;

/**
 * A version's MLflow run, the way MLflow's own clients fill one: its params and metrics ({@code runs/log-batch}), its
 * code revision and pipeline run id as tags, and its training and evaluation datasets as dataset inputs ({@code
 * runs/log-inputs}: name, a 36-character digest prefix with the full digest in a tag, the lake as source, schema and
 * profile from the dataset version, and {@code mlflow.data.context}). Values longer than the server takes go into an
 * artifact of the run, with their SHA-256 in the tag or param. Thread-safe.
 */
final class MlflowTracking {
    static final String PIPELINE_TAG = "mlops4j.pipeline";
    static final String LONG_VALUES = "mlops4j/long-values/";
    private static final int DIGEST_FIELD = 36; // MLflow's Dataset.digest holds at most 36 characters
    private static final int INPUT_TAG_VALUE = 500;
    private static final Pattern GIT_COMMIT = Pattern.compile("(?:git:)?([0-9a-f]{7,40})");

    private final MlflowHttp http;
    private final MlflowRuns runs;
    private final MlflowArtifacts artifacts;

    MlflowTracking(MlflowHttp http, MlflowRuns runs, MlflowArtifacts artifacts) {
        this.http = http;
        this.runs = runs;
        this.artifacts = artifacts;
    }

    /** The experiment a version's run belongs to: its pipeline's name, else the driver's experiment. */
    String experimentOf(ModelVersion v) {
        String pipeline = v.getTags().get(PIPELINE_TAG);
        return pipeline == null || pipeline.isBlank() ? runs.defaultExperiment() : pipeline;
    }

    /** The run's name: the pipeline run id, else what the registration is. */
    static String runNameOf(ModelVersion v) {
        return v.getPipelineRun().isEmpty() ? "register " + v.getRef().name() : v.getPipelineRun();
    }

    /** The tags a version's run is created with. */
    static Map<String, String> runTags(ModelVersion v) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("mlops4j.model", v.getRef().name());
        if (!v.getPipelineRun().isEmpty()) {
            tags.put("mlops4j.pipeline.run", v.getPipelineRun());
        }
        if (!v.getCodeRevision().isEmpty()) {
            tags.put("mlops4j.code.revision", v.getCodeRevision());
            var commit = GIT_COMMIT.matcher(v.getCodeRevision());
            if (commit.matches()) {
                tags.put("mlflow.source.git.commit", commit.group(1)); // MLflow's UI shows it as the run's commit
            }
        }
        if (!v.getAuthor().isEmpty()) {
            tags.put("mlflow.user", v.getAuthor());
        }
        return tags;
    }

    /**
     * Logs a version's params, metrics, tags and dataset inputs into its run: log-batch, then log-inputs, one after
     * the other: both write the run's rows, SQLite (MLflow's default store) lets one writer in at a time, and sending
     * them at once gained nothing measurable in scripts/bench-mlflow.
     *
     * @param runId the run
     * @param artifactRoot the run's artifact root, for values too long for a tag
     * @param v the version's record
     * @param limits the server's limits
     * @param environment the lake's datasets, or null for a driver used without a registry
     * @param runCreatedWithTags whether the run tags of {@link #runTags} are already on the run
     */
    void log(
            String runId,
            String artifactRoot,
            ModelVersion v,
            MlflowLimits limits,
            @Nullable RegistryEnvironment environment,
            boolean runCreatedWithTags) {
        List<MlflowRuns.Entry> entries = new ArrayList<>();
        new TreeMap<>(v.getMetrics())
                .forEach((k, value) ->
                        entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.METRIC, k, Double.toString(value))));
        new TreeMap<>(v.getParams())
                .forEach((k, value) -> entries.add(new MlflowRuns.Entry(
                        MlflowRuns.Kind.PARAM, k, fit(artifactRoot, "param", k, value, limits.paramValue()))));
        Map<String, String> tags = new TreeMap<>();
        if (!runCreatedWithTags) {
            tags.putAll(runTags(v));
        }
        v.getTags().forEach((k, value) -> {
            if (!k.startsWith("mlflow.") && !k.isEmpty() && k.length() <= MlflowRecords.MAX_TAG_KEY) {
                tags.put(k, fit(artifactRoot, "tag", k, value, limits.runTagValue()));
            }
        });
        tags.forEach((k, value) -> entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.TAG, k, value)));
        runs.logBatch(runId, entries);
        runs.logInputs(runId, datasetInputs(v, environment));
    }

    /**
     * A value that fits the server's limit as it is; a longer one goes into the run's artifacts under {@value
     * #LONG_VALUES} and is replaced by a pointer with its SHA-256.
     */
    String fit(String artifactRoot, String kind, String key, String value, int limit) {
        if (value.length() <= limit) {
            return value;
        }
        String path = LONG_VALUES + kind + "-" + key.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt";
        String sha = artifacts.putText(artifactRoot + "/" + path, value);
        return "sha256:" + sha + " (" + value.length() + " characters, in the run's artifact " + path + ")";
    }

    ArrayNode datasetInputs(ModelVersion v, @Nullable RegistryEnvironment environment) {
        ArrayNode inputs = http.json().createArrayNode();
        for (ModelInput input : v.getInputs()) {
            Optional<DatasetVersion> found = environment == null
                    ? Optional.empty()
                    : environment.datasets().find(input.dataset());
            ObjectNode di = inputs.addObject();
            ArrayNode tags = di.putArray("tags");
            tags.addObject().put("key", "mlflow.data.context").put("value", context(input.role()));
            tags.addObject()
                    .put("key", "mlops4j.dataset")
                    .put("value", input.dataset().toString());
            ObjectNode dataset = di.putObject("dataset");
            dataset.put("name", input.dataset().name());
            ObjectNode source = http.object();
            source.put("uri", environment == null ? "" : environment.lakeUri());
            source.put("dataset", input.dataset().toString());
            if (found.isPresent()) {
                DatasetVersion d = found.get();
                String full = d.getDigest().toString();
                tags.addObject().put("key", "mlops4j.dataset.digest").put("value", cut(full, INPUT_TAG_VALUE));
                dataset.put("digest", d.getDigest().hex().substring(0, DIGEST_FIELD));
                source.put("commit", d.getCommitId());
                dataset.put("source_type", "mlops4j-lake");
                dataset.put("source", source.toString());
                schema(environment, d).ifPresent(schema -> dataset.put("schema", schema));
                dataset.put("profile", profile(environment, d));
            } else {
                // no lake to ask (a driver used on its own): the reference stands in for the digest
                String ref = input.dataset().toString();
                dataset.put(
                        "digest",
                        Digest.of(ref.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .hex()
                                .substring(0, DIGEST_FIELD));
                dataset.put("source_type", "mlops4j-lake");
                dataset.put("source", source.toString());
            }
        }
        return inputs;
    }

    /** MLflow's conventional context words for our roles. */
    static String context(String role) {
        return switch (role) {
            case ModelInput.TRAIN -> "training";
            case ModelInput.EVAL -> "evaluation";
            default -> role;
        };
    }

    /** MLflow's column-spec schema from the dataset's first profiled file, if it has one. */
    private Optional<String> schema(@Nullable RegistryEnvironment environment, DatasetVersion d) {
        Optional<TableProfile> table = firstProfile(environment, d);
        if (table.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode schema = http.object();
        ArrayNode columns = schema.putArray("mlflow_colspec");
        for (ColumnProfile c : table.get().getColumns()) {
            columns.addObject().put("type", mlflowType(c.getType())).put("name", c.getName());
        }
        return Optional.of(schema.toString());
    }

    private String profile(@Nullable RegistryEnvironment environment, DatasetVersion d) {
        ObjectNode profile = http.object();
        firstProfile(environment, d).ifPresent(t -> profile.put("num_rows", t.getRowCount()));
        profile.put("num_files", d.getFileCount());
        profile.put("num_bytes", d.getByteCount());
        return profile.toString();
    }

    private static Optional<TableProfile> firstProfile(@Nullable RegistryEnvironment environment, DatasetVersion d) {
        if (environment == null || d.getProfiles().isEmpty()) {
            return Optional.empty();
        }
        String first = new TreeMap<>(d.getProfiles()).firstKey();
        return environment.datasets().findProfile(d, first);
    }

    private static String mlflowType(ColumnType type) {
        if (type.equals(ColumnType.INTEGER)) {
            return "long";
        }
        if (type.equals(ColumnType.DECIMAL)) {
            return "double";
        }
        if (type.equals(ColumnType.BOOLEAN)) {
            return "boolean";
        }
        return "string";
    }

    /**
     * Copies a version's artifact tree from the lake under the run's {@code model/} directory, so that MLflow's
     * clients can download the model; the lake keeps the verified copy the registry reads.
     */
    void copyLakeTree(RegistryEnvironment environment, Digest tree, String modelRoot) {
        Path temp = null;
        try {
            temp = Files.createTempDirectory("mlops4j-mlflow-");
            Path dir = temp.resolve("model");
            var unused = environment.datasets().contentTrees().checkout(tree, dir, "artifacts " + tree);
            artifacts.copy(dir, modelRoot);
        } catch (IOException e) {
            throw StorageException.of("cannot stage the artifacts " + tree + " for MLflow in a temporary directory", e);
        } finally {
            if (temp != null) {
                deleteTree(temp);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
