package org.mlops4j.drift;

import java.util.List;
import java.util.Locale;

/**
 * A dataset's drift report: one {@link ColumnDrift} per column and the dataset-level decision, usable as a retraining
 * trigger ({@link #isDrifted()}).
 *
 * <p>Immutable and thread-safe; {@link #toString()} is meant for logs. Example:
 *
 * <pre>{@code
 * DriftReport report = Drift.psi(0.2).detect(reference, current);
 * if (report.isDrifted()) {
 *     log.info("retraining: {}", report);
 * }
 * }</pre>
 */
public final class DriftReport {
    private final List<ColumnDrift> columns;
    private final double minShare;
    private final String rule;

    DriftReport(List<ColumnDrift> columns, double minShare, String rule) {
        this.columns = List.copyOf(columns);
        this.minShare = minShare;
        this.rule = rule;
    }

    /** Returns one result per column: the reference's columns in order, then columns only in the current data. */
    public List<ColumnDrift> getColumns() {
        return columns;
    }

    /** Returns the results of the columns that drifted. */
    public List<ColumnDrift> getDriftedColumns() {
        return columns.stream().filter(ColumnDrift::drifted).toList();
    }

    /** Returns the share of columns that drifted (0 if there are no columns). */
    public double getDriftedShare() {
        return columns.isEmpty() ? 0 : (double) getDriftedColumns().size() / columns.size();
    }

    /**
     * Returns whether the dataset drifted: at least the rule's share of columns drifted or, without a share, at least
     * one column did.
     */
    public boolean isDrifted() {
        long drifted = columns.stream().filter(ColumnDrift::drifted).count();
        return drifted > 0 && getDriftedShare() >= minShare;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder()
                .append(isDrifted() ? "DRIFTED: " : "no drift: ")
                .append(getDriftedColumns().size())
                .append(" of ")
                .append(columns.size())
                .append(" columns drifted (")
                .append(String.format(Locale.ROOT, "%.0f%%", getDriftedShare() * 100))
                .append("); rule ")
                .append(rule);
        for (ColumnDrift c : columns) {
            s.append("\n  ").append(c);
        }
        return s.toString();
    }
}
