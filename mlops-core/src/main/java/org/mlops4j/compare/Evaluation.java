package org.mlops4j.compare;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ModelRef;

/**
 * One model version evaluated on one dataset version: aggregate metrics and, optionally, per-example
 * {@link Outcomes} for significance and slice rules.
 *
 * <p>Immutable and thread-safe. A final class rather than a record, so that fields can be added without breaking
 * callers. Example:
 *
 * <pre>{@code
 * Evaluation challenger = Evaluation.builder(ModelRef.parse("churn@8"), DatasetRef.parse("churn-holdout@3"))
 *         .outcomes(Outcomes.of(labels, predictions).withScores(scores))
 *         .computeMetrics()
 *         .metric("latency_p95_ms", 41.0)
 *         .build();
 * }</pre>
 */
public final class Evaluation {
    private final ModelRef model;
    private final DatasetRef dataset;
    private final Map<String, Double> metrics;
    private final @Nullable Outcomes outcomes;

    private Evaluation(Builder b) {
        this.model = b.model;
        this.dataset = b.dataset;
        this.metrics = Collections.unmodifiableMap(new TreeMap<>(b.metrics));
        this.outcomes = b.outcomes;
    }

    /**
     * Starts an evaluation of a model version on a dataset version.
     *
     * @param model the model version evaluated
     * @param dataset the evaluation dataset version
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(ModelRef model, DatasetRef dataset) {
        return new Builder(model, dataset);
    }

    /** Returns the model version evaluated. */
    public ModelRef getModel() {
        return model;
    }

    /** Returns the evaluation dataset version. */
    public DatasetRef getDataset() {
        return dataset;
    }

    /** Returns the aggregate metrics, sorted by name. */
    public Map<String, Double> getMetrics() {
        return metrics;
    }

    /**
     * Finds a metric.
     *
     * @param name the metric's name
     * @return its value, or empty if the evaluation has no such metric
     */
    public OptionalDouble findMetric(String name) {
        Double value = metrics.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Returns the per-example outcomes, if they were recorded. */
    public Optional<Outcomes> findOutcomes() {
        return Optional.ofNullable(outcomes);
    }

    @Override
    public String toString() {
        return model + " on " + dataset + " " + metrics + (outcomes == null ? "" : " with " + outcomes);
    }

    /**
     * Builds an {@link Evaluation}. Not thread-safe; use one builder per evaluation.
     */
    public static final class Builder {
        private final ModelRef model;
        private final DatasetRef dataset;
        private final Map<String, Double> metrics = new TreeMap<>();
        private @Nullable Outcomes outcomes;

        private Builder(ModelRef model, DatasetRef dataset) {
            this.model = Objects.requireNonNull(model, "model");
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /**
         * Adds an aggregate metric.
         *
         * @param name the metric's name, not blank
         * @param value its value, finite
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or the value is not finite
         * @throws IllegalStateException if the metric was already set
         */
        @CanIgnoreReturnValue
        public Builder metric(String name, double value) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("a metric name must not be blank, got '" + name + "'");
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("metric '" + name + "' must be finite, got " + value);
            }
            if (metrics.containsKey(name)) {
                throw new IllegalStateException("metric '" + name + "' is already set to " + metrics.get(name));
            }
            metrics.put(name, value);
            return this;
        }

        /**
         * Adds aggregate metrics; non-finite values (such as an undefined precision) are left out.
         *
         * @param values metrics by name
         * @return this builder
         * @throws IllegalStateException if a metric was already set
         */
        @CanIgnoreReturnValue
        public Builder metrics(Map<String, Double> values) {
            values.forEach((name, value) -> {
                if (Double.isFinite(value)) {
                    metric(name, value);
                }
            });
            return this;
        }

        /**
         * Sets the per-example outcomes.
         *
         * @param outcomes the outcomes, in the dataset's order
         * @return this builder
         * @throws IllegalStateException if outcomes were already set
         */
        @CanIgnoreReturnValue
        public Builder outcomes(Outcomes outcomes) {
            Objects.requireNonNull(outcomes, "outcomes");
            if (this.outcomes != null) {
                throw new IllegalStateException("outcomes are already set");
            }
            this.outcomes = outcomes;
            return this;
        }

        /**
         * Adds the standard metrics computed from the outcomes (see {@link Metrics#classification} and
         * {@link Metrics#regression}): classification metrics when labels and predictions are whole class numbers,
         * regression metrics otherwise. Metrics already set are kept.
         *
         * @return this builder
         * @throws IllegalStateException if no outcomes are set
         */
        @CanIgnoreReturnValue
        public Builder computeMetrics() {
            Outcomes o = outcomes;
            if (o == null) {
                throw new IllegalStateException("computeMetrics() needs outcomes: call outcomes(...) first");
            }
            boolean classes = isWhole(o.labels()) && isWhole(o.predictions());
            Map<String, Double> computed = classes ? Metrics.classification(o) : Metrics.regression(o);
            computed.forEach((name, value) -> {
                if (Double.isFinite(value)) {
                    metrics.putIfAbsent(name, value);
                }
            });
            return this;
        }

        /**
         * Builds the evaluation.
         *
         * @return the evaluation
         */
        public Evaluation build() {
            return new Evaluation(this);
        }

        private static boolean isWhole(double[] values) {
            for (double v : values) {
                if (v != Math.rint(v)) {
                    return false;
                }
            }
            return true;
        }
    }
}
