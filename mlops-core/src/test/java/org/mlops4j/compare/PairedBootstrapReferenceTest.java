package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.statistics.descriptive.Quantile;
import org.junit.jupiter.api.Test;

/**
 * Pins the paired bootstrap to a second, plain implementation of its documented procedure (issue 17, item 7: the fast
 * tests did not pin the bootstrap; 75 of 161 mutants survived). The reference draws each resample's indices one by one
 * with Lemire's method from the documented random streams (a master stream of block seeds; per block, one stream; per
 * resample of a non-mean metric, a stream seeded from the block's; for AUC, positions in the champion's score order)
 * and evaluates the metric on the counts by brute force; the production code's byte-packed, summed and parallel paths must give exactly the same interval.
 */
class PairedBootstrapReferenceTest {

    /** Draws n indices with Lemire's multiply-and-reject, two 32-bit candidates per nextLong(). */
    private static int[] referenceDraw(SplittableRandom rng, int n) {
        int[] counts = new int[n];
        long threshold = Integer.toUnsignedLong(Integer.remainderUnsigned(-n, n));
        int drawn = 0;
        while (drawn < n) {
            long bits = rng.nextLong();
            for (long candidate : new long[] {bits >>> 32, bits & 0xFFFF_FFFFL}) {
                if (drawn == n) {
                    break;
                }
                long m = candidate * n;
                if ((m & 0xFFFF_FFFFL) >= threshold) {
                    counts[(int) (m >>> 32)]++;
                    drawn++;
                }
            }
        }
        return counts;
    }

    private static double mean(double[] values, int[] counts) {
        double sum = 0;
        long total = 0;
        for (int i = 0; i < values.length; i++) {
            sum += counts[i] * values[i];
            total += counts[i];
        }
        return sum / total;
    }

