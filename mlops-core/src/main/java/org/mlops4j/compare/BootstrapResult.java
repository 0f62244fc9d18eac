package org.mlops4j.compare;

/**
 * The result of a {@link PairedBootstrap}: the observed values, the observed gain, and the percentile interval of the
 * gain. The gain is oriented so that positive is better.
 *
 * @param metric the metric's name
 * @param examples the number of paired examples
 * @param champion the champion's value on all examples
 * @param challenger the challenger's value on all examples
 * @param gain the observed gain (positive is better)
 * @param lower the lower end of the two-sided percentile interval of the gain (NaN if a resample was undefined)
 * @param upper the upper end of the interval (NaN if a resample was undefined)
 * @param confidence the interval's confidence (1 − α)
 * @param resamples the number of resamples
 * @param seed the seed
 */
public record BootstrapResult(
        String metric,
        int examples,
        double champion,
        double challenger,
        double gain,
        double lower,
        double upper,
        double confidence,
        int resamples,
        long seed) {

    /** Returns whether the interval lies entirely above zero: a significant gain. */
    public boolean isSignificantGain() {
        return lower > 0;
    }

    /** Returns whether the interval lies entirely below zero: a significant loss. */
    public boolean isSignificantLoss() {
        return upper < 0;
    }

    @Override
    public String toString() {
        return metric + ": challenger " + Finding.fmt(challenger) + " vs champion " + Finding.fmt(champion) + ", gain "
                + Finding.signed(gain) + " [" + Finding.signed(lower) + ", " + Finding.signed(upper) + "] ("
                + Finding.fmt(confidence * 100) + "% percentile interval, " + resamples + " paired resamples of "
                + examples + ", seed " + seed + ")";
    }
}
