package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** log-batch's limits: every call within them, nothing lost, order kept. */
class MlflowRunsBatchTest {
    @Test
    void shouldSplitIntoCallsWithinLogBatchLimitsWhenThereAreMoreEntriesThanOneCallTakes() {
        List<MlflowRuns.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.METRIC, "m" + i, "0.5"));
        }
        for (int i = 0; i < 250; i++) {
            entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.PARAM, "p" + i, "v"));
            entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.TAG, "t" + i, "v"));
        }
        List<List<MlflowRuns.Entry>> batches = MlflowRuns.batches(entries);

        for (List<MlflowRuns.Entry> batch : batches) {
            assertThat(batch.size()).isLessThanOrEqualTo(MlflowRuns.MAX_ENTITIES);
            assertThat(count(batch, MlflowRuns.Kind.METRIC)).isLessThanOrEqualTo(MlflowRuns.MAX_METRICS);
            assertThat(count(batch, MlflowRuns.Kind.PARAM)).isLessThanOrEqualTo(MlflowRuns.MAX_PARAMS);
            assertThat(count(batch, MlflowRuns.Kind.TAG)).isLessThanOrEqualTo(MlflowRuns.MAX_TAGS);
        }
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(entries);
        assertThat(batches).hasSize(5); // 3 for the metrics, then 100 params + 100 tags per call
    }

    @Test
    void shouldKeepEachCallUnderOneMegabyteWhenValuesAreLong() {
        List<MlflowRuns.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.TAG, "t" + i, "x".repeat(8_000)));
            entries.add(new MlflowRuns.Entry(MlflowRuns.Kind.PARAM, "p" + i, "y".repeat(6_000)));
        }
        List<List<MlflowRuns.Entry>> batches = MlflowRuns.batches(entries);

        assertThat(batches).hasSizeGreaterThan(1);
        for (List<MlflowRuns.Entry> batch : batches) {
            assertThat(batch.stream().mapToInt(MlflowRuns.Entry::size).sum())
                    .isLessThanOrEqualTo(MlflowRuns.MAX_BATCH_BYTES);
        }
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(180);
    }

    @Test
    void shouldReadTheTagLimitFromTheServerVersionWhenItIsFromThreeTwoOn() {
        assertThat(MlflowLimits.of("3.17.2").registryTagValue()).isEqualTo(100_000);
        assertThat(MlflowLimits.of("3.2.0").registryTagValue()).isEqualTo(100_000);
        assertThat(MlflowLimits.of("3.1.4").registryTagValue()).isEqualTo(5_000);
        assertThat(MlflowLimits.of("2.22.5").registryTagValue()).isEqualTo(5_000);
        assertThat(MlflowLimits.of("not a version")).isEqualTo(MlflowLimits.CONSERVATIVE);
    }

    private static long count(List<MlflowRuns.Entry> batch, MlflowRuns.Kind kind) {
        return batch.stream().filter(e -> e.kind() == kind).count();
    }
}
