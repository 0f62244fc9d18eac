package org.mlops4j.samples.learn;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The quickstart's JVM learner: a logistic regression (Tribuo, Apache-2.0) trained on a CSV table, exportable to ONNX
 * with its {@link org.mlops4j.onnx.OnnxSignature}, ready to register with the {@code flavor=onnx} tag.
 *
 * <p>Numeric columns are standardised with the training rows' mean and standard deviation, categorical columns
 * one-hot encoded with the values seen in training; both are recorded in the signature, so the ONNX model scores raw
 * JSON rows exactly as the in-process model does. Training is deterministic: the same rows, options and seed give
 * the same model and the same ONNX bytes.
 *
 * <p>Immutable and thread-safe. Example:
 *
 * <pre>{@code
 * TribuoLearner learner = TribuoLearner.builder(ChurnData.LABEL)
 *         .numberColumns(ChurnData.NUMBER_COLUMNS)
 *         .stringColumns(ChurnData.STRING_COLUMNS)
 *         .seed(7)
 *         .build();
 * TrainedModel model = learner.train(mlops.datasets(), train, "train.csv");
 * mlops.registry().register(model.registration("churn-classifier", model.writeArtifacts(dir)).input(train.getRef(), "train"));
 * }</pre>
 */
public final class TribuoLearner {
    private static final int NO_LOSS_LOGGING = -1;
    private static final int MINIBATCH = 1;
    private final String label;
    private final List<String> numberColumns;
    private final List<String> stringColumns;
    private final long seed;
    private final int epochs;
    private final boolean shuffledLabels;

    private TribuoLearner(Builder b) {
        this.label = b.label;
        this.numberColumns = List.copyOf(b.numberColumns);
        this.stringColumns = List.copyOf(b.stringColumns);
        this.seed = b.seed;
        this.epochs = b.epochs;
        this.shuffledLabels = b.shuffledLabels;
    }

    /**
     * Starts a learner that predicts a label column.
     *
     * @param label the label column's name
     * @return a builder
     */
    public static Builder builder(String label) {
        return new Builder(label);
    }

    /** Returns the numeric feature columns. */
    public List<String> getNumberColumns() {
        return numberColumns;
    }

    /** Returns the categorical feature columns. */
    public List<String> getStringColumns() {
        return stringColumns;
    }

    /** Returns the label column. */
    public String getLabel() {
        return label;
    }

    /**
     * Trains on a CSV file of a dataset version, read through {@link Datasets#open} (digest-verified).
     *
     * @param datasets the dataset API
     * @param version the training dataset version
     * @param path the CSV file's path in the version
     * @return the trained model
     * @throws IllegalArgumentException if the table lacks a column or has no rows
     * @throws org.mlops4j.common.IntegrityException if the stored bytes do not match the version's digest
     */
    public TrainedModel train(Datasets datasets, DatasetVersion version, String path) {
        return train(TabularRows.read(datasets, version, path, numberColumns));
    }

    /**
     * Trains on rows (column name to value, numbers as {@link Number}).
     *
     * @param rows the training rows
     * @return the trained model
     * @throws IllegalArgumentException if a row lacks a column or there are no rows
     */
    public TrainedModel train(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("cannot train on no rows");
        }
        double[] offsets = new double[numberColumns.size()];
        double[] scales = new double[numberColumns.size()];
        for (int c = 0; c < numberColumns.size(); c++) {
            double sum = 0;
            double sumSquares = 0;
            for (int r = 0; r < rows.size(); r++) {
                double v = number(rows.get(r), numberColumns.get(c), r);
                sum += v;
                sumSquares += v * v;
            }
            double mean = sum / rows.size();
            double sd = Math.sqrt(Math.max(0, sumSquares / rows.size() - mean * mean));
            offsets[c] = round(mean);
            scales[c] = sd > 1e-9 ? round(sd) : 1.0;
        }
        List<List<String>> categories = new ArrayList<>();
        for (String column : stringColumns) {
            TreeSet<String> seen = new TreeSet<>();
            for (int r = 0; r < rows.size(); r++) {
                seen.add(text(rows.get(r), column, r));
            }
            categories.add(List.copyOf(seen));
        }
        FeatureEncoding encoding = new FeatureEncoding(numberColumns, offsets, scales, stringColumns, categories);

