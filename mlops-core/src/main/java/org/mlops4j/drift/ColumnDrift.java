package org.mlops4j.drift;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One column's drift test result.
 *
 * @param column the column's name
 * @param test the test: {@code psi}, {@code ks}, {@code chi-square}, or {@code missing} when the column is on one
 *     side only
 * @param statistic the test statistic (PSI, the KS distance D, the chi-square statistic), NaN for {@code missing}
 * @param pValue the p-value, or null for PSI and {@code missing}
 * @param threshold the PSI threshold or the significance level α
 * @param drifted whether the column drifted: PSI above the threshold, or p-value below α; always for {@code missing}
 * @param referenceRows rows (or sampled rows) on the reference side
 * @param currentRows rows (or sampled rows) on the current side
 */
public record ColumnDrift(
        String column,
        String test,
        double statistic,
        @Nullable Double pValue,
        double threshold,
        boolean drifted,
        long referenceRows,
        long currentRows) {

    /**
     * Validates the result.
     *
     * @throws NullPointerException if the column or test is null
     */
    public ColumnDrift {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(test, "test");
    }

    @Override
    public String toString() {
        if (test.equals("missing")) {
            return column + ": DRIFTED — present on one side only (" + referenceRows + " reference rows, " + currentRows
                    + " current rows)";
        }
        String measure = pValue == null
                ? String.format(Locale.ROOT, "%s %.4g > %.4g?", test, statistic, threshold)
                : String.format(Locale.ROOT, "%s %.4g, p=%.4g < %.4g?", test, statistic, pValue, threshold);
        return column + ": " + (drifted ? "DRIFTED" : "stable") + " — " + measure + " (" + referenceRows + " vs "
                + currentRows + " rows)";
    }
}
