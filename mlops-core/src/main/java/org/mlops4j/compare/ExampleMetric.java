package org.mlops4j.compare;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A metric that can be computed from any multiset of examples, as the bootstrap and slice rules need: given
 * per-example multiplicities (how often each example occurs in a resample, or 0/1 for a slice), it returns the metric
 * on that multiset.
 *
 * <p>Built-in metrics: {@link #accuracy()}, {@link #errorRate()}, {@link #mse()}, {@link #mae()},
 * {@link #logLoss()}, {@link #brier()} and {@link #auc()}. Means of a per-example value ({@link #mean}) take a faster
 * path in the bootstrap; any other metric can be written with {@link #of}. Implementations are immutable and
 * thread-safe, and so is every {@link Bound} they return. Example:
 *
 * <pre>{@code
 * ExampleMetric hinge = ExampleMetric.mean("hinge", false, (label, prediction, score) ->
 *         Math.max(0, 1 - (2 * label - 1) * score));
 * }</pre>
 */
public interface ExampleMetric {

    /** Returns the metric's name, as used in {@link Evaluation#getMetrics()}. */
    String name();

    /** Returns whether a higher value is better. */
    boolean isHigherBetter();

    /**
     * Returns whether the metric is defined by class (AUC compares positives with negatives), so that its precision
     * depends on the number of examples of the rarer class rather than on the total: significance rules then require
     * a minimum number of examples of each class ({@link SignificanceRule#minPerClass(int)}). The default is false.
     *
     * @return whether the metric is class-conditional
     */
    default boolean isClassConditional() {
        return false;
    }

    /**
     * Prepares the metric for repeated evaluation on one model's outcomes (sorting scores, for example).
     *
     * @param outcomes the outcomes
     * @return the metric as a function of per-example multiplicities
     * @throws IllegalStateException if the outcomes lack what the metric needs (scores, for instance)
     * @throws IllegalArgumentException if the outcomes' values do not suit the metric (non-binary labels for AUC)
     */
    Bound bind(Outcomes outcomes);

    /** A metric bound to one model's outcomes. */
    @FunctionalInterface
    interface Bound {
        /**
         * Returns the metric on a multiset of examples.
         *
         * @param counts how often each example occurs (length = number of examples; not modified)
         * @return the metric, or NaN if it is undefined on that multiset (AUC with one class only)
         */
        double value(int[] counts);
    }

    /** A per-example value whose mean over examples is a metric. */
    @FunctionalInterface
    interface PerExample {
        /**
         * Returns one example's value.
         *
         * @param label the label
         * @param prediction the prediction
         * @param score the score, or NaN if the outcomes have none
         * @return the value
         */
        double value(double label, double prediction, double score);
    }

    /**
     * Returns a metric that is the mean of a per-example value, such as accuracy or squared error.
     *
     * @param name the metric's name
     * @param higherIsBetter whether a higher value is better
     * @param perExample the per-example value
     * @return the metric
     * @throws NullPointerException if an argument is null
     */
    static ExampleMetric mean(String name, boolean higherIsBetter, PerExample perExample) {
        return new MeanMetric(name, higherIsBetter, false, perExample);
    }

    /**
     * Returns a metric given by a binder: any function of the outcomes and multiplicities.
     *
     * @param name the metric's name
     * @param higherIsBetter whether a higher value is better
     * @param binder prepares the metric for one model's outcomes
     * @return the metric
     * @throws NullPointerException if an argument is null
     */
    static ExampleMetric of(String name, boolean higherIsBetter, Function<Outcomes, Bound> binder) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(binder, "binder");
        return new ExampleMetric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isHigherBetter() {
                return higherIsBetter;
            }

            @Override
            public Bound bind(Outcomes outcomes) {
                return binder.apply(outcomes);
            }

            @Override
            public String toString() {
                return name + (higherIsBetter ? " (higher is better)" : " (lower is better)");
            }
        };
    }

    /** Returns accuracy: the share of examples whose prediction equals the label. */
    static ExampleMetric accuracy() {
        return MeanMetric.ACCURACY;
    }

    /** Returns the error rate: the share of examples whose prediction differs from the label. */
    static ExampleMetric errorRate() {
        return MeanMetric.ERROR_RATE;
    }

    /** Returns the mean squared error of the predictions. */
    static ExampleMetric mse() {
        return MeanMetric.MSE;
    }

    /** Returns the mean absolute error of the predictions. */
    static ExampleMetric mae() {
        return MeanMetric.MAE;
    }

    /** Returns the log-loss of binary scores, clipped to [1e-15, 1 - 1e-15] as scikit-learn does. */
    static ExampleMetric logLoss() {
        return MeanMetric.LOG_LOSS;
    }

    /** Returns the Brier score of binary scores: the mean squared difference of score and label. */
    static ExampleMetric brier() {
        return MeanMetric.BRIER;
    }

    /**
     * Returns the area under the ROC curve of binary scores (ties count one half), computed from weighted ranks in
     * O(n) per multiset after one sort.
     */
    static ExampleMetric auc() {
        return AucMetric.INSTANCE;
    }

    /**
     * Returns a built-in metric by name: {@code accuracy}, {@code error_rate}, {@code mse}, {@code mae},
     * {@code log_loss}, {@code brier} or {@code auc}.
     *
     * @param name the name
     * @return the metric
     * @throws IllegalArgumentException if no built-in metric has that name
     */
    static ExampleMetric named(String name) {
        Objects.requireNonNull(name, "name");
        switch (name.toLowerCase(Locale.ROOT)) {
            case "accuracy":
                return accuracy();
            case "error_rate":
                return errorRate();
            case "mse":
                return mse();
            case "mae":
                return mae();
            case "log_loss":
            case "logloss":
                return logLoss();
            case "brier":
                return brier();
            case "auc":
            case "roc_auc":
                return auc();
            default:
                throw new IllegalArgumentException("no built-in example metric '" + name
                        + "': use accuracy, error_rate, mse, mae, log_loss, brier or auc, or pass an ExampleMetric");
        }
    }
}
