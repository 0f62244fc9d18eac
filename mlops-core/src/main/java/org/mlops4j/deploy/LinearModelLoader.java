package org.mlops4j.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlops4j.common.StorageException;
import org.mlops4j.registry.ModelVersion;

/**
 * Loads linear (and logistic) models from a small JSON file, {@value #FILE}: for tests, samples and simple models
 * that need no native runtime. A version is supported when its tag {@value #FLAVOR_TAG} is {@value #FLAVOR}.
 *
 * <pre>{@code
 * {"intercept": 0.5,
 *  "weights": {"x": 2.0, "age": -0.01},
 *  "categories": {"city": {"Oslo": 0.3, "Bergen": -0.2}},
 *  "link": "identity"}
 * }</pre>
 *
 * <p>The prediction of a row is {@code intercept + Σ weight·value + Σ categories[column][value]}, passed through the
 * link ({@code identity} or {@code logistic}). Every weighted column is required and numeric; a category not listed
 * adds 0. Nothing is loaded through Java serialization. Stateless and thread-safe, as are its predictors. The format,
 * with an example request and answer, is in {@code docs/linear-models.md}.
 */
public final class LinearModelLoader implements ModelLoader {
    /** The tag that names a model's flavor. */
    public static final String FLAVOR_TAG = "flavor";
    /** The flavor this loader serves. */
    public static final String FLAVOR = "linear";
    /** The artifact file it reads. */
    public static final String FILE = "linear.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Creates the loader. */
    public LinearModelLoader() {}

    /**
     * Writes a model's artifact file into a directory, ready for {@code ModelRegistration.artifacts(directory)}.
     *
     * @param directory the directory (created if absent)
     * @param intercept the intercept
     * @param weights column to weight
     * @return the file written
     * @throws StorageException if the directory or the file cannot be written
     * @throws IllegalArgumentException if a weight is not finite
     */
    public static Path write(Path directory, double intercept, Map<String, Double> weights) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("intercept", requireFinite("intercept", intercept));
        Map<String, Double> copy = new LinkedHashMap<>();
        weights.forEach((column, weight) -> copy.put(column, requireFinite(column, weight)));
        model.put("weights", copy);
        model.put("link", "identity");
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(FILE);
            Files.write(file, JSON.writeValueAsBytes(model));
            return file;
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot write " + FILE + " into " + directory + ": " + e
                            + "; check that the directory can be created and written",
                    e);
        }
    }

    @Override
    public boolean supports(ModelVersion version) {
        return FLAVOR.equals(version.getTags().get(FLAVOR_TAG));
    }

    @Override
    public Predictor load(ModelVersion version, Path artifacts) {
        Path file = artifacts.resolve(FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(version.getRef() + " has no " + FILE + " among its artifacts", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " of " + version.getRef() + " is not valid JSON: " + e, e);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read " + file + " of " + version.getRef() + ": " + e
                            + "; check the artifact cache directory and its permissions",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " of " + version.getRef() + " is not a JSON object");
        }
        double intercept = number(root.path("intercept"), "intercept", file);
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("weights").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            weights.put(e.getKey(), number(e.getValue(), "weights." + e.getKey(), file));
        }
        Map<String, Map<String, Double>> categories = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("categories").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            Map<String, Double> levels = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> lv = column.getValue().fields(); lv.hasNext(); ) {
                Map.Entry<String, JsonNode> level = lv.next();
                levels.put(
                        level.getKey(),
                        number(level.getValue(), "categories." + column.getKey() + "." + level.getKey(), file));
            }
            categories.put(column.getKey(), Map.copyOf(levels));
        }
        String link = root.path("link").asText("identity");
        if (!link.equals("identity") && !link.equals("logistic")) {
            throw new IllegalArgumentException(
                    file + " of " + version.getRef() + ": link is 'identity' or 'logistic', got '" + link + "'");
        }
        return new LinearPredictor(intercept, Map.copyOf(weights), Map.copyOf(categories), link.equals("logistic"));
    }

    private static double number(JsonNode node, String field, Path file) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw new IllegalArgumentException(file + ": '" + field + "' must be a finite number");
        }
        return node.doubleValue();
    }

    private static double requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("weight of '" + what + "' must be finite, got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "LinearModelLoader";
    }

    private record LinearPredictor(
            double intercept,
            Map<String, Double> weights,
            Map<String, Map<String, Double>> categories,
            boolean logistic)
            implements Predictor {
        LinearPredictor {
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(categories, "categories");
        }

        @Override
        public List<Object> predict(List<Map<String, Object>> rows) {
            List<Object> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> row = rows.get(i);
                double sum = intercept;
                for (Map.Entry<String, Double> w : weights.entrySet()) {
                    Object value = row.get(w.getKey());
                    if (!(value instanceof Number number)) {
                        throw new IllegalArgumentException("row " + i + " column '" + w.getKey()
                                + "' must be a number, " + (value == null ? "but is missing" : "got " + value));
                    }
                    sum += w.getValue() * number.doubleValue();
                }
                for (Map.Entry<String, Map<String, Double>> c : categories.entrySet()) {
                    Object value = row.get(c.getKey());
                    if (value != null) {
                        sum += c.getValue().getOrDefault(value.toString(), 0.0);
                    }
                }
                out.add(logistic ? 1 / (1 + Math.exp(-sum)) : sum);
            }
            return out;
        }
    }
}
