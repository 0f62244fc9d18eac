package org.mlops4j.compare;

import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.BinomialDistribution;

/**
 * The simulation behind {@link SignificanceRule#DEFAULT_MIN_PER_CLASS}: how often the paired bootstrap (2,000
 * resamples, 95%) promotes an equally good challenger ({@link BinormalPairs}) as the number of positives grows, at two
 * prevalences. Not a test (it takes minutes); run it with
 *
 * <pre>
 * ./mvnw -o -q -pl mlops-core test-compile
 * java -Djava.util.concurrent.ForkJoinPool.common.parallelism=1 \
 *     -cp mlops-core/target/test-classes:mlops-core/target/classes:$(cat cp.txt) \
 *     org.mlops4j.compare.AucMinimumPerClassSimulation 2000 15,20,30,40,50
 * </pre>
 *
 * <p>Arguments: pairs per point (default 2,000) and a comma-separated list of positive counts.
 */
final class AucMinimumPerClassSimulation {
    private AucMinimumPerClassSimulation() {}

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        String counts = args.length > 1 ? args[1] : "15,20,30,40,50";
        double[] prevalences = {0.1, 0.02};
        BinomialDistribution nominal = BinomialDistribution.of(pairs, 0.025);
        System.out.printf(
                Locale.ROOT,
                "%d pairs per point; 99%% band around 2.5%%: [%d, %d]%n",
                pairs,
                nominal.inverseCumulativeProbability(0.005),
                nominal.inverseCumulativeProbability(0.995));
        for (String c : counts.split(",")) {
            int positives = Integer.parseInt(c.trim());
            for (double prevalence : prevalences) {
                int n = (int) Math.round(positives / prevalence);
                long start = System.nanoTime();
                int promoted = promotions(n, positives, pairs, 2_000, 17L * positives + n);
                System.out.printf(
                        Locale.ROOT,
                        "positives %3d, prevalence %.2f, n %6d: %4d of %d promoted (%.2f%%), %.0f s%n",
                        positives,
                        prevalence,
                        n,
                        promoted,
                        pairs,
                        100.0 * promoted / pairs,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Returns how many of {@code pairs} equally good challengers the AUC rule promotes, with no minimum per class. */
    static int promotions(int n, int positives, int pairs, int resamples, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int promoted = 0;
        for (int pair = 0; pair < pairs; pair++) {
            Outcomes[] o = BinormalPairs.draw(r, n, positives);
            SignificanceRule rule = Policies.significantGain("auc")
                    .pairedBootstrap(resamples)
                    .seed(seed * 1_000_003L + pair)
                    .minSampleSize(1)
                    .minPerClass(1);
            if (rule.compare(Fixtures.eval("m@1", o[0]), Fixtures.eval("m@2", o[1]))
                    .isPromote()) {
                promoted++;
            }
        }
        return promoted;
    }
}
