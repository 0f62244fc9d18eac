package org.mlops4j.samples.learn;

import java.util.List;
import java.util.Map;
import org.mlops4j.onnx.OnnxSignature;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/**
 * How rows become Tribuo features: {@code column} = standardised number, {@code column@value} = 1 for a category.
 * The same rule, written as an {@link OnnxSignature}, lets the exported ONNX model take raw rows.
 */
record FeatureEncoding(
        List<String> numberColumns,
        double[] offsets,
        double[] scales,
        List<String> stringColumns,
        List<List<String>> categories) {

    Example<Label> example(Map<String, Object> row, Label label) {
        int width = numberColumns.size() + stringColumns.size();
        String[] names = new String[width];
        double[] values = new double[width];
        for (int c = 0; c < numberColumns.size(); c++) {
            names[c] = numberColumns.get(c);
            values[c] = (TribuoLearner.number(row, numberColumns.get(c), 0) - offsets[c]) / scales[c];
        }
        for (int c = 0; c < stringColumns.size(); c++) {
            String column = stringColumns.get(c);
            names[numberColumns.size() + c] = column + "@" + TribuoLearner.text(row, column, 0);
            values[numberColumns.size() + c] = 1.0;
        }
        return new ArrayExample<>(label, names, values);
    }

    /** Writes the signature of a model whose input tensor has the features in the model's own id order. */
    OnnxSignature signature(ImmutableFeatureMap features, List<String> labels) {
        OnnxSignature.Builder b = OnnxSignature.builder();
        numberColumns.forEach(b::numberColumn);
        stringColumns.forEach(b::stringColumn);
        b.input("input");
        for (int id = 0; id < features.size(); id++) {
            String name = features.get(id).getName();
            int number = numberColumns.indexOf(name);
            if (number >= 0) {
                b.number(name, offsets[number], scales[number]);
            } else {
                int at = name.indexOf('@');
                b.oneHot(name.substring(0, at), name.substring(at + 1));
            }
        }
        return b.output("output").labels(labels).build();
    }
}
