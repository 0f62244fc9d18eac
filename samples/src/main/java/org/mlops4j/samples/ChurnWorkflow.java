package org.mlops4j.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mlops4j.Mlops;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Outcomes;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.onnx.OnnxModelLoader;
import org.mlops4j.pipeline.Evaluator;
import org.mlops4j.pipeline.Preparer;
import org.mlops4j.pipeline.Trainer;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.samples.learn.ChurnData;
import org.mlops4j.samples.learn.TabularRows;
import org.mlops4j.samples.learn.TrainedModel;
import org.mlops4j.samples.learn.TribuoLearner;

/**
 * The quickstart's pieces of a churn pipeline: data arriving, the train/holdout split, the Tribuo trainer and an
 * evaluator that scores through the same ONNX loader the endpoint uses. Remembers each model's latest evaluation for
 * the report. Thread-safe.
 */
final class ChurnWorkflow {
    static final String RAW = "churn-raw";
    static final String RAW_FILE = "customers.csv";
    static final String TRAIN = "churn-train";
    static final String HOLDOUT = "churn-holdout";
    static final String SPLIT_FILE = "data.csv";

    private final Path work;
    private final Map<ModelRef, Evaluation> evaluations = new ConcurrentHashMap<>();

    ChurnWorkflow(Path work) {
        this.work = work;
    }

    static TribuoLearner learner(long seed) {
        return TribuoLearner.builder(ChurnData.LABEL)
                .numberColumns(ChurnData.NUMBER_COLUMNS)
                .stringColumns(ChurnData.STRING_COLUMNS)
                .seed(seed)
                .build();
    }

    /** A learner that never sees the real labels: the deliberately worse model. */
    static TribuoLearner shuffledLearner(long seed) {
        return TribuoLearner.builder(ChurnData.LABEL)
                .numberColumns(ChurnData.NUMBER_COLUMNS)
                .stringColumns(ChurnData.STRING_COLUMNS)
                .seed(seed)
                .shuffledLabels()
                .build();
    }

    /** Writes a month of customers and snapshots it as the next version of {@value #RAW}. */
    DatasetVersion arrive(Mlops mlops, ChurnData data, int rows, long seed, PrintStream out) {
        Path dir = work.resolve("export-" + seed);
        var unused = data.write(dir.resolve(RAW_FILE), rows, seed);
        DatasetVersion version = mlops.datasets()
                .snapshot(RAW)
                .directory(dir)
                .message("monthly export, seed " + seed)
                .progress(new ProgressBar(out, "snapshot " + RAW))
                .commit();
        out.println("dataset  " + version);
        return version;
    }

    /** Rows {@code [from, to)} of the raw export, header kept, into the prepared dataset's {@value #SPLIT_FILE}. */
    Preparer split(int from, int to) {
        return (ctx, output) -> {
            DatasetVersion raw = ctx.dataset(RAW);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                            ctx.getServices().datasets().open(raw, RAW_FILE), StandardCharsets.UTF_8));
                    var writer = Files.newBufferedWriter(output.resolve(SPLIT_FILE), StandardCharsets.UTF_8)) {
                writer.write(in.readLine());
                writer.write('\n');
                String line;
                for (int row = 0; (line = in.readLine()) != null && row < to; row++) {
                    if (row >= from) {
                        writer.write(line);
                        writer.write('\n');
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot split " + raw.getRef() + ": " + e.getMessage(), e);
            }
        };
    }

    /** Trains on the prepared {@value #TRAIN} dataset and exports the model to ONNX. */
    Trainer trainer(Mlops mlops, TribuoLearner learner) {
        return ctx -> {
            DatasetVersion train = ctx.dataset(TRAIN);
            List<Map<String, Object>> rows =
                    TabularRows.read(mlops.datasets(), train, SPLIT_FILE, ChurnData.NUMBER_COLUMNS);
            TrainedModel model = learner.train(rows);
            return model.toPipelineModel(ctx.getWorkDirectory().resolve("model"), rows);
        };
    }

    /** Scores the holdout through {@link OnnxModelLoader}, as the endpoint would, and computes the metrics. */
    Evaluator evaluator(Mlops mlops) {
        return (model, holdout) -> {
            List<Map<String, Object>> rows =
                    TabularRows.read(mlops.datasets(), holdout, SPLIT_FILE, ChurnData.NUMBER_COLUMNS);
            int n = rows.size();
            double[] labels = new double[n];
            double[] predictions = new double[n];
            double[] scores = new double[n];
            try (Predictor predictor = new OnnxModelLoader().load(model, artifacts(mlops, model))) {
                List<Object> answers = predictor.predict(rows);
                for (int i = 0; i < n; i++) {
                    Map<?, ?> answer = (Map<?, ?>) answers.get(i);
                    labels[i] = "yes".equals(rows.get(i).get(ChurnData.LABEL)) ? 1 : 0;
                    predictions[i] = "yes".equals(answer.get("label")) ? 1 : 0;
                    scores[i] = ((Number) ((Map<?, ?>) answer.get("scores")).get("yes")).doubleValue();
                }
            }
            Evaluation evaluation = Evaluation.builder(model.getRef(), holdout.getRef())
                    .outcomes(Outcomes.of(labels, predictions)
                            .withScores(scores)
                            .withSlice("region", column(rows, "region"))
                            .withSlice("contract", column(rows, "contract")))
                    .computeMetrics()
                    .build();
            evaluations.put(model.getRef(), evaluation);
            return evaluation;
        };
    }

    /** One string column of the rows, for the report's slices. */
    private static String[] column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(row -> String.valueOf(row.get(name))).toArray(String[]::new);
    }

    /** Returns the model's latest evaluation made by {@link #evaluator}. */
    Evaluation evaluationOf(ModelRef model) {
        Evaluation evaluation = evaluations.get(model);
        if (evaluation == null) {
            throw new IllegalStateException(model + " was not evaluated in this run");
        }
        return evaluation;
    }

    /** Reads the raw export's rows. */
    List<Map<String, Object>> rows(Mlops mlops, DatasetVersion raw) {
        return TabularRows.read(mlops.datasets(), raw, RAW_FILE, ChurnData.NUMBER_COLUMNS);
    }

    /** The accuracy of always answering the training rows' most common label, on the holdout rows. */
    double baselineAccuracy(Mlops mlops, DatasetVersion raw, int trainRows) {
        List<Map<String, Object>> rows = rows(mlops, raw);
        return TrainedModel.majorityBaseline(
                rows.subList(0, trainRows), rows.subList(trainRows, rows.size()), ChurnData.LABEL);
    }

    private Path artifacts(Mlops mlops, ModelVersion model) {
        Path dir = work.resolve("models/" + model.getName() + "-" + model.getVersion());
        if (!Files.isDirectory(dir)) {
            var unused = mlops.registry().checkoutArtifacts(model, dir);
        }
        return dir;
    }
}
