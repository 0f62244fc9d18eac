package org.mlops4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.ConflictException;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Finding;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

class JournalTest {
    @TempDir
    Path dir;

    private static final RunId RUN = RunId.of("0123456789abcdef0123", 1);

    @Test
    void shouldReadBackEveryFieldWhenAnEntryIsWrittenAndRead() {
        Finding finding = new Finding(
                "metric auc higher is better",
                "auc",
                Decision.REJECT,
                0.1,
                1e-300,
                -0.0,
                null,
                Double.MAX_VALUE,
                0.049999999999999996,
                "≥ 0.7",
                "détail \"quoted\"");
        Finding bare = new Finding("r", "m", Decision.PROMOTE, null, null, null, null, null, null, "", "");
        JournalEntry entry = new JournalEntry(
                7,
                "compare",
                StepOutcome.DONE,
                Instant.parse("2026-11-29T10:00:00.123456789Z"),
                42,
                Map.of("raw", "raw@3 sha256:" + "a".repeat(64)),
                Map.of("champion", "churn@2"),
                Decision.REJECT,
                List.of(finding, bare));

        JournalEntry read = Journal.decode(Journal.encode(entry), "test");

        assertThat(read).isEqualTo(entry);
        assertThat(read.findings().get(0).delta()).isEqualTo(-0.0);
    }

    @Test
    void shouldAppendInOrderAndReadBackWhenStored() {
        try (ObjectStore store = TestStores.open(dir)) {
            Journal journal = Journal.read(store, "churn", RUN);
            var unused1 = journal.append(
                    JournalEntry.RUN, JournalEntry.STARTED, Instant.EPOCH, 1, Map.of(), Map.of(), null, List.of());
            var unused2 = journal.append(
                    "train", StepOutcome.DONE, Instant.EPOCH, 1, Map.of(), Map.of("a", "b"), null, List.of());

            Journal again = Journal.read(store, "churn", RUN);

            assertThat(again.entries()).extracting(JournalEntry::sequence).containsExactly(1L, 2L);
            assertThat(again.findDone("train").orElseThrow().outputs()).containsEntry("a", "b");
            assertThat(store.exists(Journal.key("churn", RUN, 2))).isTrue();
            assertThat(Journal.key("churn", RUN, 2).value())
                    .isEqualTo("pipelines/churn/runs/" + RUN + "/journal/00000002.json");
        }
    }

    @Test
    void shouldRefuseToOverwriteWhenAnotherWriterAppendedTheSameSequence() {
        try (ObjectStore store = TestStores.open(dir)) {
            Journal stale = Journal.read(store, "churn", RUN);
            var unused = Journal.read(store, "churn", RUN)
                    .append("train", StepOutcome.DONE, Instant.EPOCH, 2, Map.of(), Map.of(), null, List.of());

            assertThatThrownBy(() -> stale.append(
                            "train", StepOutcome.DONE, Instant.EPOCH, 1, Map.of(), Map.of(), null, List.of()))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("the lease was lost");
        }
    }

    @Test
    void shouldRejectAnUnknownFieldWhenReading() {
        byte[] bytes = ("{\"at\":\"1970-01-01T00:00:00Z\",\"extra\":\"x\",\"format\":\"mlops4j.pipeline-journal/1\","
                        + "\"inputs\":{},\"outputs\":{},\"sequence\":1,\"status\":\"done\",\"step\":\"train\","
                        + "\"token\":1}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Journal.decode(bytes, "test"))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining("extra");
    }
}
