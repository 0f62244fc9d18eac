package org.mlops4j.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;

class RecordFormatTest {

    @Test
    void shouldRoundTripWhenParsingWrittenForm() {
        RecordFormat format = RecordFormat.parse("mlops4j.dataset-version/12");

        assertThat(format).isEqualTo(RecordFormat.of("mlops4j.dataset-version", 12));
        assertThat(format.toString()).isEqualTo("mlops4j.dataset-version/12");
    }

    @Test
    void shouldRejectWhenWrittenFormIsMalformed() {
        for (String bad : List.of(
                "mlops4j.lake",
                "mlops4j.lake/",
                "mlops4j.lake/0",
                "mlops4j.lake/01",
                "mlops4j.lake/-1",
                "/1",
                "Mlops4j.lake/1",
                "mlops4j..lake/1",
                "mlops4j.lake./1",
                "mlops4j lake/1",
                "a/1234567890")) {
            assertThatThrownBy(() -> RecordFormat.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRejectWhenVersionIsBelowOne() {
        assertThatThrownBy(() -> RecordFormat.of("a", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts at 1, got 0");
    }

    @Test
    void shouldRejectWhenLimitsAreOutOfRange() {
        assertThatThrownBy(() -> new JsonLimits(1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JsonLimits(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JsonLimits(10, 1001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new JsonLimits(2, 1000).maxDepth()).isEqualTo(1000);
    }

    @Test
    void shouldCompareLimitsByValue() {
        assertThat(new JsonLimits(16 * 1024 * 1024, 64))
                .isEqualTo(JsonLimits.DEFAULT)
                .hasSameHashCodeAs(JsonLimits.DEFAULT);
        assertThat(new JsonLimits(16 * 1024 * 1024, 63)).isNotEqualTo(JsonLimits.DEFAULT);
        assertThat(new JsonLimits(16 * 1024 * 1024 - 1, 64)).isNotEqualTo(JsonLimits.DEFAULT);
        assertThat(new JsonLimits(64, 2)).isNotEqualTo(new JsonLimits(2, 64)).isNotEqualTo(null);
    }

    @Test
    void shouldReturnConstantWhenReasonNameIsKnown() {
        assertThat(Reason.fromString("DUPLICATE_KEY")).isSameAs(Reason.DUPLICATE_KEY);
        assertThat(Reason.fromString("FUTURE_REASON")).hasToString("FUTURE_REASON");
        assertThat(Reason.values()).hasSize(14).contains(Reason.TOO_DEEP, Reason.CHECKSUM_MISMATCH);
        assertThatThrownBy(() -> Reason.fromString("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepDetailsWhenSourceIsAdded() {
        LakeFormatException e = new LakeFormatException(Reason.WRONG_TYPE, "$.a", 3, "", "expected x", null);

        LakeFormatException named = e.withSource("models/m/v/00000001.json");

        assertThat(named.getReason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(named.getPath()).isEqualTo("$.a");
        assertThat(named.getByteOffset()).isEqualTo(3);
        assertThat(named.getDetail()).isEqualTo("expected x");
        assertThat(named.getMessage()).isEqualTo("WRONG_TYPE in models/m/v/00000001.json at $.a (byte 3): expected x");
        assertThat(named.withSource("other")).isSameAs(named);
    }
}
