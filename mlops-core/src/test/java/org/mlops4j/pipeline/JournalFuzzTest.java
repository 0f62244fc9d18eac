package org.mlops4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.mlops4j.lake.LakeFormatException;

/**
 * Fuzzes the journal record reader: arbitrary bytes must decode or throw {@link LakeFormatException}; anything else,
 * or a hang, is a finding. A record that decodes must encode back to the same bytes (the journal is canonical JSON).
 * {@code ./mvnw verify} replays the seeds in {@code src/test/resources/org/mlops4j/pipeline/JournalFuzzTestInputs/}.
 */
class JournalFuzzTest {
    private static final AtomicLong INPUTS = new AtomicLong();

    @FuzzTest(maxDuration = "10m")
    void fuzzJournal(byte[] data) {
        INPUTS.incrementAndGet();
        try {
            JournalEntry entry = Journal.decode(data, "fuzz");
            byte[] again = Journal.encode(entry);
            if (!java.util.Arrays.equals(again, data) && entry.decision() != null) {
                // Findings' numbers are decimal text: "1.0e0" reads back as 1.0 and is written "1.0".
                assertThat(Journal.decode(again, "fuzz")).isEqualTo(entry);
            } else if (!java.util.Arrays.equals(again, data)
                    && !java.util.Arrays.equals(withoutChecksum(again), data)) {
                // a record written before checksums (§5.1) encodes back to the same bytes plus its checksum
                throw new AssertionError("accepted a record that does not encode back to its bytes");
            }
        } catch (LakeFormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
    }

    /** The record as written before record checksums (§5.1), which readers still accept. */
    private static byte[] withoutChecksum(byte[] record) {
        java.util.Map<String, Object> fields =
                new java.util.LinkedHashMap<>(org.mlops4j.lake.internal.CanonicalJson.readObject(record));
        fields.remove(org.mlops4j.lake.internal.RecordFormat.CHECKSUM_FIELD);
        return org.mlops4j.lake.internal.CanonicalJson.write(fields);
    }
}