    /** The interval as documented, from gains computed by the reference. */
    private static double[] referenceInterval(
            ExampleMetric metric, Outcomes champion, Outcomes challenger, int resamples, long seed) {
        int n = champion.size();
        double sign = metric.isHigherBetter() ? 1 : -1;
        SplittableRandom master = new SplittableRandom(seed);
        int blocks = (resamples + PairedBootstrap.BLOCK - 1) / PairedBootstrap.BLOCK;
        double[] gains = new double[resamples];
        boolean meanMetric = metric instanceof MeanMetric;
        double[] vc = meanMetric ? ((MeanMetric) metric).values(champion) : null;
        double[] vn = meanMetric ? ((MeanMetric) metric).values(challenger) : null;
        ExampleMetric.Bound bc = metric.bind(champion);
        ExampleMetric.Bound bn = metric.bind(challenger);
        int[] byChampionScore = new int[n];
        if (metric instanceof AucMetric) {
            double[] scores = champion.getScores();
            byChampionScore = java.util.stream.IntStream.range(0, n)
                    .boxed()
                    .sorted(java.util.Comparator.comparingDouble(i -> scores[i] + 0.0))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        for (int k = 0; k < blocks; k++) {
            SplittableRandom block = new SplittableRandom(master.nextLong());
            for (int b = k * PairedBootstrap.BLOCK; b < Math.min(resamples, (k + 1) * PairedBootstrap.BLOCK); b++) {
                if (meanMetric) {
                    int[] counts = referenceDraw(block, n);
                    gains[b] = sign * (mean(vn, counts) - mean(vc, counts));
                } else {
                    int[] drawn = referenceDraw(new SplittableRandom(block.nextLong()), n);
                    int[] counts = drawn;
                    if (metric instanceof AucMetric) { // documented: positions in the champion's score order
                        counts = new int[n];
                        for (int position = 0; position < n; position++) {
                            counts[byChampionScore[position]] = drawn[position];
                        }
                    }
                    gains[b] = sign * (bn.value(counts) - bc.value(counts));
                }
            }
        }
        if (Arrays.stream(gains).anyMatch(Double::isNaN)) {
            return new double[] {Double.NaN, Double.NaN}; // documented: undefined on some resample
        }
        double alpha = 0.05;
        return Quantile.withDefaults().with(Quantile.EstimationMethod.HF7).evaluate(gains, alpha / 2, 1 - alpha / 2);
    }

    private static Outcomes[] pair(long seed, int n, boolean regression) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        double[] a = new double[n];
        double[] b = new double[n];
        double[] sa = new double[n];
        double[] sb = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = regression ? r.nextDouble() * 10 : r.nextInt(2);
            a[i] = regression ? y[i] + r.nextDouble() - 0.5 : r.nextInt(5) == 0 ? 1 - y[i] : y[i];
            b[i] = regression ? y[i] + (r.nextDouble() - 0.5) * 0.8 : r.nextInt(4) == 0 ? 1 - y[i] : y[i];
            // overlapping classes, so that AUC varies between resamples
            sa[i] = Math.min(1, Math.max(0, 0.5 + (y[i] - 0.5) * 0.4 + (r.nextDouble() - 0.5) * 0.8));
            sb[i] = Math.min(1, Math.max(0, 0.5 + (y[i] - 0.5) * 0.5 + (r.nextDouble() - 0.5) * 0.8));
        }
        Outcomes champion = Outcomes.of(y, a);
        Outcomes challenger = Outcomes.of(y, b);
        if (!regression) {
            champion = champion.withScores(sa);
            challenger = challenger.withScores(sb);
        }
        return new Outcomes[] {champion, challenger};
    }

    private static void assertSameInterval(ExampleMetric metric, Outcomes[] o, int resamples, long seed) {
        BootstrapResult r =
                PairedBootstrap.of(metric).resamples(resamples).seed(seed).run(o[0], o[1]);
        double[] expected = referenceInterval(metric, o[0], o[1], resamples, seed);
        // summation order differs from the production's (by draw, by index): equal up to round-off
        assertThat(new double[] {r.lower(), r.upper()})
                .as("%s, n=%d, %d resamples", metric, o[0].size(), resamples)
                .containsExactly(expected, within(1e-12));
        assertThat(r.resamples()).isEqualTo(resamples);
        assertThat(r.seed()).isEqualTo(seed);
        assertThat(r.examples()).isEqualTo(o[0].size());
        if (o[0].size() > 1) {
            assertThat(r.upper() - r.lower()).as("a non-degenerate interval").isNotEqualTo(0.0);
        }
    }

    @Test
    void shouldDrawExactlyTheDocumentedResamplesForEveryPath() {
        // n not a power of two, resamples not a multiple of the block: every loop bound is exercised
        for (int n : new int[] {1, 7, 100, 333}) {
            Outcomes[] classifier = pair(n, n, false);
            Outcomes[] regression = pair(n + 1, n, true);
            assertSameInterval(ExampleMetric.accuracy(), classifier, 57, 11); // byte-summed mean path
            assertSameInterval(ExampleMetric.mse(), regression, 57, 12); // double-summed mean path
            if (n > 1) {
                assertSameInterval(ExampleMetric.auc(), classifier, 57, 13); // byte-counted AUC path
            }
            ExampleMetric median = ExampleMetric.of("median-error", false, outcomes -> counts -> {
                double[] e = new double[Arrays.stream(counts).sum()];
                int k = 0;
                for (int i = 0; i < counts.length; i++) {
                    for (int c = 0; c < counts[i]; c++) {
                        e[k++] = Math.abs(outcomes.getLabels()[i] - outcomes.getPredictions()[i]);
                    }
                }
                Arrays.sort(e);
                return e[e.length / 2];
            });
            assertSameInterval(median, regression, 23, 14); // int-counted generic path
        }
    }

    @Test
    void shouldRedrawIntoIntsWhenAnExampleIsDrawnMoreThan127Times() {
        // with 2 examples, most resamples of n = 2 are small; force large counts with many copies of one example
        int n = 300;
        double[] y = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i == 0 ? 1 : 0;
            s[i] = i == 0 ? 0.9 : i / 1000.0;
        }
        Outcomes a = Outcomes.of(y, y).withScores(s);
        double[] s2 = s.clone();
        s2[5] = 0.95;
        Outcomes b = Outcomes.of(y, y).withScores(s2);
        // byte counts overflow only if an example is drawn 128+ times in 300 draws: never with uniform draws, so the
        // reference agreement here pins the byte path. The redraw path itself is unreachable in practice (about
        // n / 128! per resample) and no test covers it (docs/mutation-report-issue17.md); below, a tiny n
        assertSameInterval(ExampleMetric.auc(), new Outcomes[] {a, b}, 40, 21);
        double[] y3 = {1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0};
        double[] t1 = new double[y3.length];
        double[] t2 = new double[y3.length];
        for (int i = 0; i < y3.length; i++) {
            t1[i] = (i * 7 % 11) / 11.0;
            t2[i] = (i * 5 % 13) / 13.0;
        }
        assertSameInterval(
                ExampleMetric.auc(),
                new Outcomes[] {
                    Outcomes.of(y3, y3).withScores(t1), Outcomes.of(y3, y3).withScores(t2)
                },
                60,
                22);
    }

    @Test
    void shouldReportItsSettingsAndTheResultsVerdictHelpers() {
        PairedBootstrap b = PairedBootstrap.of(ExampleMetric.auc())
                .resamples(30)
                .confidence(0.9)
                .seed(5);
        assertThat(b.getResamples()).isEqualTo(30);
        assertThat(b.getConfidence()).isEqualTo(0.9);
        assertThat(b.getSeed()).isEqualTo(5);
        assertThat(b.getMetric()).isSameAs(ExampleMetric.auc());
        assertThat(b.toString()).isEqualTo("paired bootstrap of auc (30 resamples, 90% percentile interval, seed 5)");
        BootstrapResult gain = new BootstrapResult("m", 10, 0.5, 0.6, 0.1, 0.0001, 0.2, 0.95, 100, 1);
        BootstrapResult zero = new BootstrapResult("m", 10, 0.5, 0.6, 0.1, 0, 0.2, 0.95, 100, 1);
        BootstrapResult loss = new BootstrapResult("m", 10, 0.6, 0.5, -0.1, -0.2, -0.0001, 0.95, 100, 1);
        BootstrapResult edge = new BootstrapResult("m", 10, 0.6, 0.5, -0.1, -0.2, 0, 0.95, 100, 1);
        assertThat(gain.isSignificantGain()).isTrue();
        assertThat(zero.isSignificantGain()).isFalse();
        assertThat(loss.isSignificantGain()).isFalse();
        assertThat(loss.isSignificantLoss()).isTrue();
        assertThat(edge.isSignificantLoss()).isFalse();
        assertThat(gain.isSignificantLoss()).isFalse();
        assertThat(gain.toString())
                .isEqualTo("m: challenger 0.6 vs champion 0.5, gain +0.1 [+0.0001, +0.2] (95% percentile interval,"
                        + " 100 paired resamples of 10, seed 1)");
    }
}
