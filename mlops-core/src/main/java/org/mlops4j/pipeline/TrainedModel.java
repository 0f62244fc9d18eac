package org.mlops4j.pipeline;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link Trainer} returns: the directory of the model's artifacts and the metrics, parameters and tags to register
 * with them. Not thread-safe; create one per training.
 */
public final class TrainedModel {
    private final Path artifacts;
    private final Map<String, Double> metrics = new TreeMap<>();
    private final Map<String, String> params = new TreeMap<>();
    private final Map<String, String> tags = new TreeMap<>();

    private TrainedModel(Path artifacts) {
        this.artifacts = artifacts;
    }

    /**
     * Names the directory holding the model's files.
     *
     * @param artifacts the directory
     * @return the model
     * @throws IllegalArgumentException if it is not a directory
     */
    public static TrainedModel of(Path artifacts) {
        Objects.requireNonNull(artifacts, "artifacts");
        if (!Files.isDirectory(artifacts)) {
            throw new IllegalArgumentException("trained model artifacts must be a directory, got " + artifacts
                    + "; write the model's files there");
        }
        return new TrainedModel(artifacts);
    }

    /**
     * Adds a training metric (recorded with the registered version; the verdict uses the holdout evaluation).
     *
     * @param name the metric's name
     * @param value its value, finite
     * @return this model
     * @throws IllegalArgumentException if the value is not finite
     */
    @CanIgnoreReturnValue
    public TrainedModel metric(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("training metric '" + name + "' must be finite, got " + value);
        }
        metrics.put(Objects.requireNonNull(name, "name"), value);
        return this;
    }

    /**
     * Adds a training parameter.
     *
     * @param name the parameter's name
     * @param value its value
     * @return this model
     */
    @CanIgnoreReturnValue
    public TrainedModel param(String name, String value) {
        params.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a tag to register with the model, e.g. {@code flavor=linear} for a deployer's model loader.
     *
     * @param name the tag's name (not starting with {@code mlops4j.}, which the pipeline sets)
     * @param value its value
     * @return this model
     * @throws IllegalArgumentException if the name starts with {@code mlops4j.}
     */
    @CanIgnoreReturnValue
    public TrainedModel tag(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (name.startsWith("mlops4j.")) {
            throw new IllegalArgumentException("tag '" + name + "' is reserved: the pipeline sets mlops4j.* tags");
        }
        tags.put(name, Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Returns the artifacts' directory. */
    public Path getArtifacts() {
        return artifacts;
    }

    /** Returns the training metrics. */
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

    @Override
    public String toString() {
        return "TrainedModel{" + artifacts + ", metrics=" + metrics + ", params=" + params + ", tags=" + tags + "}";
    }
}
