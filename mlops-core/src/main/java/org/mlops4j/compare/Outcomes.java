package org.mlops4j.compare;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A model's per-example outcomes on an evaluation dataset: labels, predictions, optional scores and optional slice
 * keys, one entry per example, in the dataset's order.
 *
 * <p>Two evaluations of the same dataset version list the same examples in the same order, so significance rules can
 * pair them. For binary classifiers labels and predictions are {@code 0} or {@code 1} and the score is the predicted
 * probability (or any monotone score) of class {@code 1}; for regressions they are real numbers. Multi-class labels
 * are class numbers (accuracy and McNemar's test work on any class numbers).
 *
 * <p>Immutable and thread-safe: arrays are copied in and out. Example:
 *
 * <pre>{@code
 * Outcomes outcomes = Outcomes.of(labels, predictions).withScores(probabilities).withSlice("region", regions);
 * }</pre>
 */
public final class Outcomes {
    private final double[] labels;
    private final double[] predictions;
    private final double @Nullable [] scores;
    private final Map<String, String[]> slices;

    private Outcomes(double[] labels, double[] predictions, double @Nullable [] scores, Map<String, String[]> slices) {
        this.labels = labels;
        this.predictions = predictions;
        this.scores = scores;
        this.slices = slices;
    }

    /**
     * Creates outcomes from labels and predictions.
     *
     * @param labels the true labels (copied)
     * @param predictions the predictions, one per label (copied)
     * @return the outcomes
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if the lengths differ, there are no examples, or a value is NaN
     */
    public static Outcomes of(double[] labels, double[] predictions) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(predictions, "predictions");
        if (labels.length == 0) {
            throw new IllegalArgumentException("outcomes need at least one example, got 0 labels");
        }
        requireLength("predictions", predictions.length, labels.length);
        requireNoNaN("labels", labels);
        requireNoNaN("predictions", predictions);
        return new Outcomes(labels.clone(), predictions.clone(), null, Map.of());
    }

    /**
     * Creates a classifier's outcomes from class numbers.
     *
     * @param labels the true classes (copied)
     * @param predictions the predicted classes, one per label (copied)
     * @return the outcomes
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if the lengths differ or there are no examples
     */
    public static Outcomes ofClasses(int[] labels, int[] predictions) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(predictions, "predictions");
        return of(
                Arrays.stream(labels).asDoubleStream().toArray(),
                Arrays.stream(predictions).asDoubleStream().toArray());
    }

    /**
     * Returns these outcomes with the scores of a binary classifier: the probability (or any monotone score) of class
     * {@code 1}, used by AUC, log-loss and the Brier score.
     *
     * @param scores one score per example (copied)
     * @return new outcomes
     * @throws NullPointerException if {@code scores} is null
     * @throws IllegalArgumentException if the length is wrong or a score is NaN
     * @throws IllegalStateException if scores were already set
     */
    public Outcomes withScores(double[] scores) {
        Objects.requireNonNull(scores, "scores");
        if (this.scores != null) {
            throw new IllegalStateException("scores are already set on these outcomes");
        }
        requireLength("scores", scores.length, labels.length);
        requireNoNaN("scores", scores);
        return new Outcomes(labels, predictions, scores.clone(), slices);
    }

    /**
     * Returns these outcomes with one slice key per example along a dimension ({@code "region"} → {@code "EU"}, …).
     *
     * @param dimension the slice dimension, not blank
     * @param keys one key per example (copied)
     * @return new outcomes
     * @throws NullPointerException if an argument or a key is null
     * @throws IllegalArgumentException if the dimension is blank or the length is wrong
     * @throws IllegalStateException if the dimension was already set
     */
    public Outcomes withSlice(String dimension, String[] keys) {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(keys, "keys");
        if (dimension.isBlank()) {
            throw new IllegalArgumentException("a slice dimension must not be blank, got '" + dimension + "'");
        }
        if (slices.containsKey(dimension)) {
            throw new IllegalStateException("slice dimension '" + dimension + "' is already set on these outcomes");
        }
        requireLength("slice keys of '" + dimension + "'", keys.length, labels.length);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == null) {
                throw new NullPointerException("slice key of '" + dimension + "' at example " + i + " is null");
            }
        }
        Map<String, String[]> copy = new LinkedHashMap<>(slices);
        copy.put(dimension, keys.clone());
        return new Outcomes(labels, predictions, scores, Collections.unmodifiableMap(copy));
    }

    /** Returns the number of examples. */
    public int size() {
        return labels.length;
    }

    /** Returns a copy of the labels. */
    public double[] getLabels() {
        return labels.clone();
    }

    /** Returns a copy of the predictions. */
    public double[] getPredictions() {
        return predictions.clone();
    }

    /** Returns whether scores were given. */
    public boolean hasScores() {
        return scores != null;
    }

    /**
     * Returns a copy of the scores.
     *
     * @return the scores
     * @throws IllegalStateException if no scores were given
     */
    public double[] getScores() {
        return requireScores("scores").clone();
    }

    /** Returns the slice dimensions, in the order they were added. */
    public Set<String> getSliceDimensions() {
        return slices.keySet();
    }

    /**
     * Returns the slice keys along a dimension.
     *
     * @param dimension the dimension
     * @return one key per example
     * @throws IllegalArgumentException if the dimension is unknown
     */
    public List<String> getSliceKeys(String dimension) {
        return List.of(slice(dimension));
    }

    /** Returns the distinct slice keys along a dimension, sorted; for reports. */
    Set<String> sliceValues(String dimension) {
        return new TreeSet<>(Arrays.asList(slice(dimension)));
    }

    // package-private, uncopied views for the hot paths; never modified
    double[] labels() {
        return labels;
    }

    double[] predictions() {
        return predictions;
    }

    double[] requireScores(String usedBy) {
        double[] s = scores;
        if (s == null) {
            throw new IllegalStateException(usedBy + " needs scores: add them with Outcomes.withScores(...)");
        }
        return s;
    }

    String[] slice(String dimension) {
        String[] keys = slices.get(dimension);
        if (keys == null) {
            throw new IllegalArgumentException(
                    "no slice dimension '" + dimension + "': the outcomes have " + slices.keySet());
        }
        return keys;
    }

    boolean hasSlice(String dimension) {
        return slices.containsKey(dimension);
    }

    /**
     * Checks that two models' outcomes are paired: the same number of examples with the same labels.
     *
     * @throws IllegalArgumentException naming the first difference
     */
    static void requirePaired(Outcomes champion, Outcomes challenger) {
        if (champion.size() != challenger.size()) {
            throw new IllegalArgumentException("paired outcomes must cover the same examples: the champion has "
                    + champion.size() + ", the challenger " + challenger.size());
        }
        if (champion.labels != challenger.labels) {
            for (int i = 0; i < champion.labels.length; i++) {
                if (Double.compare(champion.labels[i], challenger.labels[i]) != 0) {
                    throw new IllegalArgumentException("paired outcomes must have the same labels, in the same order:"
                            + " example " + i + " is labelled " + champion.labels[i] + " for the champion and "
                            + challenger.labels[i] + " for the challenger");
                }
            }
        }
    }

    private static void requireLength(String what, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException("expected " + expected + " " + what + " (one per label), got " + length);
        }
    }

    private static void requireNoNaN(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                throw new IllegalArgumentException(what + " must not be NaN, found NaN at example " + i);
            }
        }
    }

    @Override
    public String toString() {
        return "Outcomes[" + labels.length + " examples" + (scores != null ? ", scores" : "")
                + (slices.isEmpty() ? "" : ", slices " + slices.keySet()) + "]";
    }
}
