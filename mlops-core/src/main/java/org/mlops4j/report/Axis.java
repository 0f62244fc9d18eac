package org.mlops4j.report;

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
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                step = m * power;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        for (long k = (long) Math.ceil(low / step - 1e-9); k * step <= high + step * 1e-9; k++) {
            ticks.add(Math.abs(k * step) < step * 1e-9 ? 0.0 : k * step);
        }
        return ticks;
    }
}
