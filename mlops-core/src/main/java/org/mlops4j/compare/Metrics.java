package org.mlops4j.compare;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Standard classification and regression metrics computed from labels and predictions, for filling an
 * {@link Evaluation}. Binary metrics treat {@code 1} as the positive class.
 *
 * <p>Stateless and thread-safe. Example:
 *
 * <pre>{@code
 * Evaluation evaluation = Evaluation.builder(model, holdout)
 *         .outcomes(outcomes)
 *         .metrics(Metrics.classification(outcomes))
 *         .build();
 * }</pre>
 */
public final class Metrics {
    private Metrics() {}

    /**
     * Returns accuracy, precision, recall and F1 (binary labels only), and, when the outcomes have scores, AUC and,
     * when the scores are probabilities (all in [0, 1]), log-loss and the Brier score, keyed {@code accuracy},
     * {@code precision}, {@code recall}, {@code f1}, {@code auc}, {@code log_loss} and {@code brier}.
     *
     * @param outcomes a classifier's outcomes
     * @return the metrics, in that order
     */
    public static Map<String, Double> classification(Outcomes outcomes) {
        double[] y = outcomes.labels();
        double[] p = outcomes.predictions();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy(y, p));
        boolean binary = isBinary(y) && isBinary(p);
        if (binary) {
            m.put("precision", precision(y, p));
            m.put("recall", recall(y, p));
            m.put("f1", f1(y, p));
        }
        if (outcomes.hasScores() && isBinary(y)) {
            double[] s = outcomes.requireScores("auc");
            m.put("auc", auc(y, s));
            if (MeanMetric.areProbabilities(s)) { // scores may be any monotone score; these two need probabilities
                m.put("log_loss", logLoss(y, s));
                m.put("brier", brier(y, s));
            }
        }
        return m;
    }

    /**
     * Returns MSE, RMSE, MAE and R², keyed {@code mse}, {@code rmse}, {@code mae} and {@code r2}.
     *
     * @param outcomes a regression's outcomes
     * @return the metrics, in that order
     */
    public static Map<String, Double> regression(Outcomes outcomes) {
        double[] y = outcomes.labels();
        double[] p = outcomes.predictions();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse", mse(y, p));
        m.put("rmse", rmse(y, p));
        m.put("mae", mae(y, p));
        m.put("r2", r2(y, p));
        return m;
    }

    /**
     * Returns the share of predictions equal to their label.
     *
     * @param labels the labels
     * @param predictions the predictions
     * @return accuracy in [0, 1]
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double accuracy(double[] labels, double[] predictions) {
        check(labels, predictions);
        long right = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == predictions[i]) {
                right++;
            }
        }
        return (double) right / labels.length;
    }

    /**
     * Returns precision: true positives over predicted positives (NaN if nothing was predicted positive).
     *
     * @param labels binary labels
     * @param predictions binary predictions
     * @return precision
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double precision(double[] labels, double[] predictions) {
        long[] c = confusion(labels, predictions);
        return (double) c[0] / (c[0] + c[1]);
    }

    /**
     * Returns recall: true positives over actual positives (NaN if there are none).
     *
     * @param labels binary labels
     * @param predictions binary predictions
     * @return recall
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double recall(double[] labels, double[] predictions) {
        long[] c = confusion(labels, predictions);
        return (double) c[0] / (c[0] + c[2]);
    }

    /**
     * Returns F1, the harmonic mean of precision and recall: {@code 2tp / (2tp + fp + fn)} (NaN if all are 0).
     *
     * @param labels binary labels
     * @param predictions binary predictions
     * @return F1
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double f1(double[] labels, double[] predictions) {
        long[] c = confusion(labels, predictions);
        return 2.0 * c[0] / (2.0 * c[0] + c[1] + c[2]);
    }

    /**
     * Returns the area under the ROC curve; tied scores count one half (the Mann–Whitney statistic).
     *
     * @param labels binary labels 0 or 1
     * @param scores scores of class 1
     * @return AUC in [0, 1], NaN if only one class occurs
     * @throws IllegalArgumentException if the arrays are empty or of different lengths, or a label is not 0 or 1
     */
    public static double auc(double[] labels, double[] scores) {
        check(labels, scores);
        int[] ones = new int[labels.length];
        Arrays.fill(ones, 1);
        return AucMetric.INSTANCE
                .bind(Outcomes.of(labels, scores).withScores(scores))
                .value(ones);
    }

    /**
     * Returns the log-loss (cross-entropy) of binary scores, clipped to [1e-15, 1 - 1e-15].
     *
     * @param labels binary labels 0 or 1
     * @param scores probabilities of class 1
     * @return the log-loss
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     * @throws InvalidScoreException if a score is not a probability (NaN, infinite, or outside [0, 1])
     */
    public static double logLoss(double[] labels, double[] scores) {
        return mean(MeanMetric.LOG_LOSS, labels, scores);
    }

    /**
     * Returns the Brier score: the mean squared difference of probability and label.
     *
     * @param labels binary labels 0 or 1
     * @param scores probabilities of class 1
     * @return the Brier score
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     * @throws InvalidScoreException if a score is not a probability (NaN, infinite, or outside [0, 1])
     */
    public static double brier(double[] labels, double[] scores) {
        return mean(MeanMetric.BRIER, labels, scores);
    }

    /**
     * Returns the mean squared error.
     *
     * @param labels the true values
     * @param predictions the predictions
     * @return the MSE
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double mse(double[] labels, double[] predictions) {
        check(labels, predictions);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double d = labels[i] - predictions[i];
            sum += d * d;
        }
        return sum / labels.length;
    }

    /**
     * Returns the root mean squared error.
     *
     * @param labels the true values
     * @param predictions the predictions
     * @return the RMSE
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double rmse(double[] labels, double[] predictions) {
        return Math.sqrt(mse(labels, predictions));
    }

    /**
     * Returns the mean absolute error.
     *
     * @param labels the true values
     * @param predictions the predictions
     * @return the MAE
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double mae(double[] labels, double[] predictions) {
        check(labels, predictions);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            sum += Math.abs(labels[i] - predictions[i]);
        }
        return sum / labels.length;
    }

    /**
     * Returns the coefficient of determination R² = 1 − SS_res / SS_tot (NaN if the labels are constant).
     *
     * @param labels the true values
     * @param predictions the predictions
     * @return R²
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double r2(double[] labels, double[] predictions) {
        check(labels, predictions);
        double mean = Arrays.stream(labels).average().orElseThrow();
        double res = 0;
        double tot = 0;
        for (int i = 0; i < labels.length; i++) {
            res += (labels[i] - predictions[i]) * (labels[i] - predictions[i]);
            tot += (labels[i] - mean) * (labels[i] - mean);
        }
        return tot == 0 ? Double.NaN : 1 - res / tot;
    }

    private static double mean(MeanMetric metric, double[] labels, double[] scores) {
        check(labels, scores);
        double[] probabilities = metric.requireProbabilities(scores);
        double[] v = metric.values(Outcomes.of(labels, probabilities).withScores(probabilities));
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Returns {tp, fp, fn, tn}. */
    private static long[] confusion(double[] labels, double[] predictions) {
        check(labels, predictions);
        long[] c = new long[4];
        for (int i = 0; i < labels.length; i++) {
            boolean actual = labels[i] == 1;
            boolean predicted = predictions[i] == 1;
            c[actual ? (predicted ? 0 : 2) : (predicted ? 1 : 3)]++;
        }
        return c;
    }

    private static boolean isBinary(double[] values) {
        for (double v : values) {
            if (v != 0 && v != 1) {
                return false;
            }
        }
        return true;
    }

    private static void check(double[] a, double[] b) {
        Objects.requireNonNull(a, "labels");
        Objects.requireNonNull(b, "predictions");
        if (a.length == 0 || a.length != b.length) {
            throw new IllegalArgumentException("metrics need equally long, non-empty arrays, got " + a.length
                    + " labels and " + b.length + " predictions or scores");
        }
    }
}
