package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KllSketchTest {
    private static final int K = ProfileOptions.DEFAULT_SKETCH_K;
    private static final int[] PERCENTS = new int[101];

    static {
        for (int i = 0; i <= 100; i++) {
            PERCENTS[i] = i;
        }
    }

    /**
     * Every percentile of every sketch stays within the documented bound. The bound holds per query with 99%
     * confidence, so the examples come from a fixed seed (the sketch's own seed varies with the example); with 300
     * trials of 99 percentiles the worst error seen was 0.011 against a bound of 0.0133.
     */
    @Test
    void shouldKeepEveryPercentileWithinTheRankErrorBound() {
        qt().withFixedSeed(20240501L)
                .withExamples(150)
                .forAll(integers().between(1, 40_000), integers().between(0, 4), longs().all())
                .checkAssert((n, shape, seed) -> {
                    double[] data = data(n, shape, seed);
                    KllSketch sketch = new KllSketch(K, seed);
                    for (double x : data) {
                        sketch.add(x);
                    }
                    double[] sorted = data.clone();
                    Arrays.sort(sorted);
                    double[] ps = sketch.percentiles(PERCENTS);
                    double bound = sketch.isExact() ? 0 : KllSketch.rankErrorBound(K);
                    for (int p = 0; p <= 100; p++) {
                        assertThat(Expected.rankError(sorted, ps[p], p))
                                .as("n=%d shape=%d p%d", n, shape, p)
                                .isLessThanOrEqualTo(bound);
                    }
                    assertThat(sketch.count()).isEqualTo((long) n);
                });
    }

    @Test
    void shouldMeetTheBoundForTheMedianInAtLeast99PercentOfSeeds() {
        double[] data = data(30_000, 0, 7);
        double[] sorted = data.clone();
        Arrays.sort(sorted);
        int within = 0;
        int trials = 200;
        for (int seed = 0; seed < trials; seed++) {
            KllSketch sketch = new KllSketch(K, seed);
            for (double x : data) {
                sketch.add(x);
            }
            double median = sketch.percentiles(new int[] {50})[0];
            if (Expected.rankError(sorted, median, 50) <= KllSketch.rankErrorBound(K)) {
                within++;
            }
        }
        assertThat(within).isGreaterThanOrEqualTo(trials * 99 / 100);
    }

    @Test
    void shouldBeExactUntilItCompacts() {
        KllSketch sketch = new KllSketch(K, 1);
        for (int i = 100; i >= 1; i--) {
            sketch.add(i);
        }
        assertThat(sketch.isExact()).isTrue();
        // percentile p of 1..100 is the smallest value whose rank reaches p: the value p itself
        double[] ps = sketch.percentiles(PERCENTS);
        for (int p = 1; p <= 100; p++) {
            assertThat(ps[p]).isEqualTo(p);
        }
    }

    @Test
    void shouldRetainBoundedMemoryWhateverTheCount() {
        KllSketch sketch = new KllSketch(K, 3);
        SplittableRandom rnd = new SplittableRandom(3);
        int maxRetained = 0;
        long n = 3_000_000;
        for (long i = 0; i < n; i++) {
            sketch.add(rnd.nextDouble());
            maxRetained = Math.max(maxRetained, sketch.retained());
        }
        assertThat(sketch.isExact()).isFalse();
        double log2 = Math.log((double) n / K) / Math.log(2);
        assertThat(maxRetained).isLessThanOrEqualTo((int) (3 * K + 8 * log2));
    }

    @Test
    void shouldBeDeterministicForASeed() {
        double[] data = data(50_000, 1, 11);
        KllSketch a = new KllSketch(K, 5);
        KllSketch b = new KllSketch(K, 5);
        for (double x : data) {
            a.add(x);
            b.add(x);
        }
        assertThat(a.percentiles(PERCENTS)).containsExactly(b.percentiles(PERCENTS));
    }

    @Test
    void shouldRejectTooSmallKAndEmptyQueries() {
        assertThatThrownBy(() -> new KllSketch(KllSketch.MIN_WIDTH - 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be at least");
        assertThatThrownBy(() -> new KllSketch(K, 0).percentiles(PERCENTS)).isInstanceOf(IllegalStateException.class);
    }

    /** Uniform, ascending, descending, normal with few distinct values, or one repeated value. */
    static double[] data(int n, int shape, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            switch (shape) {
                case 0:
                    out[i] = rnd.nextDouble();
                    break;
                case 1:
                    out[i] = i;
                    break;
                case 2:
                    out[i] = n - i;
                    break;
                case 3:
                    out[i] = Math.rint(rnd.nextDouble() * 20);
                    break;
                default:
                    out[i] = 42;
                    break;
            }
        }
        return out;
    }
}
