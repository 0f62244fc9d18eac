package org.mlops4j.compare;

import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Two equally good binary classifiers on the same examples, for calibrating AUC significance: label 1 with a given
 * prevalence; each model's score is {@code μ·label + e} with standard normal noise, and the two models' noises
 * correlate with ρ. Both models then have the same AUC Φ(μ/√2) in the population, so a significance rule that
 * promotes one of them is wrong.
 */
final class BinormalPairs {
    /** μ for a population AUC of 0.753: μ = √2 Φ⁻¹(0.753). */
    static final double MU = Math.sqrt(2) * NormalDistribution.of(0, 1).inverseCumulativeProbability(0.753);
    /** The correlation of the two models' score noise. */
    static final double RHO = 0.75;

    private BinormalPairs() {}

    /**
     * Draws one pair: the champion's and the challenger's outcomes, with exactly {@code positives} examples of label
     * 1 (placed at random), so that the minority count is fixed by design.
     */
    static Outcomes[] draw(SplittableRandom r, int n, int positives) {
        double[] y = new double[n];
        int placed = 0;
        while (placed < positives) {
            int i = r.nextInt(n);
            if (y[i] == 0) {
                y[i] = 1;
                placed++;
            }
        }
        double[] a = new double[n];
        double[] b = new double[n];
        double other = Math.sqrt(1 - RHO * RHO);
        for (int i = 0; i < n; i++) {
            double z1 = gaussian(r);
            double z2 = gaussian(r);
            a[i] = MU * y[i] + z1;
            b[i] = MU * y[i] + RHO * z1 + other * z2;
        }
        return new Outcomes[] {
            Outcomes.of(y, y).withScores(a), Outcomes.of(y, y).withScores(b)
        };
    }

    private static double gaussian(SplittableRandom r) {
        // Box–Muller, one of the pair: plenty for a simulation
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
