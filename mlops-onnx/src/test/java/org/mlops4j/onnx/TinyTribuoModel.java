package org.mlops4j.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** A real ONNX model for the tests: a Tribuo logistic regression on {@code x} (number) and {@code color} (string). */
final class TinyTribuoModel {
    static final List<String> COLORS = List.of("red", "blue");

    final LinearSGDModel model;
    final OnnxSignature signature;

    private TinyTribuoModel(LinearSGDModel model, OnnxSignature signature) {
        this.model = model;
        this.signature = signature;
    }

    /** Rows where {@code yes} is likely when {@code x + (red ? 3 : 0) > 6}. */
    static List<Map<String, Object>> rows(int count, long seed) {
        Random random = new Random(seed);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double x = Math.round(random.nextDouble() * 1000) / 100.0;
            String color = COLORS.get(random.nextInt(COLORS.size()));
            boolean yes = x + (color.equals("red") ? 3 : 0) + random.nextGaussian() > 6;
            rows.add(Map.of("x", x, "color", color, "label", yes ? "yes" : "no"));
        }
        return rows;
    }

    static TinyTribuoModel train(List<Map<String, Object>> rows) {
        MutableDataset<Label> data =
                new MutableDataset<>(new SimpleDataSourceProvenance("tiny", new LabelFactory()), new LabelFactory());
        for (Map<String, Object> row : rows) {
            data.add(example(row, new Label((String) row.get("label"))));
        }
        LinearSGDModel model = (LinearSGDModel) new LogisticRegressionTrainer().train(data);
        OnnxSignature.Builder signature =
                OnnxSignature.builder().numberColumn("x").stringColumn("color").input("input");
        ImmutableFeatureMap features = model.getFeatureIDMap();
        for (int id = 0; id < features.size(); id++) {
            String name = features.get(id).getName();
            if (name.startsWith("color@")) {
                signature.oneHot("color", name.substring("color@".length()));
            } else {
                signature.number("x", 5.0, 2.5);
            }
        }
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < model.getOutputIDInfo().size(); id++) {
            labels.add(model.getOutputIDInfo().getOutput(id).getLabel());
        }
        return new TinyTribuoModel(
                model, signature.output("output").labels(labels).build());
    }

    static Example<Label> example(Map<String, Object> row, Label label) {
        double x = ((Number) row.get("x")).doubleValue();
        return new ArrayExample<>(
                label, new String[] {"color@" + row.get("color"), "x"}, new double[] {1.0, (x - 5.0) / 2.5});
    }

    Path writeArtifacts(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(
                dir.resolve(OnnxModelLoader.MODEL_FILE),
                model.exportONNXModel("org.mlops4j.test", 1).toByteArray());
        Files.writeString(dir.resolve(OnnxModelLoader.SIGNATURE_FILE), signature.toJson());
        return dir;
    }
}
