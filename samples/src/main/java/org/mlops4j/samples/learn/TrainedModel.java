package org.mlops4j.samples.learn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.mlops4j.onnx.OnnxModelLoader;
import org.mlops4j.onnx.OnnxSignature;
import org.mlops4j.registry.ModelRegistration;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;

/**
 * A model made by {@link TribuoLearner}: scores rows in process, and exports itself as ONNX with its signature.
 *
 * <p>The ONNX bytes leave out Tribuo's provenance (metadata and doc string: it carries the wall-clock time the data source was created), so that
 * retraining with the same data and seed gives the same bytes, hence the same artifact digest. Immutable and
 * thread-safe. Example:
 *
 * <pre>{@code
 * Path dir = model.writeArtifacts(work.resolve("model"));          // model.onnx + signature.json
 * ModelVersion v = mlops.registry().register(model.registration("churn-classifier", dir));
 * }</pre>
 */
public final class TrainedModel {
    private final LinearSGDModel model;
    private final FeatureEncoding encoding;
    private final TribuoLearner learner;
    private final OnnxSignature signature;
    private final byte[] onnx;

    TrainedModel(LinearSGDModel model, FeatureEncoding encoding, TribuoLearner learner) {
        this.model = model;
        this.encoding = encoding;
        this.learner = learner;
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        this.signature = encoding.signature(model.getFeatureIDMap(), labels);
        this.onnx = model.exportONNXModel("org.mlops4j.samples", 1).toBuilder()
                .clearMetadataProps()
                .clearDocString()
                .build()
                .toByteArray();
    }

    /** Returns the signature written next to the ONNX model. */
    public OnnxSignature getSignature() {
        return signature;
    }

    /** Returns the class labels, in the model's output order. */
    public List<String> getLabels() {
        return signature.getLabels();
    }

    /** Returns a copy of the ONNX model's bytes. */
    public byte[] onnxBytes() {
        return onnx.clone();
    }

    /** Returns the SHA-256 of the ONNX model's bytes, as {@code sha256:<hex>}. */
    public String onnxDigest() {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Predicts the label of each row in process (Tribuo).
     *
     * @param rows rows with the feature columns
     * @return one label per row
     * @throws IllegalArgumentException if a row lacks a feature column
     */
    public List<String> predict(List<Map<String, Object>> rows) {
        List<String> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            out.add(predictOne(row).getOutput().getLabel());
        }
        return out;
    }

    /**
     * Returns each row's score of every class, in process (Tribuo).
     *
     * @param rows rows with the feature columns
     * @return one map per row, class to probability
     * @throws IllegalArgumentException if a row lacks a feature column
     */
    public List<Map<String, Double>> scores(List<Map<String, Object>> rows) {
        List<Map<String, Double>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Double> scores = new HashMap<>();
            predictOne(row).getOutputScores().forEach((name, label) -> scores.put(name, label.getScore()));
            out.add(scores);
        }
        return out;
    }

    private Prediction<Label> predictOne(Map<String, Object> row) {
        return model.predict(encoding.example(row, LabelFactory.UNKNOWN_LABEL));
    }

    /**
     * Returns the share of rows whose predicted label equals their label column.
     *
     * @param rows rows with the feature and label columns
     * @return the accuracy, in [0, 1]
     * @throws IllegalArgumentException if there are no rows or a row lacks a column
     */
    public double accuracy(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("accuracy needs rows");
        }
        List<String> predicted = predict(rows);
        int right = 0;
        for (int i = 0; i < rows.size(); i++) {
            if (predicted.get(i).equals(TribuoLearner.text(rows.get(i), learner.getLabel(), i))) {
                right++;
            }
        }
        return (double) right / rows.size();
    }

    /**
     * Writes {@value OnnxModelLoader#MODEL_FILE} and {@value OnnxModelLoader#SIGNATURE_FILE} into a directory.
     *
     * @param directory the directory, created if missing
     * @return the directory
     * @throws UncheckedIOException if the files cannot be written
     */
    public Path writeArtifacts(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(OnnxModelLoader.MODEL_FILE), onnx);
            Files.writeString(directory.resolve(OnnxModelLoader.SIGNATURE_FILE), signature.toJson());
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a registration of this model: the artifacts directory, the {@code flavor=onnx} tag, the signature and the
     * learner's parameters. Add metrics, inputs and a request id before registering.
     *
     * @param name the registered model's name
     * @param artifacts a directory written by {@link #writeArtifacts}
     * @return the registration
     */
    public ModelRegistration registration(String name, Path artifacts) {
        ModelRegistration registration = new ModelRegistration(name)
                .artifacts(artifacts)
                .tag(OnnxModelLoader.FLAVOR_TAG, OnnxModelLoader.FLAVOR)
                .signature(signature.toJson());
        learner.params().forEach(registration::param);
        return registration;
    }

    /**
     * Writes the artifacts and describes them for a retraining pipeline's register step: the {@code flavor=onnx} tag
     * the deployer's loader looks for, the learner's parameters and the training accuracy.
     *
     * @param directory the directory to write {@link #writeArtifacts} into
     * @param trainRows the rows it was trained on, for the training accuracy
     * @return what the pipeline's trainer returns
     */
    public org.mlops4j.pipeline.TrainedModel toPipelineModel(Path directory, List<Map<String, Object>> trainRows) {
        org.mlops4j.pipeline.TrainedModel model = org.mlops4j.pipeline.TrainedModel.of(writeArtifacts(directory))
                .tag(OnnxModelLoader.FLAVOR_TAG, OnnxModelLoader.FLAVOR)
                .metric("train_accuracy", accuracy(trainRows));
        learner.params().forEach(model::param);
        return model;
    }

    /**
     * Returns the accuracy of always predicting the most common label of the training rows: the baseline to beat.
     *
     * @param train the training rows
     * @param test the rows to score
     * @param label the label column
     * @return the baseline accuracy on {@code test}
     * @throws IllegalArgumentException if either list is empty
     */
    public static double majorityBaseline(
            List<Map<String, Object>> train, List<Map<String, Object>> test, String label) {
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("the majority baseline needs training and test rows");
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            counts.merge(TribuoLearner.text(train.get(i), label, i), 1, Integer::sum);
        }
        String majority = counts.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow()
                .getKey();
        long right =
                test.stream().filter(row -> majority.equals(row.get(label))).count();
        return (double) right / test.size();
    }

    @Override
    public String toString() {
        return "TrainedModel{" + learner + ", onnx " + onnxDigest() + "}";
    }
}
