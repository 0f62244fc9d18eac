package org.mlops4j.drift;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One column's drift test result.
 *
 * <p>Tests: {@code psi}, {@code ks} and {@code chi-square} are statistics; the others report the column's shape
 * instead: {@code missing} (present on one side only; drifted), {@code all-null} (no values in a version; drifted when
 * only one side has values), {@code type-change} (numbers on one side, categories on the other; drifted), and
 * {@code untestable} (the summaries cannot be compared, with the reason in the note; not drifted).
 *
 * @param column the column's name
 * @param test the test or shape, as above
 * @param statistic the test statistic (PSI, the KS distance D, the chi-square statistic), NaN for the shapes
 * @param pValue the p-value, or null for PSI and the shapes
 * @param threshold the PSI threshold or the significance level α
 * @param drifted whether the column drifted: PSI above the threshold (with enough rows, see {@link Drift#psi}), or the
 *     p-value below α; for the shapes as above
 * @param referenceRows the values the statistic ran on, on the reference side (a sample's size when the note says
 *     so); for the shapes, the values on that side
 * @param currentRows the same on the current side
 * @param expected for PSI, its expected value when nothing drifted, for these sizes and bins:
 *     {@code (bins − 1)(1/referenceRows + 1/currentRows)}; null otherwise
 * @param note what else the reader must know, or empty: that a statistic ran on a sample and how large, that the
 *     summaries were approximate (an older profile), that categories were compared by hash bucket, why a column was
 *     not tested
 */
public record ColumnDrift(
        String column,
        String test,
        double statistic,
        @Nullable Double pValue,
        double threshold,
        boolean drifted,
        long referenceRows,
        long currentRows,
        @Nullable Double expected,
        String note) {

    /**
     * Validates the result.
     *
     * @throws NullPointerException if the column, test or note is null
     */
    public ColumnDrift {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(note, "note");
    }

    /** Returns whether the result is a statistic (psi, ks, chi-square) rather than a shape. */
    public boolean isTested() {
        return test.equals("psi") || test.equals("ks") || test.equals("chi-square");
    }

    @Override
    public String toString() {
        String tail = note.isEmpty() ? "" : "; " + note;
        if (test.equals("missing")) {
            return column + ": DRIFTED — present on one side only (" + referenceRows + " reference rows, " + currentRows
                    + " current rows)" + tail;
        }
        if (!isTested()) {
            return column + ": " + (drifted ? "DRIFTED" : "not tested") + " — " + test + " (" + referenceRows + " vs "
                    + currentRows + " values)" + tail;
        }
        String measure = pValue == null
                ? String.format(Locale.ROOT, "%s %.4g > %.4g?", test, statistic, threshold)
                : String.format(Locale.ROOT, "%s %.4g, p=%.4g < %.4g?", test, statistic, pValue, threshold);
        if (expected != null) {
            measure += String.format(Locale.ROOT, " (%.4g expected without drift)", expected);
        }
        return column + ": " + (drifted ? "DRIFTED" : "stable") + " — " + measure + " (" + referenceRows + " vs "
                + currentRows + " rows)" + tail;
    }
}