        List<String> labels = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            labels.add(text(rows.get(r), label, r));
        }
        if (shuffledLabels) {
            Collections.shuffle(labels, new Random(seed));
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("rows", factory), factory);
        for (int r = 0; r < rows.size(); r++) {
            data.add(encoding.example(rows.get(r), new Label(labels.get(r))));
        }
        LinearSGDTrainer trainer = new LinearSGDTrainer(
                new LogMulticlass(), new AdaGrad(0.5, 0.1), epochs, NO_LOSS_LOGGING, MINIBATCH, seed);
        LinearSGDModel model = (LinearSGDModel) trainer.train(data);
        return new TrainedModel(model, encoding, this);
    }

    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6; // short, stable numbers in signature.json
    }

    static double number(Map<String, Object> row, String column, int index) {
        if (!(row.get(column) instanceof Number n)) {
            throw new IllegalArgumentException(
                    "row " + index + ": column '" + column + "' must be a number, got " + row.get(column));
        }
        return n.doubleValue();
    }

    static String text(Map<String, Object> row, String column, int index) {
        Object value = row.get(column);
        if (value == null) {
            throw new IllegalArgumentException("row " + index + ": column '" + column + "' is missing");
        }
        return value.toString();
    }

    @Override
    public String toString() {
        return "TribuoLearner{logistic regression of " + label + " on " + numberColumns + " + " + stringColumns
                + ", epochs=" + epochs + ", seed=" + seed + (shuffledLabels ? ", SHUFFLED LABELS" : "") + "}";
    }

    /** Parameters recorded with a registered model. */
    Map<String, String> params() {
        return Map.of(
                "learner", "tribuo-logistic-regression",
                "epochs", Integer.toString(epochs),
                "seed", Long.toString(seed),
                "shuffled_labels", Boolean.toString(shuffledLabels));
    }

    /** Builds a {@link TribuoLearner}. Not thread-safe. */
    public static final class Builder {
        private final String label;
        private final List<String> numberColumns = new ArrayList<>();
        private final List<String> stringColumns = new ArrayList<>();
        private long seed = 1;
        private int epochs = 10;
        private boolean shuffledLabels;

        private Builder(String label) {
            this.label = Objects.requireNonNull(label, "label");
        }

        /**
         * Adds numeric feature columns.
         *
         * @param columns the columns
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder numberColumns(List<String> columns) {
            numberColumns.addAll(columns);
            return this;
        }

        /**
         * Adds categorical feature columns.
         *
         * @param columns the columns
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder stringColumns(List<String> columns) {
            stringColumns.addAll(columns);
            return this;
        }

        /**
         * Sets the seed of the training order (default 1).
         *
         * @param seed the seed
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the number of passes over the data (default 10).
         *
         * @param epochs at least 1
         * @return this builder
         * @throws IllegalArgumentException if epochs is below 1
         */
        @CanIgnoreReturnValue
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be ≥ 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Makes a deliberately worse model: the labels are shuffled (with the seed) before training, so the model
         * learns no real signal. For demonstrating a rejected challenger.
         *
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder shuffledLabels() {
            this.shuffledLabels = true;
            return this;
        }

        /**
         * Builds the learner.
         *
         * @return the learner
         * @throws IllegalStateException if there are no feature columns, or a column is named twice
         */
        public TribuoLearner build() {
            if (numberColumns.isEmpty() && stringColumns.isEmpty()) {
                throw new IllegalStateException("a learner needs numberColumns(...) or stringColumns(...)");
            }
            List<String> all = new ArrayList<>(numberColumns);
            all.addAll(stringColumns);
            all.add(label);
            if (all.stream().distinct().count() != all.size()) {
                throw new IllegalStateException("a column is named twice among features and label: " + all);
            }
            return new TribuoLearner(this);
        }
    }
}
