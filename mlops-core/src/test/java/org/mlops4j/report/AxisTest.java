package org.mlops4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Round ticks for chart axes. */
class AxisTest {
    @Test
    void shouldPickTheRoundStepNearestTheRequestedCountWhenTheRangeIsShort() {
        // 0.87 / 4 = 0.22: a step of 0.2 (five ticks), not 0.5 (two)
        assertThat(Axis.ticks(0, 0.8749, 4)).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8);
        assertThat(Axis.ticks(0, 35, 4)).containsExactly(0.0, 10.0, 20.0, 30.0);
    }

    @Test
    void shouldIncludeZeroAndNegativeTicksWhenTheRangeSpansZero() {
        assertThat(Axis.ticks(-3, 7, 4)).containsExactly(-2.0, 0.0, 2.0, 4.0, 6.0);
    }

    @Test
    void shouldReturnTheOneValueWhenTheRangeIsEmpty() {
        assertThat(Axis.ticks(0.5, 0.5, 4)).isEqualTo(List.of(0.5));
        assertThat(Axis.ticks(Double.NaN, 1, 4)).isEmpty();
    }
}
