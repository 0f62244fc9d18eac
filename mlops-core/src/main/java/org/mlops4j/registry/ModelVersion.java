package org.mlops4j.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.store.Digest;

/**
 * A registered model version: where its artifacts live ({@link ArtifactLocation}: a content-addressed tree in the lake,
 * or a URI), metrics, parameters, tags, signature, the dataset versions it used, the code and the run that made it.
 *
 * <p>Immutable and thread-safe; obtained from a {@link ModelRegistry}. A final class rather than a record, so that
 * fields can be added without breaking callers.
 */
public final class ModelVersion {
    private final ModelRef ref;
    private final @Nullable ArtifactLocation artifacts;
    private final long artifactFiles;
    private final long artifactBytes;
    private final Map<String, Double> metrics;
    private final Map<String, String> params;
    private final Map<String, String> tags;
    private final String signature;
    private final List<ModelInput> inputs;
    private final String codeRevision;
    private final String pipelineRun;
    private final String description;
    private final Instant created;
    private final String author;
    private final String requestId;

    /**
     * Creates the value; registry drivers call this.
     *
     * @param ref the version
     * @param artifacts where the artifacts live, or null for a version without artifacts
     * @param artifactFiles how many artifact files
     * @param artifactBytes their total size
     * @param metrics the metrics
     * @param params the parameters
     * @param tags the tags
     * @param signature the signature, or empty
     * @param inputs the dataset versions used
     * @param codeRevision the code revision, or empty
     * @param pipelineRun the pipeline run, or empty
     * @param description the description, or empty
     * @param created when it was registered
     * @param author who registered it
     * @param requestId the registration's request id
     */
    public ModelVersion(
            ModelRef ref,
            @Nullable ArtifactLocation artifacts,
            long artifactFiles,
            long artifactBytes,
            Map<String, Double> metrics,
            Map<String, String> params,
            Map<String, String> tags,
            String signature,
            List<ModelInput> inputs,
            String codeRevision,
            String pipelineRun,
            String description,
            Instant created,
            String author,
            String requestId) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.artifacts = artifacts;
        this.artifactFiles = artifactFiles;
        this.artifactBytes = artifactBytes;
        this.metrics = Map.copyOf(metrics);
        this.params = Map.copyOf(params);
        this.tags = Map.copyOf(tags);
        this.signature = Objects.requireNonNull(signature, "signature");
        this.inputs = List.copyOf(inputs);
        this.codeRevision = Objects.requireNonNull(codeRevision, "codeRevision");
        this.pipelineRun = Objects.requireNonNull(pipelineRun, "pipelineRun");
        this.description = Objects.requireNonNull(description, "description");
        this.created = Objects.requireNonNull(created, "created");
        this.author = Objects.requireNonNull(author, "author");
        this.requestId = Objects.requireNonNull(requestId, "requestId");
    }

    /** Returns {@code name@version}. */
    public ModelRef getRef() {
        return ref;
    }

    /** Returns the registered model's name. */
    public String getName() {
        return ref.name();
    }

    /** Returns the version number. */
    public long getVersion() {
        return ref.version();
    }

    /**
     * Returns the digest of the artifacts' root tree, if the version has artifacts stored as a content-addressed tree
     * (in the lake, or in a backend that names the digest); {@link #getArtifactLocation()} says where.
     */
    public Optional<Digest> getArtifacts() {
        return artifacts == null ? Optional.empty() : artifacts.getTree();
    }

    /** Returns where the artifacts live, or empty for a version registered without artifacts. */
    public Optional<ArtifactLocation> getArtifactLocation() {
        return Optional.ofNullable(artifacts);
    }

    /** Returns how many artifact files it has. */
    public long getArtifactFiles() {
        return artifactFiles;
    }

    /** Returns the artifacts' total size in bytes. */
    public long getArtifactBytes() {
        return artifactBytes;
    }

    /** Returns the metrics. */
    public Map<String, Double> getMetrics() {
        return metrics;
    }

    /**
     * Looks up one metric.
     *
     * @param name the metric's name
     * @return its value, or empty
     */
    public Optional<Double> findMetric(String name) {
        return Optional.ofNullable(metrics.get(name));
    }

    /** Returns the parameters. */
    public Map<String, String> getParams() {
        return params;
    }

    /** Returns the tags. */
    public Map<String, String> getTags() {
        return tags;
    }

    /** Returns the signature, or empty. */
    public String getSignature() {
        return signature;
    }

    /** Returns the dataset versions it used, with their roles. */
    public List<ModelInput> getInputs() {
        return inputs;
    }

    /** Returns the lineage edges from each input dataset version to this model version, with their roles. */
    public List<LineageEdge> inputEdges() {
        LineageNode self = LineageNode.model(getName(), getVersion());
        List<LineageEdge> edges = new ArrayList<>(inputs.size());
        for (ModelInput input : inputs) {
            edges.add(new LineageEdge(
                    LineageNode.dataset(input.dataset().name(), input.dataset().version()), self, input.role()));
        }
        return edges;
    }

    /** Returns the code revision, or empty. */
    public String getCodeRevision() {
        return codeRevision;
    }

    /** Returns the pipeline run that produced it, or empty. */
    public String getPipelineRun() {
        return pipelineRun;
    }

    /** Returns the description, or empty. */
    public String getDescription() {
        return description;
    }

    /** Returns when it was registered. */
    public Instant getCreated() {
        return created;
    }

    /** Returns who registered it. */
    public String getAuthor() {
        return author;
    }

    /** Returns the request id of the registration. */
    public String getRequestId() {
        return requestId;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ModelVersion other && ref.equals(other.ref) && requestId.equals(other.requestId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ref, requestId);
    }

    @Override
    public String toString() {
        return ref + " " + metrics + (inputs.isEmpty() ? "" : " trained on " + inputs);
    }
}
