package org.mlops4j.compare;

/**
 * A score that a metric cannot use: log-loss and the Brier score need probabilities, so a score that is NaN,
 * infinite, or outside [0, 1] (a margin or a logit passed where a probability belongs) is rejected instead of
 * yielding an infinite or meaningless metric. AUC takes any finite or infinite score, since it only ranks them.
 *
 * <p>Thrown when the metric is computed: by {@link Metrics#logLoss}, {@link Metrics#brier}, and by significance and
 * slice rules on those metrics.
 */
public final class InvalidScoreException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String metric;
    private final int example;
    private final double score;

    InvalidScoreException(String metric, int example, double score) {
        super(metric + " needs probabilities in [0, 1], but the score of example " + example + " is " + score
                + ": pass the predicted probability of class 1 (apply the sigmoid to a logit or a margin)");
        this.metric = metric;
        this.example = example;
        this.score = score;
    }

    /** Returns the name of the metric that rejected the score. */
    public String getMetric() {
        return metric;
    }

    /** Returns the index of the first example whose score was rejected. */
    public int getExample() {
        return example;
    }

    /** Returns the rejected score. */
    public double getScore() {
        return score;
    }
}
