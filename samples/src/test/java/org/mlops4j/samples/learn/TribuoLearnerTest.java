package org.mlops4j.samples.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.onnx.OnnxModelLoader;
import org.mlops4j.registry.ModelVersion;

/** The quickstart's learner, trained from dataset versions in a real local lake. */
class TribuoLearnerTest {
    private static final TribuoLearner LEARNER = TribuoLearner.builder(ChurnData.LABEL)
            .numberColumns(ChurnData.NUMBER_COLUMNS)
            .stringColumns(ChurnData.STRING_COLUMNS)
            .seed(7)
            .build();

    private static Mlops mlops;
    private static DatasetVersion train;
    private static DatasetVersion driftedTrain;
    private static List<Map<String, Object>> trainRows;
    private static List<Map<String, Object>> holdout;
    private static List<Map<String, Object>> driftedHoldout;
    private static TrainedModel model;

    @TempDir
    static Path home;

    @BeforeAll
    static void trainOnALake() {
        mlops = Mlops.local(home);
        train = snapshot("churn-train", ChurnData.normal(), 4_000, 1);
        driftedTrain = snapshot("churn-train", ChurnData.drifted(), 4_000, 3);
        trainRows = TabularRows.read(mlops.datasets(), train, "data.csv", ChurnData.NUMBER_COLUMNS);
        holdout = rows(snapshot("churn-holdout", ChurnData.normal(), 2_000, 2));
        driftedHoldout = rows(snapshot("churn-holdout", ChurnData.drifted(), 2_000, 4));
        model = LEARNER.train(mlops.datasets(), train, "data.csv");
    }

    @AfterAll
    static void close() {
        mlops.close();
    }

    private static DatasetVersion snapshot(String name, ChurnData data, int rows, long seed) {
        Path dir = home.resolve("src/" + name + "-" + seed);
        var unused = data.write(dir.resolve("data.csv"), rows, seed);
        return mlops.datasets().snapshot(name).directory(dir).commit();
    }

    private static List<Map<String, Object>> rows(DatasetVersion version) {
        return TabularRows.read(mlops.datasets(), version, "data.csv", ChurnData.NUMBER_COLUMNS);
    }

    @Test
    void shouldBeatTheMajorityBaselineOnHoldoutByAtLeastFivePointsWhenTrainedOnADatasetVersion() {
        double accuracy = model.accuracy(holdout);
        double baseline = TrainedModel.majorityBaseline(trainRows, holdout, ChurnData.LABEL);

        System.out.printf(
                "holdout accuracy %.4f, majority baseline %.4f, margin %+.4f%n",
                accuracy, baseline, accuracy - baseline);
        assertThat(accuracy - baseline).isGreaterThanOrEqualTo(0.05);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldScoreThroughOnnxExactlyAsTribuoDoesInProcessWhenRegisteredAndLoaded() {
        Path dir = model.writeArtifacts(home.resolve("artifacts/champion"));
        ModelVersion version = mlops.registry()
                .register(model.registration("churn-classifier", dir)
                        .metric("accuracy", model.accuracy(holdout))
                        .input(train.getRef(), "train")
                        .requestId("learner-test/" + model.onnxDigest()));
        OnnxModelLoader loader = new OnnxModelLoader();

        assertThat(loader.supports(version)).isTrue();
        assertThat(version.getSignature()).isEqualTo(model.getSignature().toJson());
        List<String> expected = model.predict(holdout);
        List<Map<String, Double>> expectedScores = model.scores(holdout);
        try (Predictor predictor = loader.load(version, dir)) {
            List<Object> answers = predictor.predict(holdout);
            for (int i = 0; i < holdout.size(); i++) {
                Map<String, Object> answer = (Map<String, Object>) answers.get(i);
                assertThat(answer.get("label")).as("row %d", i).isEqualTo(expected.get(i));
                Map<String, Object> scores = (Map<String, Object>) answer.get("scores");
                for (String label : model.getLabels()) {
                    assertThat((Double) scores.get(label))
                            .as("row %d %s", i, label)
                            .isCloseTo(expectedScores.get(i).get(label), within(1e-5));
                }
            }
        }
    }

    @Test
    void shouldChangeTheOnnxDigestWhenRetrainedOnDriftedData() {
        TrainedModel retrained = LEARNER.train(mlops.datasets(), driftedTrain, "data.csv");

        System.out.printf(
                "onnx digest %s -> %s after a retrain on drifted data%n", model.onnxDigest(), retrained.onnxDigest());
        assertThat(retrained.onnxDigest()).isNotEqualTo(model.onnxDigest());
    }

    @Test
    void shouldWriteTheSameOnnxBytesWhenRetrainedWithTheSameSeed() {
        TrainedModel again = LEARNER.train(mlops.datasets(), train, "data.csv");

        assertThat(again.onnxDigest()).isEqualTo(model.onnxDigest());
        assertThat(again.onnxBytes()).hasSameSizeAs(model.onnxBytes());
        assertThat(again.getSignature()).isEqualTo(model.getSignature());
    }

    @Test
    void shouldLoseAccuracyOnDriftedDataWhereARetrainDoesBetter() {
        TrainedModel retrained = LEARNER.train(mlops.datasets(), driftedTrain, "data.csv");
        double old = model.accuracy(driftedHoldout);
        double fresh = retrained.accuracy(driftedHoldout);

        System.out.printf(
                "drifted holdout: old model %.4f (normal holdout %.4f), retrained %.4f%n",
                old, model.accuracy(holdout), fresh);
        assertThat(old).isLessThan(model.accuracy(holdout) - 0.05);
        assertThat(fresh).isGreaterThan(old + 0.05);
    }

    @Test
    void shouldBeNoBetterThanTheBaselineWhenTrainedOnShuffledLabels() {
        TribuoLearner worse = TribuoLearner.builder(ChurnData.LABEL)
                .numberColumns(ChurnData.NUMBER_COLUMNS)
                .stringColumns(ChurnData.STRING_COLUMNS)
                .seed(7)
                .shuffledLabels()
                .build();

        TrainedModel bad = worse.train(mlops.datasets(), train, "data.csv");
        double baseline = TrainedModel.majorityBaseline(trainRows, holdout, ChurnData.LABEL);

        System.out.printf(
                "shuffled labels: holdout accuracy %.4f vs baseline %.4f vs good model %.4f%n",
                bad.accuracy(holdout), baseline, model.accuracy(holdout));
        assertThat(bad.accuracy(holdout)).isLessThan(baseline + 0.02).isLessThan(model.accuracy(holdout) - 0.05);
        assertThat(bad.onnxDigest()).isNotEqualTo(model.onnxDigest());
    }
}
