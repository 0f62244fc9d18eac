package org.mlops4j.compare;

import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;

/**
 * McNemar's test for two classifiers on the same examples, in its exact form: given the {@code d = b + c} discordant
 * examples ({@code b}: only the champion is right, {@code c}: only the challenger is right), {@code c ~ Binomial(d, ½)}
 * under the null hypothesis. The exact binomial test is valid for any number of discordant examples (the chi-square
 * form with continuity correction needs about 25 or more and only approximates this test), and it is dual to the
 * Clopper–Pearson interval of {@code π = c / d}, which gives an interval of the accuracy gain
 * {@code (2π − 1) d / n} consistent with the p-value: the lower end is above zero exactly when the two-sided p-value is
 * below α and {@code c > b}.
 */
final class McNemar {
    private McNemar() {}

    /** The counts and the test's result. */
    record Result(int n, int onlyChampion, int onlyChallenger, double pValue, double lowerGain, double upperGain) {}

    static Result test(double[] labels, double[] championPredictions, double[] challengerPredictions, double alpha) {
        int n = labels.length;
        int b = 0;
        int c = 0;
        for (int i = 0; i < n; i++) {
            boolean champion = championPredictions[i] == labels[i];
            boolean challenger = challengerPredictions[i] == labels[i];
            if (champion && !challenger) {
                b++;
            } else if (challenger && !champion) {
                c++;
            }
        }
        int d = b + c;
        if (d == 0) {
            return new Result(n, 0, 0, 1.0, 0.0, 0.0);
        }
        double p = BinomialTest.withDefaults()
                .with(AlternativeHypothesis.TWO_SIDED)
                .test(d, c, 0.5)
                .getPValue();
        double lowerPi = c == 0 ? 0 : BetaDistribution.of(c, d - c + 1.0).inverseCumulativeProbability(alpha / 2);
        double upperPi = c == d ? 1 : BetaDistribution.of(c + 1.0, d - c).inverseCumulativeProbability(1 - alpha / 2);
        double scale = (double) d / n;
        return new Result(n, b, c, p, (2 * lowerPi - 1) * scale, (2 * upperPi - 1) * scale);
    }
}
