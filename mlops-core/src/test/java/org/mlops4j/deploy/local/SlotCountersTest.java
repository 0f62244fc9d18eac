package org.mlops4j.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mlops4j.deploy.SlotMetrics;

class SlotCountersTest {
    @Test
    void shouldReadP95WithinABucketWhenLatenciesAreSpread() {
        SlotCounters counters = new SlotCounters();
        for (int ms = 1; ms <= 100; ms++) {
            counters.record(Duration.ofMillis(ms).toNanos(), ms % 10 == 0);
        }

        SlotMetrics m = counters.metricsSince("blue", SlotCounters.Snapshot.ZERO);

        assertThat(m.requests()).isEqualTo(100);
        assertThat(m.errors()).isEqualTo(10);
        // buckets are a quarter of a power of two wide: the p95 read is the bucket's upper end, at most 25% high
        assertThat(m.p95Latency()).isBetween(Duration.ofMillis(95), Duration.ofMillis(119));
        assertThat(m.maxLatency()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void shouldCountOnlyWhatCameAfterASnapshot() {
        SlotCounters counters = new SlotCounters();
        for (int i = 0; i < 50; i++) {
            counters.record(Duration.ofSeconds(2).toNanos(), true);
        }
        SlotCounters.Snapshot step = counters.snapshot();
        for (int i = 0; i < 20; i++) {
            counters.record(Duration.ofMillis(3).toNanos(), false);
        }

        SlotMetrics since = counters.metricsSince("green", step);

        assertThat(since.requests()).isEqualTo(20);
        assertThat(since.errors()).isZero();
        assertThat(since.p95Latency()).isBetween(Duration.ofMillis(3), Duration.ofMillis(4));
        assertThat(since.maxLatency()).isLessThan(Duration.ofMillis(4));
    }

    @Test
    void shouldPlaceEveryLatencyInABucketThatHoldsIt() {
        for (long micros = 1; micros < 10_000_000L; micros = micros * 3 / 2 + 1) {
            int bucket = SlotCounters.bucketOf(micros * 1000);
            assertThat(SlotCounters.upperBoundNanos(bucket))
                    .as("upper bound for %d µs", micros)
                    .isGreaterThan(micros * 1000)
                    .isLessThanOrEqualTo((long) (micros * 1000 * 1.25) + 1000);
        }
    }

    @Test
    void shouldReportZeroWhenNothingWasServed() {
        SlotMetrics m = new SlotCounters().metricsSince("blue", SlotCounters.Snapshot.ZERO);

        assertThat(m.requests()).isZero();
        assertThat(m.p95Latency()).isZero();
        assertThat(m.errorRate()).isZero();
    }
}
