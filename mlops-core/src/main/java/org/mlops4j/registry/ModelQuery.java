package org.mlops4j.registry;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A search for model versions by name, tags and metric bounds. Create one per call.
 *
 * <pre>{@code
 * registry.search(ModelQuery.forModel("churn").tag("team", "growth").metricAtLeast("auc", 0.8));
 * }</pre>
 */
public final class ModelQuery {
    /**
     * A bound on a metric.
     *
     * @param metric the metric's name
     * @param bound the bound
     * @param atLeast true for {@code >= bound}, false for {@code <= bound}
     */
    public record MetricBound(String metric, double bound, boolean atLeast) {
        /**
         * Tells whether a value satisfies the bound.
         *
         * @param value the value
         * @return true if it does
         */
        public boolean test(double value) {
            return atLeast ? value >= bound : value <= bound;
        }
    }

    private final @Nullable String model;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final List<MetricBound> metrics = new ArrayList<>();

    private ModelQuery(@Nullable String model) {
        this.model = model;
    }

    /** Searches every registered model. */
    public static ModelQuery all() {
        return new ModelQuery(null);
    }

    /**
     * Searches the versions of one model.
     *
     * @param name the model's name
     * @return the query
     */
    public static ModelQuery forModel(String name) {
        return new ModelQuery(ModelRef.requireValidName(name));
    }

    /**
     * Requires a tag.
     *
     * @param key the tag
     * @param value its value
     * @return this query
     */
    @CanIgnoreReturnValue
    public ModelQuery tag(String key, String value) {
        tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Requires {@code metric >= bound}.
     *
     * @param metric the metric
     * @param bound the bound
     * @return this query
     */
    @CanIgnoreReturnValue
    public ModelQuery metricAtLeast(String metric, double bound) {
        metrics.add(new MetricBound(Objects.requireNonNull(metric, "metric"), bound, true));
        return this;
    }

    /**
     * Requires {@code metric <= bound}.
     *
     * @param metric the metric
     * @param bound the bound
     * @return this query
     */
    @CanIgnoreReturnValue
    public ModelQuery metricAtMost(String metric, double bound) {
        metrics.add(new MetricBound(Objects.requireNonNull(metric, "metric"), bound, false));
        return this;
    }

    /** Returns the model searched, or empty for all. */
    public Optional<String> getModel() {
        return Optional.ofNullable(model);
    }

    /** Returns the required tags. */
    public Map<String, String> getTags() {
        return Map.copyOf(tags);
    }

    /** Returns the metric bounds. */
    public List<MetricBound> getMetricBounds() {
        return List.copyOf(metrics);
    }

    /** Returns true when the query uses metric bounds. */
    public boolean usesMetrics() {
        return !metrics.isEmpty();
    }

    /**
     * Tells whether a version matches (a missing metric does not match).
     *
     * @param version the version
     * @return true if it matches
     */
    public boolean matches(ModelVersion version) {
        if (model != null && !model.equals(version.getName())) {
            return false;
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (!tag.getValue().equals(version.getTags().get(tag.getKey()))) {
                return false;
            }
        }
        for (MetricBound bound : metrics) {
            Double value = version.getMetrics().get(bound.metric());
            if (value == null || !bound.test(value)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ModelQuery{model=" + (model == null ? "*" : model) + ", tags=" + tags + ", metrics=" + metrics + "}";
    }
}
