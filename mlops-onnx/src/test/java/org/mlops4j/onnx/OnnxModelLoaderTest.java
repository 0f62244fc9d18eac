package org.mlops4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.deploy.ModelLoader;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

class OnnxModelLoaderTest {
    private static TinyTribuoModel tiny;
    private static Path artifacts;
    private static Predictor predictor;
    private static final OnnxModelLoader LOADER = new OnnxModelLoader();

    @BeforeAll
    static void trainAndLoad(@TempDir Path dir) throws Exception {
        tiny = TinyTribuoModel.train(TinyTribuoModel.rows(600, 1));
        artifacts = tiny.writeArtifacts(dir.resolve("model"));
        predictor = LOADER.load(version(Map.of("flavor", "onnx")), artifacts);
    }

    @AfterAll
    static void close() {
        predictor.close();
    }

    static ModelVersion version(Map<String, String> tags) {
        return new ModelVersion(
                new ModelRef("tiny", 1),
                null,
                2,
                0,
                Map.of(),
                Map.of(),
                tags,
                "",
                List.of(),
                "",
                "",
                "",
                Instant.EPOCH,
                "test",
                "r1");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldScoreLikeTribuoInProcessWhenLoadedFromTheArtifacts() {
        List<Map<String, Object>> rows = TinyTribuoModel.rows(200, 2);

        List<Object> answers = predictor.predict(rows);

        assertThat(answers).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Prediction<Label> expected =
                    tiny.model.predict(TinyTribuoModel.example(rows.get(i), LabelFactory.UNKNOWN_LABEL));
            Map<String, Object> answer = (Map<String, Object>) answers.get(i);
            assertThat(answer.get("label")).isEqualTo(expected.getOutput().getLabel());
            Map<String, Object> scores = (Map<String, Object>) answer.get("scores");
            for (Map.Entry<String, Label> score : expected.getOutputScores().entrySet()) {
                assertThat((Double) scores.get(score.getKey()))
                        .isCloseTo(score.getValue().getScore(), within(1e-5));
            }
        }
    }

    @Test
    void shouldSupportOnlyVersionsTaggedFlavorOnnx() {
        assertThat(LOADER.supports(version(Map.of("flavor", "onnx")))).isTrue();
        assertThat(LOADER.supports(version(Map.of("flavor", "pyfunc")))).isFalse();
        assertThat(LOADER.supports(version(Map.of()))).isFalse();
    }

    @Test
    void shouldBeFoundByTheServiceLoaderWhenOnTheClassPath() {
        assertThat(ServiceLoader.load(ModelLoader.class).stream().map(ServiceLoader.Provider::type))
                .contains(OnnxModelLoader.class);
    }

    @Test
    void shouldNameRowAndColumnWhenAValueIsMissing() {
        List<Map<String, Object>> rows = List.of(Map.of("x", 1.0, "color", "red"), Map.of("x", 2.0));

        assertThatThrownBy(() -> predictor.predict(rows))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1")
                .hasMessageContaining("'color' is missing");
    }

    @Test
    void shouldNameRowAndColumnWhenAValueHasTheWrongType() {
        Map<String, Object> text = new HashMap<>(Map.of("x", "3.5", "color", "red"));
        Map<String, Object> number = new HashMap<>(Map.of("x", 3.5, "color", 7));

        assertThatThrownBy(() -> predictor.predict(List.of(Map.of("x", 1, "color", "blue"), text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1: column 'x' must be a finite number, got String 3.5");
        assertThatThrownBy(() -> predictor.predict(List.of(number)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0: column 'color' must be a string, got Integer 7");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldTreatAnUnseenCategoryAsAllZerosWhenScoring() {
        List<Object> answers = predictor.predict(List.of(Map.of("x", 9.9, "color", "green")));

        assertThat((Map<String, Object>) answers.get(0)).containsKeys("label", "scores");
    }

    @Test
    void shouldGiveTheSameAnswersWhenCalledFromManyThreads() throws Exception {
        List<Map<String, Object>> rows = TinyTribuoModel.rows(50, 3);
        List<Object> expected = predictor.predict(rows);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Object>>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> predictor.predict(rows)));
            }
            for (Future<List<Object>> future : futures) {
                assertThat(future.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseToPredictWhenClosed() {
        Predictor own = LOADER.load(version(Map.of("flavor", "onnx")), artifacts);
        own.close();
        own.close(); // idempotent

        assertThatThrownBy(() -> own.predict(List.of(Map.of("x", 1.0, "color", "red"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldNameTheFileWhenTheSignatureIsMissing(@TempDir Path dir) throws Exception {
        Files.copy(artifacts.resolve("model.onnx"), dir.resolve("model.onnx"));

        assertThatThrownBy(() -> LOADER.load(version(Map.of("flavor", "onnx")), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tiny@1")
                .hasMessageContaining("no signature.json");
    }

    @Test
    void shouldNameTheFileWhenTheModelIsNotOnnx(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.onnx"), "not a model");
        Files.writeString(dir.resolve("signature.json"), tiny.signature.toJson());

        assertThatThrownBy(() -> LOADER.load(version(Map.of("flavor", "onnx")), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.onnx")
                .hasMessageContaining("not a model onnxruntime can load");
    }

    @Test
    void shouldRefuseASignatureWhoseWidthDoesNotMatchTheModel(@TempDir Path dir) throws Exception {
        Files.copy(artifacts.resolve("model.onnx"), dir.resolve("model.onnx"));
        OnnxSignature narrow = OnnxSignature.builder()
                .numberColumn("x")
                .input("input")
                .number("x", 0, 1)
                .output("output")
                .build();
        Files.writeString(dir.resolve("signature.json"), narrow.toJson());

        assertThatThrownBy(() -> LOADER.load(version(Map.of("flavor", "onnx")), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 3 features but the signature lists 1");
    }
}
