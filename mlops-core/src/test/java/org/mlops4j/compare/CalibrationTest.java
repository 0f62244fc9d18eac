package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * Calibration of the significance rules against a stated model.
 *
 * <p>The model: n = 20,000 examples; the champion is right on each with probability 0.85; the challenger agrees with
 * the champion (both right or both wrong) on 90% of examples. Of the 10% where they disagree, only the challenger
 * is right with probability c = 0.05 + Δ/2 and only the champion with b = 0.05 − Δ/2, so the challenger's accuracy is 0.85 + Δ. With Δ = 0 there
 * is no real gain; with Δ = 0.01 there is a one-point gain. α = 0.05 two-sided, so a no-better challenger should be
 * promoted 2.5% of the time. Each scenario runs 1,000 independent pairs.
 */
@org.junit.jupiter.api.Tag("statistical")
class CalibrationTest {
    private static final int N = 20_000;
    private static final int PAIRS = 1_000;
    private static final int RESAMPLES = 400;

    /** Promotion counts of: bootstrap, McNemar, naive new ≥ old. */
    private static int[] promotions(double gain, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double c = 0.05 + gain / 2;
        double b = 0.05 - gain / 2;
        double bothRight = 0.85 - b;
        int[] promoted = new int[3];
        double[] y = new double[N];
        ComparisonPolicy naive = Policies.metric("accuracy").higherIsBetter().minAbsoluteGain(0);
        ComparisonPolicy mcNemar = Policies.significantGain("accuracy").mcNemar();
        for (int pair = 0; pair < PAIRS; pair++) {
            double[] champ = new double[N];
            double[] chal = new double[N];
            for (int i = 0; i < N; i++) {
                double u = r.nextDouble();
                boolean champRight = u < bothRight || (u >= bothRight + c && u < bothRight + c + b);
                boolean chalRight = u < bothRight + c;
                champ[i] = champRight ? 0 : 1; // labels are all 0
                chal[i] = chalRight ? 0 : 1;
            }
            Evaluation a = Fixtures.eval("m@1", Outcomes.of(y, champ));
            Evaluation h = Fixtures.eval("m@2", Outcomes.of(y, chal));
            ComparisonPolicy bootstrap = Policies.significantGain("accuracy")
                    .pairedBootstrap(RESAMPLES)
                    .seed(seed * PAIRS + pair);
            promoted[0] += bootstrap.compare(a, h).isPromote() ? 1 : 0;
            promoted[1] += mcNemar.compare(a, h).isPromote() ? 1 : 0;
            promoted[2] += naive.compare(a, h).isPromote() ? 1 : 0;
        }
        return promoted;
    }

    /** Power of a Wald-type rule (the percentile bootstrap is one, asymptotically) for a gain Δ. */
    private static double waldPower(double gain) {
        double c = 0.05 + gain / 2;
        double b = 0.05 - gain / 2;
        double se = Math.sqrt((c + b - gain * gain) / N);
        double z = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.975);
        return NormalDistribution.of(0, 1).cumulativeProbability(gain / se - z);
    }

    /** Exact power of McNemar's exact test: sum over discordant counts d of P(d) · P(C ≥ critical(d)). */
    private static double mcNemarPower(double gain) {
        double c = 0.05 + gain / 2;
        double d = 0.10;
        BinomialDistribution discordant = BinomialDistribution.of(N, d);
        double power = 0;
        for (int k = 1; k <= 6_000; k++) {
            double pk = discordant.probability(k);
            if (pk < 1e-300) {
                continue;
            }
            // smallest x with P(X >= x | Bin(k, 1/2)) < α/2, i.e. promoted when C >= x
            BinomialDistribution fair = BinomialDistribution.of(k, 0.5);
            int x = fair.inverseSurvivalProbability(0.025) + 1;
            while (x > 0 && fair.survivalProbability(x - 2) < 0.025) {
                x--;
            }
            while (fair.survivalProbability(x - 1) >= 0.025) {
                x++;
            }
            power += pk * BinomialDistribution.of(k, c / d).survivalProbability(x - 1);
        }
        return power;
    }

    @Test
    void shouldPromoteANoBetterModelAtTheStatedRateWhileNaiveRulePromotesHalf() {
        int[] promoted = promotions(0, 1);
        BinomialDistribution nominal = BinomialDistribution.of(PAIRS, 0.025);
        int low = nominal.inverseCumulativeProbability(0.005);
        int high = nominal.inverseCumulativeProbability(0.995);
        IntFunction<String> rate = k -> k + "/" + PAIRS;
        System.out.printf(
                "calibration, no gain: bootstrap %s, McNemar %s, naive %s; 99%% band [%d, %d]%n",
                rate.apply(promoted[0]), rate.apply(promoted[1]), rate.apply(promoted[2]), low, high);
        assertThat(promoted[0]).as("bootstrap promotions").isBetween(low, high);
        assertThat(promoted[1]).as("McNemar promotions").isBetween(low, high);
        assertThat(promoted[2]).as("naive new >= old promotions").isBetween(450, 560);
    }

    @Test
    void shouldPromoteARealOnePointGainAtTheAnalyticPower() {
        int[] promoted = promotions(0.01, 2);
        double wald = waldPower(0.01);
        double exact = mcNemarPower(0.01);
        System.out.printf(
                "calibration, +1 point: bootstrap %d/%d (analytic %.4f), McNemar %d/%d (exact %.4f), naive %d/%d%n",
                promoted[0], PAIRS, wald, promoted[1], PAIRS, exact, promoted[2], PAIRS);
        assertThat(wald).isBetween(0.99, 0.995);
        assertThat(promoted[0] / (double) PAIRS).isBetween(wald - 0.04, wald + 0.04);
        assertThat(promoted[1] / (double) PAIRS).isBetween(exact - 0.04, exact + 0.04);
    }

    @Test
    void shouldMatchAnalyticPowerWhenTheGainIsHalfAPoint() {
        // a sharper check where power is far from 0 and 1: McNemar only, which needs no resampling
        double exact = mcNemarPower(0.005);
        SplittableRandom r = new SplittableRandom(3);
        ComparisonPolicy mcNemar = Policies.significantGain("accuracy").mcNemar();
        double[] y = new double[N];
        int promoted = 0;
        for (int pair = 0; pair < PAIRS; pair++) {
            double[] champ = new double[N];
            double[] chal = new double[N];
            for (int i = 0; i < N; i++) {
                double u = r.nextDouble();
                // both right 0.8025, only challenger 0.0525, only champion 0.0475, both wrong 0.0975
                champ[i] = u < 0.8025 || (u >= 0.855 && u < 0.9025) ? 0 : 1;
                chal[i] = u < 0.855 ? 0 : 1;
            }
            promoted += mcNemar.compare(
                                    Fixtures.eval("m@1", Outcomes.of(y, champ)),
                                    Fixtures.eval("m@2", Outcomes.of(y, chal)))
                            .isPromote()
                    ? 1
                    : 0;
        }
        System.out.printf(
                "calibration, +0.5 point: McNemar %d/%d (exact %.4f, Wald %.4f)%n",
                promoted, PAIRS, exact, waldPower(0.005));
        assertThat(exact).isBetween(0.5, 0.7);
        assertThat(promoted / (double) PAIRS).isBetween(exact - 0.04, exact + 0.04);
    }
}
