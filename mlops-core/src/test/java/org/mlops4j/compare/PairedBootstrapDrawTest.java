package org.mlops4j.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins the bootstrap's four draw loops (Lemire's multiply-and-reject) at their one boundary: a candidate whose low
 * word equals the threshold {@code 2^32 mod n} is accepted, one below it is dropped. Random streams reach that
 * boundary once in 2^32 candidates, so {@link PairedBootstrapReferenceTest} cannot tell {@code >=} from {@code >}
 * there (issue 17, item 7: eight such mutants survived). Here the stream's first {@code nextLong()} is chosen: a
 * {@link SplittableRandom} returns {@code mix64(seed + γ)} first, and {@code mix64} is a bijection, so the seed that
 * yields a given word is computed by inverting it. Each test checks that the boundary changes the draw for its seed,
 * so it cannot pass by coincidence.
 */
class PairedBootstrapDrawTest {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    /** n = 3: threshold 2^32 mod 3 = 1, and 3 · 0xAAAAAAAB = 2 · 2^32 + 1, a candidate exactly at the threshold. */
    private static final int N = 3;

    private static final long AT_THRESHOLD = 0xAAAA_AAABL;

    private static long unxorshift(long z, int shift) {
        long x = z;
        for (int i = 0; i < 64 / shift + 1; i++) {
            x = z ^ (x >>> shift);
        }
        return x;
    }

    private static long inverse(long odd) {
        long x = odd; // Newton's iteration doubles the correct low bits: 3, 6, 12, 24, 48, 96
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    /** Returns a seed whose SplittableRandom returns {@code first} from its first nextLong(). */
    static long seedFor(long first) {
        long z = unxorshift(first, 31);
        z *= inverse(0x94d049bb133111ebL);
        z = unxorshift(z, 27);
        z *= inverse(0xbf58476d1ce4e5b9L);
        z = unxorshift(z, 30);
        long seed = z - GOLDEN_GAMMA;
        assertThat(new SplittableRandom(seed).nextLong()).as("inverted mix64").isEqualTo(first);
        return seed;
    }

    /** The documented draw, with the boundary either as documented (accept at the threshold) or one above it. */
    private static int[] indices(long seed, boolean acceptAtThreshold) {
        SplittableRandom rng = new SplittableRandom(seed);
        long t = Integer.toUnsignedLong(Integer.remainderUnsigned(-N, N));
        int[] drawn = new int[N];
        int i = 0;
        while (i < N) {
            long bits = rng.nextLong();
            for (long candidate : new long[] {bits >>> 32, bits & 0xFFFF_FFFFL}) {
                long m = candidate * N;
                long low = m & 0xFFFF_FFFFL;
                if (i < N && (acceptAtThreshold ? low >= t : low > t)) {
                    drawn[i++] = (int) (m >>> 32);
                }
            }
        }
        return drawn;
    }

    private static int[] counts(int[] indices) {
        int[] c = new int[N];
        for (int i : indices) {
            c[i]++;
        }
        return c;
    }

    /**
     * Returns seeds whose first word puts a candidate exactly at the threshold, in the high word (element 0) and in
     * the low word (element 1), each chosen so that dropping that candidate would change the counts drawn.
     */
    private static long[] boundarySeeds() {
        long[] seeds = new long[2];
        for (int word = 0; word < 2; word++) {
            for (long other = 0x100; ; other += 0x1_0000) { // any other candidate that is accepted
                long first = word == 0 ? AT_THRESHOLD << 32 | other : other << 32 | AT_THRESHOLD;
                long seed = seedFor(first);
                if (!Arrays.equals(counts(indices(seed, true)), counts(indices(seed, false)))) {
                    seeds[word] = seed;
                    break;
                }
            }
        }
        return seeds;
    }

    @Test
    void shouldComputeTheRejectionThresholdAsTwoToTheThirtySecondModN() {
        assertThat(PairedBootstrap.threshold(1)).isZero();
        assertThat(PairedBootstrap.threshold(3)).isEqualTo(1);
        assertThat(PairedBootstrap.threshold(7)).isEqualTo(4); // 2^32 = 613,566,756 · 7 + 4
        assertThat(PairedBootstrap.threshold(1_000_000)).isEqualTo(967_296);
        assertThat(PairedBootstrap.threshold(1 << 20)).isZero();
    }

    @Test
    void shouldAcceptACandidateExactlyAtTheThresholdInEveryDrawLoop() {
        double[] d = {1, 10, 100};
        byte[] d8 = {1, 10, 100};
        for (long seed : boundarySeeds()) {
            int[] expected = counts(indices(seed, true));
            long sum = 0;
            for (int i = 0; i < N; i++) {
                sum += expected[i] * (long) d8[i];
            }
            int[] ints = new int[N];
            PairedBootstrap.draw(new SplittableRandom(seed), ints);
            assertThat(ints).as("draw, seed %d", seed).containsExactly(expected);
            byte[] bytes = new byte[N];
            assertThat(PairedBootstrap.drawSmall(new SplittableRandom(seed), bytes))
                    .isTrue();
            assertThat(bytes)
                    .as("drawSmall, seed %d", seed)
                    .containsExactly((byte) expected[0], (byte) expected[1], (byte) expected[2]);
            assertThat(PairedBootstrap.sumBytes(new SplittableRandom(seed), d8))
                    .as("sumBytes, seed %d", seed)
                    .isEqualTo(sum);
            assertThat(PairedBootstrap.sumDoubles(new SplittableRandom(seed), d))
                    .as("sumDoubles, seed %d", seed)
                    .isEqualTo((double) sum);
        }
    }

    @Test
    void shouldSumDeltasAbove127AsDoublesNotAsBytes() {
        // every per-example delta is an integer beyond a byte's range: the byte-packed path must not be taken
        double[] y = new double[40];
        double[] off = new double[40];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 5;
            off[i] = y[i] + 12; // squared error 144 on every example
        }
        BootstrapResult r = PairedBootstrap.of(ExampleMetric.mse())
                .resamples(30)
                .seed(3)
                .run(Outcomes.of(y, y), Outcomes.of(y, off));
        assertThat(r.gain()).isEqualTo(-144.0);
        assertThat(r.lower()).isEqualTo(-144.0);
        assertThat(r.upper()).isEqualTo(-144.0);
    }
}
