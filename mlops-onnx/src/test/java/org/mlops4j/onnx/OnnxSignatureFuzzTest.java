package org.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes {@link OnnxSignature#parse}, which reads {@code signature.json} from model artifacts: it must return a
 * signature or throw its documented {@link IllegalArgumentException}; anything else, or a hang, is a finding. An
 * accepted signature must survive a round trip through {@link OnnxSignature#toJson()}.
 *
 * <p>{@code ./mvnw verify} replays the seeds in {@code src/test/resources/org/mlops4j/onnx/
 * OnnxSignatureFuzzTestInputs/fuzzSignature/}; a fuzzing run (10 minutes, see {@code docs/lake-format.md}) is
 * {@code JAZZER_FUZZ=1 JAZZER_INSTRUMENT='org.mlops4j.**,com.fasterxml.jackson.**' ./mvnw -B -pl mlops-onnx -am test
 * -Dtest=OnnxSignatureFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true}.
 */
class OnnxSignatureFuzzTest {
    private static final AtomicLong INPUTS = new AtomicLong();

    @FuzzTest(maxDuration = "10m")
    void fuzzSignature(byte[] data) {
        INPUTS.incrementAndGet();
        OnnxSignature signature;
        try {
            signature = OnnxSignature.parse(new String(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        assertThat(OnnxSignature.parse(signature.toJson())).isEqualTo(signature);
    }

    @AfterAll
    static void report() {
        assertThat(INPUTS.get()).as("fuzz inputs run").isPositive();
    }
}
