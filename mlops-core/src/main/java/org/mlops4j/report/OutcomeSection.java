package org.mlops4j.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Outcomes;

/**
 * What per-example outcomes show beyond aggregate metrics: ROC, precision–recall and calibration curves of both models
 * (binary labels with scores), and a confusion matrix per model (class labels).
 */
final class OutcomeSection {
    /** Classes beyond which a confusion matrix is left out: it would not be readable. */
    static final int MAX_CLASSES = 12;
    /** Points per curve at most; a longer curve keeps every k-th point and its ends. */
    static final int MAX_POINTS = 400;

    private static final double SIZE = 220;
    private static final double X0 = 54;
    private static final double Y0 = 34;
    private static final double CHART_WIDTH = X0 + SIZE + 22;

    /** One model's outcomes, labelled by its role in the comparison. */
    record Scored(String who, Evaluation evaluation, Outcomes outcomes) {}

    private final List<Scored> models;

    OutcomeSection(List<Scored> models) {
        this.models = List.copyOf(models);
    }

    static List<Scored> of(List<String> roles, List<Evaluation> evaluations) {
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            Evaluation e = evaluations.get(i);
            String who = roles.get(i);
            e.findOutcomes().ifPresent(o -> scored.add(new Scored(who, e, o)));
        }
        return scored;
    }

    /** Whether the models can draw ROC and PR curves: binary labels (both classes present) and scores. */
    private List<Scored> curveModels() {
        return models.stream().filter(m -> binaryWithScores(m.outcomes())).toList();
    }

    private List<Scored> classModels() {
        return models.stream()
                .filter(m -> isWhole(m.outcomes().getLabels())
                        && isWhole(m.outcomes().getPredictions()))
                .filter(m -> classes(m.outcomes()).size() <= MAX_CLASSES)
                .toList();
    }

    boolean isEmpty() {
        return curveModels().isEmpty() && classModels().isEmpty();
    }

    static boolean binaryWithScores(Outcomes o) {
        if (!o.hasScores()) {
            return false;
        }
        double[] y = o.getLabels();
        boolean zero = false;
        boolean one = false;
        for (double v : y) {
            if (v == 0) {
                zero = true;
            } else if (v == 1) {
                one = true;
            } else {
                return false;
            }
        }
        return zero && one;
    }

    static boolean isWhole(double[] values) {
        return Arrays.stream(values).allMatch(v -> v == Math.rint(v) && Math.abs(v) < 1e9);
    }

    static List<Double> classes(Outcomes o) {
        TreeSet<Double> classes = new TreeSet<>();
        Arrays.stream(o.getLabels()).forEach(classes::add);
        Arrays.stream(o.getPredictions()).forEach(classes::add);
        return List.copyOf(classes);
    }

    // ---- curves -----------------------------------------------------------------------------------------------

    /** Indices by descending score. */
    private static int[] byScore(double[] scores) {
        return IntStream.range(0, scores.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * The ROC curve {@code {false positive rate, true positive rate}} and the precision–recall curve
     * {@code {recall, precision}}, one point per distinct score threshold, from the highest threshold down.
     */
    static List<List<double[]>> rocAndPr(Outcomes o) {
        double[] y = o.getLabels();
        double[] s = o.getScores();
        int[] order = byScore(s);
        long positives = Arrays.stream(y).filter(v -> v == 1).count();
        long negatives = y.length - positives;
        List<double[]> roc = new ArrayList<>(List.of(new double[] {0, 0}));
        List<double[]> pr = new ArrayList<>();
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < order.length; k++) {
            if (y[order[k]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (k + 1 == order.length || s[order[k + 1]] != s[order[k]]) {
                roc.add(new double[] {(double) fp / negatives, (double) tp / positives});
                double precision = (double) tp / (tp + fp);
                if (pr.isEmpty()) {
                    pr.add(new double[] {0, precision});
                }
                pr.add(new double[] {(double) tp / positives, precision});
            }
        }
        return List.of(roc, pr);
    }

    /** The area under a curve by trapezoids. */
    static double area(List<double[]> curve) {
        double area = 0;
        for (int i = 1; i < curve.size(); i++) {
            area += (curve.get(i)[0] - curve.get(i - 1)[0]) * (curve.get(i)[1] + curve.get(i - 1)[1]) / 2;
        }
        return area;
    }

    /** Average precision: the precision at each threshold weighted by the recall it adds. */
    static double averagePrecision(List<double[]> pr) {
        double ap = 0;
        for (int i = 1; i < pr.size(); i++) {
            ap += (pr.get(i)[0] - pr.get(i - 1)[0]) * pr.get(i)[1];
        }
        return ap;
    }

    /** Reliability points {@code {mean score, share of positives, examples}} over ten equal score bins in [0, 1]. */
    static List<double[]> calibration(Outcomes o) {
        double[] y = o.getLabels();
        double[] s = o.getScores();
        double[] sum = new double[10];
        double[] hits = new double[10];
        int[] count = new int[10];
        for (int i = 0; i < s.length; i++) {
            int bin = Math.min(9, (int) Math.floor(s[i] * 10));
            sum[bin] += s[i];
            hits[bin] += y[i];
            count[bin]++;
        }
        List<double[]> points = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            if (count[b] > 0) {
                points.add(new double[] {sum[b] / count[b], hits[b] / count[b], count[b]});
            }
        }
        return points;
    }

    private static boolean probabilities(Outcomes o) {
        return Arrays.stream(o.getScores()).allMatch(v -> v >= 0 && v <= 1);
    }

    private static List<double[]> thin(List<double[]> curve) {
        if (curve.size() <= MAX_POINTS) {
            return curve;
        }
        int step = (int) Math.ceil(curve.size() / (double) MAX_POINTS);
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < curve.size(); i += step) {
            kept.add(curve.get(i));
        }
        if (kept.get(kept.size() - 1) != curve.get(curve.size() - 1)) {
            kept.add(curve.get(curve.size() - 1));
        }
        return kept;
    }

    private static List<double[]> toPlot(List<double[]> curve) {
        List<double[]> points = new ArrayList<>();
        for (double[] p : thin(curve)) {
            points.add(new double[] {X0 + p[0] * SIZE, Y0 + (1 - p[1]) * SIZE});
        }
        return points;
    }

    /** A unit-square plot's frame: axes with ticks every 0.2, grid lines, and the two axis titles. */
    private static Svg frame(StringBuilder out, String cssClass, String title, String x, String y, int legend) {
        Svg svg = new Svg(out)
                .open(cssClass, CHART_WIDTH, Y0 + SIZE + 40 + 16 * legend, title)
                .text("title", X0 + SIZE / 2, 18, "middle", title);
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            String label = Markup.number(v);
            svg.line("grid", X0 + v * SIZE, Y0, X0 + v * SIZE, Y0 + SIZE)
                    .line("grid", X0, Y0 + v * SIZE, X0 + SIZE, Y0 + v * SIZE)
                    .text("tick", X0 + v * SIZE, Y0 + SIZE + 14, "middle", label)
                    .text("tick", X0 - 6, Y0 + (1 - v) * SIZE + 4, "end", label);
        }
        svg.line("axis", X0, Y0, X0, Y0 + SIZE)
                .line("axis", X0, Y0 + SIZE, X0 + SIZE, Y0 + SIZE)
                .text("axis-title", X0 + SIZE / 2, Y0 + SIZE + 30, "middle", x)
                .verticalText("axis-title", 16, Y0 + SIZE / 2, y);
        return svg;
    }

    /** A legend row: a sample of the line ({@code curve champion}, {@code baseline}, …) and its text. */
    private static void legend(Svg svg, int row, String line, String text) {
        double y = Y0 + SIZE + 50 + 16 * row;
        boolean reference = line.equals("baseline") || line.equals("diagonal");
        svg.line(reference ? line : "curve " + line, X0, y - 4, X0 + 22, y - 4)
                .text("legend", X0 + 28, y, "start", text);
    }

    private static String name(Scored m) {
        return m.who() + " " + m.evaluation().getModel();
    }

    /** The short name for legends: the role and the version. */
    private static String shortName(Scored m) {
        return m.who() + " @" + m.evaluation().getModel().version();
    }

    void appendHtml(StringBuilder out) {
        if (isEmpty()) {
            return;
        }
        out.append("<h2>Outcomes</h2>\n<p class=\"note\">Per-example outcomes on ")
                .append(Markup.xml(
                        models.get(models.size() - 1).evaluation().getDataset().toString()))
                .append(".</p>\n<div class=\"charts\">\n");
        List<Scored> curves = curveModels();
        // one pass over the sorted scores gives both curves
        List<List<List<double[]>>> rocAndPr =
                curves.stream().map(m -> rocAndPr(m.outcomes())).toList();
        if (!curves.isEmpty()) {
            Svg roc = frame(
                    out, "curve roc", "ROC curve", "false positive rate", "true positive rate", curves.size() + 1);
            roc.line("diagonal", X0, Y0 + SIZE, X0 + SIZE, Y0);
            legend(roc, curves.size(), "diagonal", "chance (AUC 0.5)");
            for (int i = 0; i < curves.size(); i++) {
                Scored m = curves.get(i);
                List<double[]> curve = rocAndPr.get(i).get(0);
                roc.polyline("curve " + m.who(), toPlot(curve));
                legend(roc, i, m.who(), shortName(m) + String.format(Locale.ROOT, " · AUC %.3f", area(curve)));
            }
            roc.close();
            // the share of positives is where a classifier without skill sits; paired outcomes share it
            TreeSet<String> bases = new TreeSet<>();
            for (Scored m : curves) {
                double[] y = m.outcomes().getLabels();
                bases.add(String.format(Locale.ROOT, "%.3f", Arrays.stream(y).sum() / y.length));
            }
            Svg pr = frame(
                    out, "curve pr", "Precision–recall curve", "recall", "precision", curves.size() + bases.size());
            int row = 0;
            for (String base : bases) {
                double y = Y0 + (1 - Double.parseDouble(base)) * SIZE;
                pr.line("baseline", X0, y, X0 + SIZE, y);
                legend(
                        pr,
                        curves.size() + row++,
                        "baseline",
                        "share of positives " + Markup.number(Double.parseDouble(base)));
            }
            for (int i = 0; i < curves.size(); i++) {
                Scored m = curves.get(i);
                List<double[]> curve = rocAndPr.get(i).get(1);
                pr.polyline("curve " + m.who(), toPlot(curve));
                legend(
                        pr,
                        i,
                        m.who(),
                        shortName(m) + String.format(Locale.ROOT, " · AP %.3f", averagePrecision(curve)));
            }
            pr.close();
            List<Scored> calibrated =
                    curves.stream().filter(m -> probabilities(m.outcomes())).toList();
            if (!calibrated.isEmpty()) {
                Svg cal = frame(
                        out,
                        "curve calibration",
                        "Calibration",
                        "mean predicted probability",
                        "share positive",
                        calibrated.size() + 1);
                cal.line("diagonal", X0, Y0 + SIZE, X0 + SIZE, Y0);
                legend(cal, calibrated.size(), "diagonal", "perfectly calibrated");
                for (int i = 0; i < calibrated.size(); i++) {
                    Scored m = calibrated.get(i);
                    List<double[]> points = calibration(m.outcomes());
                    cal.polyline("curve " + m.who(), toPlot(points));
                    for (double[] p : points) {
                        cal.circle(
                                "dot " + m.who(),
                                X0 + p[0] * SIZE,
                                Y0 + (1 - p[1]) * SIZE,
                                3,
                                String.format(
                                        Locale.ROOT,
                                        "%s: predicted %.3f, observed %.3f over %d examples",
                                        name(m),
                                        p[0],
                                        p[1],
                                        (long) p[2]));
                    }
                    legend(cal, i, m.who(), shortName(m) + " · 10 bins of the score");
                }
                cal.close();
            }
        }
        out.append("</div>\n");
        List<Scored> classed = classModels();
        if (!classed.isEmpty()) {
            out.append("<div class=\"charts\">\n");
            classed.forEach(m -> appendConfusion(out, m));
            out.append("</div>\n");
        }
    }

    /** Rows are actual classes, columns predicted; a cell shows its count and its share of the row, shaded by it. */
    private static void appendConfusion(StringBuilder out, Scored m) {
        List<Double> classes = classes(m.outcomes());
        int k = classes.size();
        long[][] counts = new long[k][k];
        double[] y = m.outcomes().getLabels();
        double[] p = m.outcomes().getPredictions();
        for (int i = 0; i < y.length; i++) {
            counts[classes.indexOf(y[i])][classes.indexOf(p[i])]++;
        }
        double cell = Math.min(72, 240.0 / k);
        double x0 = 74;
        double y0 = 78;
        Svg svg = new Svg(out)
                .open(
                        "confusion",
                        x0 + k * cell + 16,
                        y0 + k * cell + 16,
                        "confusion matrix of " + name(m),
                        "data-model",
                        m.who())
                .text("title", (x0 + k * cell) / 2 + 8, 18, "middle", "Confusion matrix")
                .text("legend", (x0 + k * cell) / 2 + 8, 33, "middle", shortName(m))
                .text("axis-title", x0 + k * cell / 2, 54, "middle", "predicted")
                .verticalText("axis-title", 16, y0 + k * cell / 2, "actual");
        for (int c = 0; c < k; c++) {
            String label = Markup.number(classes.get(c));
            svg.text("tick", x0 + (c + 0.5) * cell, y0 - 8, "middle", label)
                    .text("tick", x0 - 8, y0 + (c + 0.5) * cell + 4, "end", label);
        }
        for (int r = 0; r < k; r++) {
            long row = Arrays.stream(counts[r]).sum();
            for (int c = 0; c < k; c++) {
                double share = row == 0 ? 0 : (double) counts[r][c] / row;
                svg.rect(
                        r == c ? "cell hit" : "cell miss",
                        x0 + c * cell,
                        y0 + r * cell,
                        cell,
                        cell,
                        "fill-opacity",
                        String.format(Locale.ROOT, "%.3f", 0.08 + 0.85 * share),
                        "data-count",
                        Long.toString(counts[r][c]));
                String tone = share > 0.55 ? "count dark" : "count";
                svg.text(tone, x0 + (c + 0.5) * cell, y0 + (r + 0.5) * cell, "middle", Long.toString(counts[r][c]));
                if (cell >= 48) {
                    svg.text(
                            tone + " share",
                            x0 + (c + 0.5) * cell,
                            y0 + (r + 0.5) * cell + 15,
                            "middle",
                            String.format(Locale.ROOT, "%.0f%%", share * 100));
                }
            }
        }
        svg.close();
    }

    void appendMarkdown(StringBuilder out) {
        List<Scored> classed = classModels();
        if (classed.isEmpty()) {
            return;
        }
        out.append("## Confusion matrices\n\n");
        for (Scored m : classed) {
            List<Double> classes = classes(m.outcomes());
            double[] y = m.outcomes().getLabels();
            double[] p = m.outcomes().getPredictions();
            out.append(Markup.markdown(name(m))).append(" (rows actual, columns predicted)\n\n| |");
            classes.forEach(c -> out.append(' ').append(Markup.number(c)).append(" |"));
            out.append("\n|---|");
            classes.forEach(c -> out.append("---:|"));
            out.append('\n');
            for (double actual : classes) {
                out.append("| ").append(Markup.number(actual)).append(" |");
                for (double predicted : classes) {
                    long n = IntStream.range(0, y.length)
                            .filter(i -> y[i] == actual && p[i] == predicted)
                            .count();
                    out.append(' ').append(n).append(" |");
                }
                out.append('\n');
            }
            out.append('\n');
        }
    }
}
