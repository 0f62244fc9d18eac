package org.mlops4j.compare;

import java.util.Objects;

/** A metric that is the mean of a per-example value; the bootstrap sums differences of these values directly. */
final class MeanMetric implements ExampleMetric {
    private static final double EPS = 1e-15;

    static final MeanMetric ACCURACY = new MeanMetric("accuracy", true, false, (y, p, s) -> y == p ? 1 : 0);
    static final MeanMetric ERROR_RATE = new MeanMetric("error_rate", false, false, (y, p, s) -> y == p ? 0 : 1);
    static final MeanMetric MSE = new MeanMetric("mse", false, false, (y, p, s) -> (y - p) * (y - p));
    static final MeanMetric MAE = new MeanMetric("mae", false, false, (y, p, s) -> Math.abs(y - p));
    static final MeanMetric LOG_LOSS = new MeanMetric("log_loss", false, true, (y, p, s) -> {
        double q = Math.min(Math.max(s, EPS), 1 - EPS);
        return -(y * Math.log(q) + (1 - y) * Math.log1p(-q));
    });
    static final MeanMetric BRIER = new MeanMetric("brier", false, true, (y, p, s) -> (s - y) * (s - y));

    private final String name;
    private final boolean higherIsBetter;
    private final boolean needsScores;
    private final PerExample perExample;

    MeanMetric(String name, boolean higherIsBetter, boolean needsScores, PerExample perExample) {
        this.name = Objects.requireNonNull(name, "name");
        this.higherIsBetter = higherIsBetter;
        this.needsScores = needsScores;
        this.perExample = Objects.requireNonNull(perExample, "perExample");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isHigherBetter() {
        return higherIsBetter;
    }

    /** Returns each example's value. */
    double[] values(Outcomes outcomes) {
        double[] y = outcomes.labels();
        double[] p = outcomes.predictions();
        double[] s = needsScores ? requireProbabilities(outcomes.requireScores(name)) : null;
        double[] v = new double[y.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = perExample.value(y[i], p[i], s == null ? Double.NaN : s[i]);
        }
        return v;
    }

    /** Returns true when every score is a probability: finite and in [0, 1]. */
    static boolean areProbabilities(double[] scores) {
        for (double x : scores) {
            if (!(x >= 0 && x <= 1)) {
                return false;
            }
        }
        return true;
    }

    /** Returns the scores if every one is a probability; else throws naming the first that is not. */
    double[] requireProbabilities(double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (!(scores[i] >= 0 && scores[i] <= 1)) {
                throw new InvalidScoreException(name, i, scores[i]);
            }
        }
        return scores;
    }

    @Override
    public Bound bind(Outcomes outcomes) {
        double[] v = values(outcomes);
        return counts -> {
            double sum = 0;
            long total = 0;
            for (int i = 0; i < v.length; i++) {
                int c = counts[i];
                if (c != 0) {
                    sum += c * v[i];
                    total += c;
                }
            }
            return total == 0 ? Double.NaN : sum / total;
        };
    }

    @Override
    public String toString() {
        return name + (higherIsBetter ? " (higher is better)" : " (lower is better)");
    }
}
