package org.mlops4j.report;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.drift.ColumnDrift;
import org.mlops4j.drift.DriftReport;

/**
 * Drift per column: for each comparison of a current dataset version with a reference, the test, statistic,
 * threshold, p-value and row counts of every column, drifted columns highlighted; for tests without a p-value (PSI) a
 * meter shows the statistic against its threshold.
 */
final class DriftSection {
    /** One drift comparison the report was given. */
    record Compared(DatasetRef reference, DatasetRef current, DriftReport report) {
        Compared {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(current, "current");
            Objects.requireNonNull(report, "report");
        }

        String headline() {
            DriftReport r = report;
            return current + " against " + reference + ": " + (r.isDrifted() ? "drifted" : "no drift") + ", "
                    + r.getDriftedColumns().size() + " of " + r.getColumns().size() + " columns"
                    + String.format(Locale.ROOT, " (%.0f%%)", r.getDriftedShare() * 100);
        }
    }

    private static final double METER_WIDTH = 120;

    private final List<Compared> compared;

    DriftSection(List<Compared> compared) {
        this.compared = List.copyOf(compared);
    }

    void appendHtml(StringBuilder out) {
        if (compared.isEmpty()) {
            return;
        }
        out.append("<h2>Drift</h2>\n");
        for (Compared c : compared) {
            out.append("<h3 class=\"")
                    .append(c.report().isDrifted() ? "drifted" : "stable")
                    .append("\">")
                    .append(Markup.xml(c.headline()))
                    .append("</h3>\n<table class=\"drift\" data-current=\"")
                    .append(Markup.xml(c.current().toString()))
                    .append("\">\n<tr><th>column</th><th>test</th><th>statistic</th><th>threshold</th>")
                    .append("<th>p-value</th><th>reference rows</th><th>current rows</th><th>drifted</th></tr>\n");
            for (ColumnDrift d : c.report().getColumns()) {
                boolean missing = d.test().equals("missing");
                out.append("<tr class=\"")
                        .append(d.drifted() ? "drifted" : "stable")
                        .append("\" data-column=\"")
                        .append(Markup.xml(d.column()))
                        .append("\"><td>")
                        .append(Markup.xml(d.column()))
                        .append("</td><td>")
                        .append(Markup.xml(d.test()))
                        .append("</td><td class=\"num\">")
                        .append(missing ? "–" : Markup.number(d.statistic()))
                        .append("</td><td class=\"num\">")
                        .append(
                                missing
                                        ? "–"
                                        : Markup.xml(
                                                (d.pValue() == null ? "> " : "p < ") + Markup.number(d.threshold())))
                        .append("</td><td class=\"num\">")
                        .append(d.pValue() == null ? "–" : Markup.number(d.pValue()))
                        .append("</td><td class=\"num\">")
                        .append(d.referenceRows())
                        .append("</td><td class=\"num\">")
                        .append(d.currentRows())
                        .append("</td><td class=\"verdict\">");
                if (!missing && d.pValue() == null && Double.isFinite(d.statistic()) && d.threshold() > 0) {
                    appendMeter(out, d);
                }
                out.append(d.drifted() ? "yes" : "no").append("</td></tr>\n");
            }
            out.append("</table>\n");
        }
    }

    /** The statistic as a bar on a scale to twice the threshold (longer bars are cut), the threshold as a tick. */
    private static void appendMeter(StringBuilder out, ColumnDrift d) {
        double share = Math.min(1, Math.max(0, d.statistic() / (2 * d.threshold())));
        new Svg(out)
                .open(
                        "meter",
                        METER_WIDTH,
                        14,
                        d.test() + " " + Markup.number(d.statistic()) + " against threshold "
                                + Markup.number(d.threshold()))
                .rect("track", 0, 3, METER_WIDTH, 8)
                .rect(d.drifted() ? "level drifted" : "level", 0, 3, share * METER_WIDTH, 8)
                .line("threshold", METER_WIDTH / 2, 0, METER_WIDTH / 2, 14)
                .close();
    }

    void appendMarkdown(StringBuilder out) {
        if (compared.isEmpty()) {
            return;
        }
        out.append("## Drift\n\n");
        for (Compared c : compared) {
            out.append(Markup.markdown(c.headline()))
                    .append("\n\n| column | test | statistic | threshold | p-value | reference rows | current rows |")
                    .append(" drifted |\n|---|---|---:|---:|---:|---:|---:|---|\n");
            for (ColumnDrift d : c.report().getColumns()) {
                boolean missing = d.test().equals("missing");
                out.append("| ")
                        .append(d.drifted() ? "**" + Markup.markdown(d.column()) + "**" : Markup.markdown(d.column()))
                        .append(" | ")
                        .append(Markup.markdown(d.test()))
                        .append(" | ")
                        .append(missing ? "–" : Markup.number(d.statistic()))
                        .append(" | ")
                        .append(missing ? "–" : Markup.number(d.threshold()))
                        .append(" | ")
                        .append(d.pValue() == null ? "–" : Markup.number(d.pValue()))
                        .append(" | ")
                        .append(d.referenceRows())
                        .append(" | ")
                        .append(d.currentRows())
                        .append(" | ")
                        .append(d.drifted() ? "yes" : "no")
                        .append(" |\n");
            }
            out.append('\n');
        }
    }
}
