package org.mlops4j.compare;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * The paired bootstrap of a metric's gain: resample examples with replacement (the same examples for both models),
 * compute the metric of both models on each resample, and take the percentiles of the gain.
 *
 * <p>Any {@link ExampleMetric} works, because a resample is given to the metric as per-example multiplicities. Means of
 * a per-example value ({@link ExampleMetric#mean}, accuracy, MSE, log-loss, …) are summed over the drawn examples
 * directly; AUC is one O(n) pass over a fixed score order per resample and model, with the examples numbered in the
 * champion's score order so that the champion's pass reads the resample's counts sequentially.
 *
 * <p>The interval is the percentile interval (the {@code α/2} and {@code 1 − α/2} quantiles of the resampled gains,
 * linear interpolation, Hyndman–Fan type 7, as SciPy's {@code method='percentile'}).
 *
 * <p>Resamples run in parallel in fixed blocks of {@value #BLOCK}, on the common fork/join pool and the calling thread;
 * each block draws from its own {@link SplittableRandom} seeded from the master seed by block number, so the result
 * depends on the seed only, never on thread scheduling. Indices are drawn with Lemire's unbiased multiply-and-reject
 * method.
 *
 * <p>Immutable and thread-safe. Example:
 *
 * <pre>{@code
 * BootstrapResult r = PairedBootstrap.of(ExampleMetric.auc()).resamples(2_000).seed(42).run(champion, challenger);
 * }</pre>
 */
public final class PairedBootstrap {
    /** The seed used unless another is set. */
    public static final long DEFAULT_SEED = 0x6d6c6f7073346aL;

    static final int BLOCK = 20;

    private final ExampleMetric metric;
    private final int resamples;
    private final double confidence;
    private final long seed;

    private PairedBootstrap(ExampleMetric metric, int resamples, double confidence, long seed) {
        this.metric = metric;
        this.resamples = resamples;
        this.confidence = confidence;
        this.seed = seed;
    }

    /**
     * Starts a bootstrap of a metric with 2,000 resamples, 95% confidence and {@link #DEFAULT_SEED}.
     *
     * @param metric the metric
     * @return the bootstrap
     * @throws NullPointerException if {@code metric} is null
     */
    public static PairedBootstrap of(ExampleMetric metric) {
        return new PairedBootstrap(Objects.requireNonNull(metric, "metric"), 2_000, 0.95, DEFAULT_SEED);
    }

    /**
     * Returns a bootstrap with another number of resamples.
     *
     * @param count the number of resamples, at least 10
     * @return a new bootstrap
     * @throws IllegalArgumentException if the count is below 10
     */
    public PairedBootstrap resamples(int count) {
        if (count < 10) {
            throw new IllegalArgumentException("a bootstrap needs at least 10 resamples, got " + count);
        }
        return new PairedBootstrap(metric, count, confidence, seed);
    }

    /**
     * Returns a bootstrap with another confidence (1 − α) for its two-sided interval.
     *
     * @param level the confidence, strictly between 0 and 1
     * @return a new bootstrap
     * @throws IllegalArgumentException if the level is not strictly between 0 and 1
     */
    public PairedBootstrap confidence(double level) {
        return new PairedBootstrap(metric, resamples, requireConfidence(level), seed);
    }

    /**
     * Returns a bootstrap with another seed.
     *
     * @param value the seed
     * @return a new bootstrap
     */
    public PairedBootstrap seed(long value) {
        return new PairedBootstrap(metric, resamples, confidence, value);
    }

    /**
     * Runs the bootstrap.
     *
     * @param champion the champion's outcomes
     * @param challenger the challenger's outcomes, on the same examples in the same order
     * @return the observed gain and its interval
     * @throws IllegalArgumentException if the outcomes have different sizes or labels, or do not suit the metric
     * @throws IllegalStateException if the outcomes lack what the metric needs (scores)
     */
    public BootstrapResult run(Outcomes champion, Outcomes challenger) {
        Objects.requireNonNull(champion, "champion");
        Objects.requireNonNull(challenger, "challenger");
        Outcomes.requirePaired(champion, challenger);
        int n = challenger.size();
        double sign = metric.isHigherBetter() ? 1 : -1;
        double[] gains = new double[resamples];
        double championValue;
        double challengerValue;
        long[] seeds = blockSeeds();
        if (metric instanceof MeanMetric mean) {
            double[] vc = mean.values(champion);
            double[] vn = mean.values(challenger);
            championValue = mean(vc);
            challengerValue = mean(vn);
            double[] delta = new double[n];
            boolean small = true;
            for (int i = 0; i < n; i++) {
                delta[i] = sign * (vn[i] - vc[i]);
                small &= delta[i] == Math.rint(delta[i]) && Math.abs(delta[i]) <= 127;
            }
            if (small) {
                byte[] d8 = new byte[n];
                for (int i = 0; i < n; i++) {
                    d8[i] = (byte) delta[i];
                }
                forEachBlock(seeds, (rng, from, to) -> {
                    for (int b = from; b < to; b++) {
                        gains[b] = (double) sumBytes(rng, d8) / n;
                    }
                });
            } else {
                forEachBlock(seeds, (rng, from, to) -> {
                    for (int b = from; b < to; b++) {
                        gains[b] = sumDoubles(rng, delta) / n;
                    }
                });
            }
        } else {
            ExampleMetric.Bound c;
            ExampleMetric.Bound h;
            if (metric instanceof AucMetric) { // both indexed by the champion's score order
                SmallCountsBound[] pair = AucMetric.bindPair(champion, challenger);
                c = pair[0];
                h = pair[1];
            } else {
                c = metric.bind(champion);
                h = metric.bind(challenger);
            }
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            championValue = c.value(ones);
            challengerValue = h.value(ones);
            if (c instanceof SmallCountsBound c8 && h instanceof SmallCountsBound h8) {
                forEachBlock(seeds, (rng, from, to) -> {
                    byte[] counts = new byte[n];
                    int[] wide = null;
                    for (int b = from; b < to; b++) {
                        long resampleSeed = rng.nextLong();
                        Arrays.fill(counts, (byte) 0);
                        if (drawSmall(new SplittableRandom(resampleSeed), counts)) {
                            gains[b] = sign * (h8.value(counts) - c8.value(counts));
                        } else { // a count above 127: redraw the same resample into ints
                            wide = wide == null ? new int[n] : wide;
                            Arrays.fill(wide, 0);
                            draw(new SplittableRandom(resampleSeed), wide);
                            gains[b] = sign * (h.value(wide) - c.value(wide));
                        }
                    }
                });
            } else {
                forEachBlock(seeds, (rng, from, to) -> {
                    int[] counts = new int[n];
                    for (int b = from; b < to; b++) {
                        Arrays.fill(counts, 0);
                        draw(new SplittableRandom(rng.nextLong()), counts);
                        gains[b] = sign * (h.value(counts) - c.value(counts));
                    }
                });
            }
        }
        double lower;
        double upper;
        if (Arrays.stream(gains).anyMatch(Double::isNaN)) {
            lower = Double.NaN;
            upper = Double.NaN;
        } else {
            double alpha = 1 - confidence;
            double[] q = Quantile.withDefaults()
                    .with(Quantile.EstimationMethod.HF7)
                    .withCopy(false)
                    .evaluate(gains, alpha / 2, 1 - alpha / 2);
            lower = q[0];
            upper = q[1];
        }
        double gain = sign * (challengerValue - championValue);
        return new BootstrapResult(
                metric.name(), n, championValue, challengerValue, gain, lower, upper, confidence, resamples, seed);
    }

    /** Returns the metric. */
    public ExampleMetric getMetric() {
        return metric;
    }

    /** Returns the number of resamples. */
    public int getResamples() {
        return resamples;
    }

    /** Returns the confidence of the two-sided interval. */
    public double getConfidence() {
        return confidence;
    }

    /** Returns the seed. */
    public long getSeed() {
        return seed;
    }

    static double requireConfidence(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence must be strictly between 0 and 1, got " + level);
        }
        return level;
    }

    private long[] blockSeeds() {
        SplittableRandom master = new SplittableRandom(seed);
        long[] seeds = new long[(resamples + BLOCK - 1) / BLOCK];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = master.nextLong();
        }
        return seeds;
    }

    @FunctionalInterface
    private interface BlockTask {
        void run(SplittableRandom rng, int from, int to);
    }

    private void forEachBlock(long[] seeds, BlockTask task) {
        IntStream.range(0, seeds.length)
                .parallel()
                .forEach(
                        k -> task.run(new SplittableRandom(seeds[k]), k * BLOCK, Math.min(resamples, (k + 1) * BLOCK)));
    }

    /*
     * Indices are drawn with Lemire's multiply-and-reject method (2019), two 32-bit candidates per nextLong(): the high
     * word of candidate * n is a uniform index unless the low word falls below 2^32 mod n, in which case the candidate
     * is dropped and the next one is used. Every accepted index is exactly uniform and independent. The draw loops
     * below are package-private for PairedBootstrapDrawTest, which pins them at that boundary.
     */
    static int threshold(int n) {
        return Integer.remainderUnsigned(-n, n);
    }

    static long sumBytes(SplittableRandom rng, byte[] d) {
        int n = d.length;
        long nn = n;
        int t = threshold(n);
        long sum = 0;
        int i = 0;
        while (i < n) {
            long bits = rng.nextLong();
            long m = (bits >>> 32) * nn;
            if (Integer.compareUnsigned((int) m, t) >= 0) {
                sum += d[(int) (m >>> 32)];
                i++;
            }
            m = (bits & 0xFFFF_FFFFL) * nn;
            if (i < n && Integer.compareUnsigned((int) m, t) >= 0) {
                sum += d[(int) (m >>> 32)];
                i++;
            }
        }
        return sum;
    }

    // Same draw loop as sumBytes, specialised for double[]: a shared kernel over a functional interface costs a
    // megamorphic call per drawn example on the hottest loop of the bootstrap.
    static double sumDoubles(SplittableRandom rng, double[] d) {
        int n = d.length;
        long nn = n;
        int t = threshold(n);
        double sum = 0;
        int i = 0;
        while (i < n) {
            long bits = rng.nextLong();
            long m = (bits >>> 32) * nn;
            if (Integer.compareUnsigned((int) m, t) >= 0) {
                sum += d[(int) (m >>> 32)];
                i++;
            }
            m = (bits & 0xFFFF_FFFFL) * nn;
            if (i < n && Integer.compareUnsigned((int) m, t) >= 0) {
                sum += d[(int) (m >>> 32)];
                i++;
            }
        }
        return sum;
    }

    static void draw(SplittableRandom rng, int[] counts) {
        int n = counts.length;
        long nn = n;
        int t = threshold(n);
        int i = 0;
        while (i < n) {
            long bits = rng.nextLong();
            long m = (bits >>> 32) * nn;
            if (Integer.compareUnsigned((int) m, t) >= 0) {
                counts[(int) (m >>> 32)]++;
                i++;
            }
            m = (bits & 0xFFFF_FFFFL) * nn;
            if (i < n && Integer.compareUnsigned((int) m, t) >= 0) {
                counts[(int) (m >>> 32)]++;
                i++;
            }
        }
    }

    /** Draws like {@link #draw(SplittableRandom, int[])}; returns false if a count passed 127 (then discard). */
    static boolean drawSmall(SplittableRandom rng, byte[] counts) {
        int n = counts.length;
        long nn = n;
        int t = threshold(n);
        boolean ok = true;
        int i = 0;
        while (i < n) {
            long bits = rng.nextLong();
            long m = (bits >>> 32) * nn;
            if (Integer.compareUnsigned((int) m, t) >= 0) {
                ok &= ++counts[(int) (m >>> 32)] >= 0;
                i++;
            }
            m = (bits & 0xFFFF_FFFFL) * nn;
            if (i < n && Integer.compareUnsigned((int) m, t) >= 0) {
                ok &= ++counts[(int) (m >>> 32)] >= 0;
                i++;
            }
        }
        return ok;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    @Override
    public String toString() {
        return "paired bootstrap of " + metric.name() + " (" + resamples + " resamples, "
                + Finding.fmt(confidence * 100) + "% percentile interval, seed " + seed + ")";
    }
}
