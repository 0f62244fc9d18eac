package org.mlops4j.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;

class LinearModelLoaderTest {
    @TempDir
    Path temp;

    private Mlops mlops;
    private final LinearModelLoader loader = new LinearModelLoader();

    @BeforeEach
    void open() {
        mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .build();
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    private ModelVersion version(String flavor) {
        return mlops.registry()
                .register(new ModelRegistration("m").tag("flavor", flavor).requestId(flavor));
    }

    @Test
    void shouldScoreWeightsCategoriesAndTheLogisticLink() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("model"));
        Files.writeString(
                dir.resolve(LinearModelLoader.FILE),
                "{\"intercept\":-1.0,\"weights\":{\"x\":2.0},\"categories\":{\"city\":{\"Oslo\":1.0}},"
                        + "\"link\":\"logistic\"}",
                StandardCharsets.UTF_8);

        Predictor p = loader.load(version("linear"), dir);
        List<Object> out = p.predict(List.of(Map.of("x", 0.5, "city", "Oslo"), Map.of("x", 0.5, "city", "Rome")));

        assertThat(loader.supports(version("linear"))).isTrue();
        assertThat(loader.supports(version("onnx"))).isFalse();
        assertThat((double) out.get(0)).isCloseTo(1 / (1 + Math.exp(-1.0)), within(1e-12));
        assertThat((double) out.get(1)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void shouldNameTheRowAndColumnWhenAValueIsMissingOrNotANumber() {
        var unused = LinearModelLoader.write(temp.resolve("model"), 1.0, Map.of("x", 1.0));
        Predictor p = loader.load(version("linear"), temp.resolve("model"));

        assertThat(p.predict(List.of(Map.of("x", 2)))).containsExactly(3.0);
        assertThatThrownBy(() -> p.predict(List.of(Map.of("x", 1), Map.of("x", "a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 1 column 'x' must be a number, got a");
    }

    @Test
    void shouldNameTheFileWhenArtifactsAreNotALinearModel() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        Path bad = Files.createDirectories(temp.resolve("bad"));
        Files.writeString(bad.resolve(LinearModelLoader.FILE), "{\"intercept\":\"x\"}", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> loader.load(version("linear"), empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no linear.json");
        assertThatThrownBy(() -> loader.load(version("linear"), bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'intercept' must be a finite number");
    }

    @Test
    void shouldScoreTheLinearModelsDocExampleAsTheDocSays() throws IOException {
        // issue 18: the format was documented only in a class comment; docs/linear-models.md now says it, checked here
        String doc = Files.readString(Path.of("..", "docs", "linear-models.md"), StandardCharsets.UTF_8);
        int start = doc.indexOf("```json\n") + "```json\n".length();
        String file = doc.substring(start, doc.indexOf("```", start));
        String request =
                doc.lines().filter(l -> l.startsWith("{\"rows\":")).findFirst().orElseThrow();
        String answer = doc.lines()
                .filter(l -> l.startsWith("{\"predictions\":"))
                .findFirst()
                .orElseThrow();
        Path dir = Files.createDirectories(temp.resolve("doc-model"));
        Files.writeString(dir.resolve(LinearModelLoader.FILE), file, StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Object> row = json.convertValue(
                json.readTree(request).get("rows").get(0),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
        double documented = json.readTree(answer).get("predictions").get(0).doubleValue();

        List<Object> out = loader.load(version("linear"), dir).predict(List.of(row));

        assertThat(doc).contains(LinearModelLoader.FLAVOR_TAG + "=" + LinearModelLoader.FLAVOR, LinearModelLoader.FILE);
        assertThat((double) out.get(0)).isCloseTo(documented, within(1e-12));
    }
}
