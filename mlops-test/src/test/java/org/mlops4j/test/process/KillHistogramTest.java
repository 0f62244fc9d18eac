package org.mlops4j.test.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KillHistogramTest {
    @Test
    void shouldPrintOneRowPerPlaceAndOneColumnPerKindWhenKillsAreRecorded() {
        KillHistogram histogram = new KillHistogram()
                .record("record.committed", "halt")
                .record("record.committed", "halt")
                .record("content.temp-written", "SIGKILL")
                .record("content.temp-written", "halt");

        assertThat(histogram.toTable())
                .isEqualTo("where                  halt  SIGKILL  total\n"
                        + "content.temp-written      1        1      2\n"
                        + "record.committed          2        0      2\n"
                        + "total                     3        1      4\n");
        assertThat(histogram.countAt("content.temp-written")).isEqualTo(2);
        assertThat(histogram.countOf("halt")).isEqualTo(3);
        assertThat(histogram.count("record.committed", "SIGKILL")).isZero();
        assertThat(histogram.places()).containsExactly("content.temp-written", "record.committed");
    }

    @Test
    void shouldParseAndPrintAHaltPointWhenItIsWellFormed() {
        HaltPoint point = HaltPoint.parse("pointer.moved/champion:12");

        assertThat(point).isEqualTo(new HaltPoint("pointer.moved/champion", 12));
        assertThat(point).hasToString("pointer.moved/champion:12");
    }

    @Test
    void shouldRejectAHaltPointWhenItIsMalformed() {
        assertThatThrownBy(() -> HaltPoint.parse("step")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HaltPoint.parse("step:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HaltPoint.parse("step:0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counts from 1");
    }
}
