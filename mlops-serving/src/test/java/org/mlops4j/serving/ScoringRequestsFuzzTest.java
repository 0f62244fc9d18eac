package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes what a client controls: request bodies in both shapes, the path and the {@code Host} header. Each either
 * yields rows of finite numbers, strings and booleans (a path: a route whose name has no '/'; a host: accepted or
 * refused), or fails with an {@link IllegalArgumentException} whose message is short and non-blank (a 400); any
 * other exception, a long message or a hang is a finding.
 *
 * <p>{@code ./mvnw verify} replays the seeds in
 * {@code src/test/resources/org/mlops4j/serving/ScoringRequestsFuzzTestInputs/<method>/}; a fuzzing run is
 * {@code JAZZER_FUZZ=1 ./mvnw -pl mlops-serving -am test -Dtest=ScoringRequestsFuzzTest#fuzzInvocation
 * -Dsurefire.failIfNoSpecifiedTests=false} (one method per run).
 */
class ScoringRequestsFuzzTest {
    /** The longest 400 message: what it repeats of the request is capped, so it never grows with the input. */
    private static final int MAX_MESSAGE = 1000;

    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong ACCEPTED = new AtomicLong();
    private static final HostCheck HOSTS = new HostCheck(Set.of("scoring.internal"), InetAddress.getLoopbackAddress());

    @FuzzTest(maxDuration = "10m")
    void fuzzNativeRows(byte[] body) {
        check(() -> ScoringRequests.rows(body));
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzInvocation(byte[] body) {
        check(() -> ScoringRequests.invocation(body));
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzPathAndHost(FuzzedDataProvider data) {
        INPUTS.incrementAndGet();
        String host = data.consumeString(300);
        String path = data.consumeRemainingAsString();
        HostCheck.Refusal refusal = HOSTS.refuse(host);
        if (refusal != null) {
            assertThat(refusal.status()).isIn(400, 403);
            assertThat(refusal.message()).isNotBlank().hasSizeLessThan(MAX_MESSAGE);
        }
        try {
            Route route = Route.parse(path);
            assertThat(route.endpoint()).doesNotContain("/");
            ACCEPTED.incrementAndGet();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(MAX_MESSAGE);
        }
    }

    private static void check(java.util.function.Supplier<List<Map<String, Object>>> parse) {
        INPUTS.incrementAndGet();
        List<Map<String, Object>> rows;
        try {
            rows = parse.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null
                    || e.getMessage().isBlank()
                    || e.getMessage().length() > MAX_MESSAGE) {
                throw new AssertionError("a 400 without a short message: " + e.getMessage(), e);
            }
            return;
        }
        ACCEPTED.incrementAndGet();
        for (Map<String, Object> row : rows) {
            for (Object value : row.values()) {
                boolean plain = value instanceof String
                        || value instanceof Boolean
                        || (value instanceof Number number && Double.isFinite(number.doubleValue()));
                if (!plain) {
                    throw new AssertionError(
                            "a row value " + value + " of type " + (value == null ? "null" : value.getClass()));
                }
            }
        }
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
        assertThat(ACCEPTED.get()).as("accepted inputs").isPositive();
        System.out.println("ScoringRequestsFuzzTest ran " + INPUTS.get() + " inputs, " + ACCEPTED.get() + " accepted");
    }
}
