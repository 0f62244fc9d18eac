package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/** Properties of the Misra–Gries counters, the reservoir sampler and HyperLogLog. */
class StreamingSummariesTest {

    @Test
    void shouldKeepEveryItemMoreFrequentThanNOverKPlusOneWithBoundedUndercount() {
        qt().withExamples(300)
                .forAll(
                        lists().of(integers().between(0, 2_000)).ofSizeBetween(0, 3_000),
                        integers().between(1, 40))
                .checkAssert((raw, k) -> {
                    MisraGries mg = new MisraGries(k);
                    Map<String, Long> exact = new HashMap<>();
                    for (int r : raw) {
                        // skewed: small values are frequent
                        String key = Integer.toString((int) Math.sqrt(r) * (r % 3 == 0 ? 1 : 7));
                        mg.add(key);
                        exact.merge(key, 1L, Long::sum);
                    }
                    long n = raw.size();
                    Map<String, Long> counted = new HashMap<>();
                    long sum = 0;
                    for (Map.Entry<String, Long> e : mg.entries()) {
                        counted.put(e.getKey(), e.getValue());
                        sum += e.getValue();
                    }
                    long other = n - sum;
                    assertThat(counted).hasSizeLessThanOrEqualTo(k);
                    for (Map.Entry<String, Long> e : exact.entrySet()) {
                        long f = e.getValue();
                        long c = counted.getOrDefault(e.getKey(), 0L);
                        assertThat(c).isLessThanOrEqualTo(f);
                        assertThat(f - c).isLessThanOrEqualTo(other / (k + 1));
                        if (f * (k + 1) > n) {
                            assertThat(counted).containsKey(e.getKey());
                        }
                    }
                    if (mg.isExact()) {
                        assertThat(counted).isEqualTo(exact);
                    }
                });
    }

    @Test
    void shouldSampleMinOfNAndSizeDistinctItemsDeterministically() {
        qt().forAll(integers().between(0, 5_000), integers().between(0, 200), longs().all())
                .checkAssert((n, size, seed) -> {
                    long[] first = sample(n, size, seed);
                    assertThat(first).hasSize(Math.min(n, size));
                    Set<Long> distinct = new HashSet<>();
                    for (long item : first) {
                        assertThat(item).isBetween(0L, (long) n - 1);
                        distinct.add(item);
                    }
                    assertThat(distinct).hasSize(first.length);
                    assertThat(sample(n, size, seed)).containsExactly(first);
                });
    }

    @Test
    void shouldIncludeEveryItemWithEqualProbability() {
        int n = 60;
        int size = 6;
        int trials = 30_000;
        long[] inclusions = new long[n];
        for (int seed = 0; seed < trials; seed++) {
            for (long item : sample(n, size, seed)) {
                inclusions[(int) item]++;
            }
        }
        // the first `size` items fill the reservoir and later ones replace them: both must be uniform
        double p = ChiSquareTest.withDefaults().test(inclusions).getPValue();
        assertThat(p).as("chi-square p-value of the inclusion counts").isGreaterThan(1e-4);
    }

    @Test
    void shouldEstimateDistinctCountsWithinThreeStandardErrors() {
        for (int n : new int[] {10, 1_000, 20_000, 500_000}) {
            HyperLogLog hll = new HyperLogLog();
            for (int i = 0; i < n; i++) {
                hll.add("value-" + i);
                hll.add("value-" + (i / 2));
            }
            assertThat((double) hll.estimate()).as("n=%d", n).isCloseTo(n, within(Math.max(1, 0.049 * n)));
        }
    }

    private static long[] sample(int n, int size, long seed) {
        ReservoirSampler sampler = new ReservoirSampler(size, seed);
        long[] slots = new long[size];
        for (int i = 0; i < n; i++) {
            int slot = sampler.offer();
            if (slot >= 0) {
                slots[slot] = i;
            }
        }
        long[] out = new long[sampler.filled()];
        System.arraycopy(slots, 0, out, 0, out.length);
        return out;
    }
}
