package org.mlops4j.drift;

import org.apache.commons.statistics.descriptive.Quantile;

/**
 * A numeric column: its values, or a uniform sample of them (a dataset profile's reservoir sample), without NaN.
 *
 * <p>The Kolmogorov–Smirnov test and PSI's bin proportions use {@link #values()}; PSI's bin edges come from the
 * reference column's {@link #deciles()}, which a profile with a quantile sketch may override with the sketch's deciles
 * of the whole column.
 */
public interface NumericColumn extends Column {
    /**
     * Returns the values or a uniform sample of them; implementations may return their own array, which callers never
     * modify.
     *
     * @return the values, at least one, none NaN
     */
    double[] values();

    /**
     * Returns the deciles (the 10%, 20%, …, 90% quantiles). The default computes them from {@link #values()} with
     * linear interpolation (Hyndman–Fan type 7, as NumPy's default {@code np.quantile}).
     *
     * @return nine non-decreasing values
     */
    default double[] deciles() {
        return Quantile.withDefaults()
                .with(Quantile.EstimationMethod.HF7)
                .evaluate(values(), 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);
    }
}
