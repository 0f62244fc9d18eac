package org.mlops4j.drift;

/**
 * Builds {@link DriftRule drift rules}.
 *
 * <p>Stateless and thread-safe. Example:
 *
 * <pre>{@code
 * DriftReport report = Drift.psi(0.2).whenShareAtLeast(0.3).detect(reference, current);
 * if (report.isDrifted()) {
 *     pipeline.run();
 * }
 * }</pre>
 */
public final class Drift {
    /** The proportion used in place of an empty bin's (or absent category's) proportion in PSI. */
    public static final double PSI_EPSILON = 1e-4;

    private Drift() {}

    /**
     * Returns a rule on the population stability index, {@code PSI = Σ (q_i − p_i) ln(q_i / p_i)} over bins, with
     * {@code p} the reference and {@code q} the current proportions. Numeric bins are cut at the reference column's
     * distinct deciles ({@code (−∞, d1], (d1, d2], …, (d9, ∞)}: up to ten bins); categorical bins are the categories
     * of either side. A proportion of zero is replaced by {@link #PSI_EPSILON} (proportions are not renormalised). A
     * column drifted when its PSI is above the threshold; 0.1 and 0.2 are the usual "some" and "major" shift levels.
     *
     * @param threshold the PSI above which a column drifted, positive
     * @return the rule
     * @throws IllegalArgumentException if the threshold is not positive and finite
     */
    public static DriftRule psi(double threshold) {
        return DriftRule.of(DriftRule.Kind.PSI, threshold);
    }

    /**
     * Returns a rule on the two-sample Kolmogorov–Smirnov test for numeric columns (two-sided); categorical columns
     * get the chi-square test at the same level. P-values are exact when both sides have at most 10,000 values and
     * asymptotic otherwise, the same choice as SciPy's {@code ks_2samp(method='auto')}. A column drifted when the
     * p-value is below α.
     *
     * @param alpha the significance level, strictly between 0 and 1
     * @return the rule
     * @throws IllegalArgumentException if α is not strictly between 0 and 1
     */
    public static DriftRule ks(double alpha) {
        return DriftRule.of(DriftRule.Kind.KS, alpha);
    }

    /**
     * Returns a rule on the chi-square test of homogeneity on the 2 × k contingency table of category counts (no
     * continuity correction), for categorical columns; numeric columns get the Kolmogorov–Smirnov test at the same
     * level. A column drifted when the p-value is below α.
     *
     * @param alpha the significance level, strictly between 0 and 1
     * @return the rule
     * @throws IllegalArgumentException if α is not strictly between 0 and 1
     */
    public static DriftRule chiSquare(double alpha) {
        return DriftRule.of(DriftRule.Kind.CHI_SQUARE, alpha);
    }
}
