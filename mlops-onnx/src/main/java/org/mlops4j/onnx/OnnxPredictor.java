package org.mlops4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.mlops4j.common.MlopsException;
import org.mlops4j.deploy.Predictor;

/**
 * A loaded ONNX model: maps JSON rows to the input tensor by the {@link OnnxSignature} and reads the output back.
 * Thread-safe: runs share the session (onnxruntime allows concurrent runs) under a read lock; {@link #close()} takes
 * the write lock, so it waits for runs in flight and later calls fail with {@link IllegalStateException}.
 */
final class OnnxPredictor implements Predictor {
    private final String model;
    private final OrtSession session;
    private final OnnxSignature signature;
    private final OnnxJavaType inputType;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    OnnxPredictor(String model, OrtSession session, OnnxSignature signature, OnnxJavaType inputType) {
        this.model = model;
        this.session = session;
        this.signature = signature;
        this.inputType = inputType;
    }

    @Override
    public List<Object> predict(List<Map<String, Object>> rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.isEmpty()) {
            return List.of();
        }
        double[] features = encode(rows);
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the predictor of " + model + " is closed; load the model again");
            }
            return run(features, rows.size());
        } catch (OrtException e) {
            throw new MlopsException(
                    "onnxruntime failed to score " + rows.size() + " rows with " + model + ": " + e, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Encodes the rows row-major into {@code rows × features} numbers; checks every value first. */
    private double[] encode(List<Map<String, Object>> rows) {
        List<OnnxSignature.Feature> features = signature.getFeatures();
        int width = features.size();
        double[] out = new double[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Object> row = rows.get(r);
            if (row == null) {
                throw new IllegalArgumentException("row " + r + " is null; send one JSON object per row");
            }
            checkColumns(r, row);
            for (int f = 0; f < width; f++) {
                OnnxSignature.Feature feature = features.get(f);
                Object value = row.get(feature.column());
                out[r * width + f] = feature.isOneHot()
                        ? (feature.category().equals(value) ? 1.0 : 0.0)
                        : (((Number) value).doubleValue() - feature.offset()) / feature.scale();
            }
        }
        return out;
    }

    private void checkColumns(int r, Map<String, Object> row) {
        signature.getColumns().forEach((column, type) -> {
            Object value = row.get(column);
            if (value == null) {
                throw new IllegalArgumentException("row " + r + ": column '" + column + "' is missing; the model needs "
                        + signature.getColumns().keySet());
            }
            boolean fits = type == OnnxSignature.ColumnType.NUMBER
                    ? value instanceof Number n && Double.isFinite(n.doubleValue())
                    : value instanceof String;
            if (!fits) {
                throw new IllegalArgumentException("row " + r + ": column '" + column + "' must be "
                        + (type == OnnxSignature.ColumnType.NUMBER ? "a finite number" : "a string") + ", got "
                        + describe(value));
            }
        });
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return value.getClass().getSimpleName() + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    private List<Object> run(double[] features, int rowCount) throws OrtException {
        long[] shape = {rowCount, signature.getFeatures().size()};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OnnxTensor tensor;
        if (inputType == OnnxJavaType.FLOAT) {
            FloatBuffer buffer = FloatBuffer.allocate(features.length);
            for (double v : features) {
                buffer.put((float) v);
            }
            tensor = OnnxTensor.createTensor(env, buffer.flip(), shape);
        } else {
            tensor = OnnxTensor.createTensor(env, DoubleBuffer.wrap(features), shape);
        }
        try (tensor;
                OrtSession.Result result = session.run(Map.of(signature.getInput(), tensor))) {
            OnnxValue value = result.get(signature.getOutput())
                    .orElseThrow(() ->
                            new IllegalStateException(model + " returned no output '" + signature.getOutput() + "'"));
            return answers(toMatrix(value.getValue(), rowCount));
        }
    }

    private double[][] toMatrix(Object value, int rowCount) {
        double[][] matrix = new double[rowCount][];
        if (value instanceof float[][] f && f.length == rowCount) {
            for (int r = 0; r < rowCount; r++) {
                matrix[r] = new double[f[r].length];
                for (int k = 0; k < f[r].length; k++) {
                    matrix[r][k] = f[r][k];
                }
            }
        } else if (value instanceof double[][] d && d.length == rowCount) {
            for (int r = 0; r < rowCount; r++) {
                matrix[r] = d[r].clone();
            }
        } else if (value instanceof float[] f && f.length == rowCount) {
            for (int r = 0; r < rowCount; r++) {
                matrix[r] = new double[] {f[r]};
            }
        } else if (value instanceof double[] d && d.length == rowCount) {
            for (int r = 0; r < rowCount; r++) {
                matrix[r] = new double[] {d[r]};
            }
        } else {
            throw new IllegalStateException(model + " output '" + signature.getOutput() + "' is a "
                    + value.getClass().getSimpleName() + "; a [rows] or [rows, k] float or double tensor is needed");
        }
        return matrix;
    }

    private List<Object> answers(double[][] matrix) {
        List<String> labels = signature.getLabels();
        List<Object> answers = new ArrayList<>(matrix.length);
        for (double[] row : matrix) {
            if (labels.isEmpty()) {
                if (row.length == 1) {
                    answers.add(row[0]);
                } else {
                    List<Object> numbers = new ArrayList<>(row.length);
                    for (double v : row) {
                        numbers.add(v);
                    }
                    answers.add(numbers);
                }
                continue;
            }
            if (row.length != labels.size()) {
                throw new IllegalStateException(model + " output '" + signature.getOutput() + "' has " + row.length
                        + " columns but the signature names " + labels.size() + " labels " + labels);
            }
            Map<String, Object> scores = new LinkedHashMap<>();
            int best = 0;
            for (int k = 0; k < row.length; k++) {
                scores.put(labels.get(k), row[k]);
                if (row[k] > row[best]) {
                    best = k;
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("label", labels.get(best));
            answer.put("scores", scores);
            answers.add(answer);
        }
        return answers;
    }

    /** Closes the session after the runs in flight; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            throw new MlopsException("cannot close the onnxruntime session of " + model + ": " + e, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxPredictor{" + model + ", " + signature + (closed ? ", closed" : "") + "}";
    }
}
