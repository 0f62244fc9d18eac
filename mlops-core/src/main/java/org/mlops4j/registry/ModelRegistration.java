package org.mlops4j.registry;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.store.Digest;

/**
 * What to register as a new model version: artifacts, metrics, parameters, tags, signature, inputs, code revision and
 * pipeline run, plus a request id that makes the registration idempotent. Create one per call; not thread-safe.
 *
 * <pre>{@code
 * ModelVersion v = registry.register(new ModelRegistration("churn")
 *         .artifacts(Path.of("model-dir"))
 *         .metric("auc", 0.871)
 *         .param("max_depth", "6")
 *         .input(train.getRef(), ModelInput.TRAIN)
 *         .codeRevision("git:4f2a9c1"));
 * }</pre>
 */
public final class ModelRegistration {
    private final String name;
    private String requestId = UUID.randomUUID().toString();
    private @Nullable Path artifacts;
    private @Nullable Digest artifactTree;
    private final Map<String, Double> metrics = new TreeMap<>();
    private final Map<String, String> params = new TreeMap<>();
    private final Map<String, String> tags = new TreeMap<>();
    private String signature = "";
    private final List<ModelInput> inputs = new ArrayList<>();
    private String codeRevision = "";
    private String pipelineRun = "";
    private String description = "";
    private ProgressListener progress = ProgressListener.NONE;

    /**
     * Starts a registration.
     *
     * @param name the registered model's name
     * @throws IllegalArgumentException if the name is invalid
     */
    public ModelRegistration(String name) {
        this.name = ModelRef.requireValidName(name);
    }

    /**
     * Sets the request id (default: random). Registering twice with the same id gives one version.
     *
     * @param requestId a unique id of this registration, e.g. derived from the pipeline run
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration requestId(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        if (requestId.isBlank() || requestId.length() > 256) {
            throw new IllegalArgumentException("a request id is 1 to 256 characters, got " + requestId.length());
        }
        this.requestId = requestId;
        return this;
    }

    /**
     * Sets the directory whose files are the model's artifacts (stored as a content-addressed tree).
     *
     * @param directory the directory
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration artifacts(Path directory) {
        this.artifacts = Objects.requireNonNull(directory, "directory");
        this.artifactTree = null;
        return this;
    }

    /**
     * Names a content tree already stored in the registry's lake as the model's artifacts (what a pipeline's train
     * step stored): the version refers to it, and nothing is read back or uploaded again. Replaces a directory set
     * before.
     *
     * @param tree the tree's digest
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration artifacts(Digest tree) {
        this.artifactTree = Objects.requireNonNull(tree, "tree");
        this.artifacts = null;
        return this;
    }

    /**
     * Adds a metric.
     *
     * @param key the metric's name
     * @param value a finite value
     * @return this registration
     * @throws IllegalArgumentException if the value is NaN or infinite
     */
    @CanIgnoreReturnValue
    public ModelRegistration metric(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric '" + key + "' must be finite, got " + value);
        }
        metrics.put(Objects.requireNonNull(key, "key"), value);
        return this;
    }

    /**
     * Adds metrics.
     *
     * @param values metric names and finite values
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration metrics(Map<String, Double> values) {
        values.forEach(this::metric);
        return this;
    }

    /**
     * Adds a parameter.
     *
     * @param key the parameter's name
     * @param value its value
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration param(String key, String value) {
        params.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a tag.
     *
     * @param key the tag's name
     * @param value its value
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration tag(String key, String value) {
        tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Sets the signature: a description of inputs and outputs (MLflow's signature JSON, or any text).
     *
     * @param signature the signature
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration signature(String signature) {
        this.signature = Objects.requireNonNull(signature, "signature");
        return this;
    }

    /**
     * Records a dataset version the model used.
     *
     * @param dataset the version
     * @param role {@link ModelInput#TRAIN}, {@link ModelInput#EVAL} or another word
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration input(DatasetRef dataset, String role) {
        inputs.add(new ModelInput(dataset, role));
        return this;
    }

    /**
     * Sets the code revision that trained the model.
     *
     * @param revision e.g. a git commit
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration codeRevision(String revision) {
        this.codeRevision = Objects.requireNonNull(revision, "revision");
        return this;
    }

    /**
     * Sets the pipeline run that produced the model.
     *
     * @param runId the run id
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration pipelineRun(String runId) {
        this.pipelineRun = Objects.requireNonNull(runId, "runId");
        return this;
    }

    /**
     * Sets a description.
     *
     * @param text the description
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration description(String text) {
        this.description = Objects.requireNonNull(text, "text");
        return this;
    }

    /**
     * Reports progress while artifacts are stored.
     *
     * @param listener the listener
     * @return this registration
     */
    @CanIgnoreReturnValue
    public ModelRegistration progress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Returns the model's name. */
    public String getName() {
        return name;
    }

    /** Returns the request id. */
    public String getRequestId() {
        return requestId;
    }

    /** Returns the artifacts directory, or null for a registration without artifacts or with a lake tree. */
    public @Nullable Path getArtifacts() {
        return artifacts;
    }

    /** Returns the digest of the artifacts' tree already in the lake, or null if none was named. */
    public @Nullable Digest getArtifactTree() {
        return artifactTree;
    }

    /** Returns the metrics. */
    public Map<String, Double> getMetrics() {
        return Collections.unmodifiableMap(metrics);
    }

    /** Returns the parameters. */
    public Map<String, String> getParams() {
        return Collections.unmodifiableMap(params);
    }

    /** Returns the tags. */
    public Map<String, String> getTags() {
        return Collections.unmodifiableMap(tags);
    }

    /** Returns the signature, or empty. */
    public String getSignature() {
        return signature;
    }

    /** Returns the inputs. */
    public List<ModelInput> getInputs() {
        return List.copyOf(inputs);
    }

    /** Returns the code revision, or empty. */
    public String getCodeRevision() {
        return codeRevision;
    }

    /** Returns the pipeline run, or empty. */
    public String getPipelineRun() {
        return pipelineRun;
    }

    /** Returns the description, or empty. */
    public String getDescription() {
        return description;
    }

    /** Returns the progress listener. */
    public ProgressListener getProgress() {
        return progress;
    }

    @Override
    public String toString() {
        return "ModelRegistration{name=" + name + ", requestId=" + requestId + ", artifacts="
                + (artifactTree != null ? artifactTree : artifacts) + ", metrics=" + metrics + ", inputs=" + inputs
                + "}";
    }
}
