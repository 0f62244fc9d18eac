package org.mlops4j.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Round tick values for a chart's axis: steps of 1, 2 or 5 times a power of ten. */
final class Axis {
    private Axis() {}

    /**
     * Returns the ticks within {@code [low, high]}, about {@code count} of them; for an empty range, the one value.
     */
    static List<Double> ticks(double low, double high, int count) {
        if (!(high > low) || !Double.isFinite(low) || !Double.isFinite(high)) {
            return Double.isFinite(low) ? List.of(low) : List.of();
        }
        double rough = (high - low) / Math.max(1, count);
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = power;
        for (double m : new double[] {1, 2, 5, 10}) { // the round step nearest the rough one, on a log scale
            if (Math.abs(Math.log(m * power / rough)) < Math.abs(Math.log(step / rough))) {
                step = m * power;
            }
        }
        List<Double> ticks = new ArrayList<>();
        BigDecimal exact = BigDecimal.valueOf(step); // 3 × 0.2 is 0.6 here, not 0.6000000000000001
        for (long k = (long) Math.ceil(low / step - 1e-9); k * step <= high + step * 1e-9; k++) {
            ticks.add(exact.multiply(BigDecimal.valueOf(k)).doubleValue());
        }
        return ticks;
    }
}
