package org.mlops4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mlops4j.compare.Outcomes;

/**
 * Per-example outcomes from a CSV file with a header: {@code label}, {@code prediction}, optionally {@code score},
 * and {@code slice:<dimension>} columns; one row per example, in the evaluation dataset's order. Plain comma-separated
 * values: no quoting.
 */
final class OutcomesCsv {
    private OutcomesCsv() {}

    static Outcomes read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read the outcomes file " + file + ": " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new CliException(file + " is empty; it needs a header 'label,prediction[,score][,slice:DIM…]'");
        }
        List<String> header = List.of(lines.get(0).strip().split(",", -1));
        int label = header.indexOf("label");
        int prediction = header.indexOf("prediction");
        int score = header.indexOf("score");
        if (label < 0 || prediction < 0) {
            throw new CliException(file + ":1: the header needs 'label' and 'prediction' columns, got " + header);
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != header.size()) {
                throw new CliException(
                        file + ":" + (i + 1) + ": " + cells.length + " values, the header has " + header.size());
            }
            rows.add(cells);
            lineNumbers.add(i + 1);
        }
        double[] labels = column(file, rows, lineNumbers, label, "label");
        double[] predictions = column(file, rows, lineNumbers, prediction, "prediction");
        Outcomes outcomes = Outcomes.of(labels, predictions);
        if (score >= 0) {
            outcomes = outcomes.withScores(column(file, rows, lineNumbers, score, "score"));
        }
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).startsWith("slice:")) {
                String[] keys = new String[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    keys[r] = rows.get(r)[c];
                }
                outcomes = outcomes.withSlice(header.get(c).substring("slice:".length()), keys);
            }
        }
        return outcomes;
    }

    private static double[] column(Path file, List<String[]> rows, List<Integer> lineNumbers, int index, String name) {
        double[] values = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            try {
                values[r] = Double.parseDouble(rows.get(r)[index]);
            } catch (NumberFormatException e) {
                throw new CliException(file + ":" + lineNumbers.get(r) + ": " + name + " '" + rows.get(r)[index]
                        + "' is not a number");
            }
        }
        return values;
    }
}
