package org.mlops4j.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the scoring endpoint's request parser with arbitrary bodies (an attacker controls them): it must return rows
 * of numbers, strings and booleans, or throw {@link IllegalArgumentException} (a 400 with its message); any other
 * exception, or a hang, is a finding.
 *
 * <p>{@code ./mvnw verify} replays the seeds in
 * {@code src/test/resources/org/mlops4j/deploy/local/ScoringRequestFuzzTestInputs/fuzzScoringRequest/}; a fuzzing run is
 * {@code JAZZER_FUZZ=1 ./mvnw -pl mlops-core -am test -Dtest=ScoringRequestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ScoringRequestFuzzTest {
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong ACCEPTED = new AtomicLong();

    @FuzzTest(maxDuration = "10m")
    void fuzzScoringRequest(byte[] data) {
        INPUTS.incrementAndGet();
        List<Map<String, Object>> rows;
        try {
            rows = ScoringHandler.parseRows(data);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a 400 without a message", e);
            }
            return;
        }
        ACCEPTED.incrementAndGet();
        for (Map<String, Object> row : rows) {
            for (Object value : row.values()) {
                if (!(value instanceof Number || value instanceof String || value instanceof Boolean)) {
                    throw new AssertionError("a row value of type " + (value == null ? "null" : value.getClass()));
                }
            }
        }
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
        assertThat(ACCEPTED.get()).as("accepted inputs").isPositive();
        System.out.println("ScoringRequestFuzzTest ran " + INPUTS.get() + " inputs, " + ACCEPTED.get() + " accepted");
    }
}
