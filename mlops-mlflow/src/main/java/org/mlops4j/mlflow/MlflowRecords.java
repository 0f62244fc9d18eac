package org.mlops4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.Digest;

/**
 * How MLOps4J records live in MLflow tags: a model version's full record as JSON in the version's tags {@code
 * mlops4j.record.0…n} (chunks of at most {@value #CHUNK} characters, which every MLflow version accepts as a registry
 * tag value), an alias's last move as JSON in the registered model's tag {@code mlops4j.alias.<alias>}. The number and
 * name come from MLflow itself. A version without a record (registered by another MLflow client) is read from MLflow's
 * own fields. Stateless.
 */
final class MlflowRecords {
    static final int CHUNK = 5000;
    static final int MAX_TAG_KEY = 250;
    static final String PREFIX = "mlops4j.";
    static final String REQUEST = "mlops4j.request";
    static final String RECORD = "mlops4j.record.";
    static final String RECORD_CHUNKS = "mlops4j.record.chunks";
    static final String ALIAS = "mlops4j.alias.";
    static final String FORMAT = "mlops4j-mlflow-version/1";
    /** Set to {@code false} on versions another MLflow client registered: their files are not verified on reading. */
    static final String VERIFIED = "mlops4j.verified";

    private MlflowRecords() {}

    /** The version's tags as MLflow stores them: record chunks, request id, and the user's tags where they fit. */
    static Map<String, String> versionTags(ObjectMapper json, ModelVersion v) {
        Map<String, String> tags = versionTags(json, v, CHUNK);
        tags.entrySet()
                .removeIf(e -> !e.getKey().startsWith(PREFIX) && e.getValue().length() > CHUNK);
        return tags;
    }

    /**
     * {@link #versionTags(ObjectMapper, ModelVersion)} for a server whose tag values hold {@code limit} characters:
     * record chunks of that size, and every user tag, however long (the driver moves a longer value into an artifact).
     */
    static Map<String, String> versionTags(ObjectMapper json, ModelVersion v, int limit) {
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> chunks = chunk(write(json, record(json, v)), limit);
        for (int i = 0; i < chunks.size(); i++) {
            tags.put(RECORD + i, chunks.get(i));
        }
        tags.put(RECORD_CHUNKS, Integer.toString(chunks.size()));
        tags.put(REQUEST, v.getRequestId());
        v.getTags().forEach((k, value) -> {
            if (isNativeTag(k, value, Integer.MAX_VALUE)) {
                tags.put(k, value); // searchable by MLflow and visible in its UI; the record keeps the truth
            }
        });
        return tags;
    }

    /** Whether a user tag is also stored as a plain MLflow tag (and can be searched on the server). */
    static boolean isNativeTag(String key, String value) {
        return isNativeTag(key, value, CHUNK);
    }

    /**
     * Whether a user tag is also a plain MLflow tag on a server whose values hold {@code limit} characters (a longer
     * value is stored in an artifact and the tag points to it).
     */
    static boolean isNativeTag(String key, String value, int limit) {
        return !key.startsWith(PREFIX)
                && !key.startsWith("mlflow.")
                && !key.isEmpty()
                && key.length() <= MAX_TAG_KEY
                && value.length() <= limit;
    }

    private static ObjectNode record(ObjectMapper json, ModelVersion v) {
        ObjectNode r = json.createObjectNode();
        r.put("format", FORMAT);
        r.put("request", v.getRequestId());
        v.getArtifactLocation().flatMap(ArtifactLocation::getUri).ifPresent(uri -> r.put("artifactUri", uri));
        v.getArtifacts().ifPresent(tree -> r.put("artifactTree", tree.toString()));
        r.put("artifactFiles", v.getArtifactFiles());
        r.put("artifactBytes", v.getArtifactBytes());
        ObjectNode metrics = r.putObject("metrics");
        new TreeMap<>(v.getMetrics()).forEach((k, value) -> metrics.put(k, Double.toString(value)));
        ObjectNode params = r.putObject("params");
        new TreeMap<>(v.getParams()).forEach(params::put);
        ObjectNode tags = r.putObject("tags");
        new TreeMap<>(v.getTags()).forEach(tags::put);
        r.put("signature", v.getSignature());
        ArrayNode inputs = r.putArray("inputs");
        for (ModelInput input : v.getInputs()) {
            inputs.addObject().put("dataset", input.dataset().toString()).put("role", input.role());
        }
        r.put("codeRevision", v.getCodeRevision());
        r.put("pipelineRun", v.getPipelineRun());
        r.put("description", v.getDescription());
        r.put("created", v.getCreated().toString());
        r.put("author", v.getAuthor());
        return r;
    }

    /**
     * Reads a model version from MLflow's JSON.
     *
     * @param json the mapper
     * @param mv MLflow's {@code model_version} object
     * @return the version
     * @throws MlopsException if its record is damaged
     */
    static ModelVersion decodeVersion(ObjectMapper json, JsonNode mv) {
        ModelRef ref = new ModelRef(
                mv.path("name").asText(), Long.parseLong(mv.path("version").asText()));
        Map<String, String> tags = tags(mv.path("tags"));
        String chunks = tags.get(RECORD_CHUNKS);
        if (chunks == null) {
            return foreign(ref, mv, tags);
        }
        StringBuilder text = new StringBuilder();
        try {
            int n = Integer.parseInt(chunks);
            for (int i = 0; i < n; i++) {
                String chunk = tags.get(RECORD + i);
                if (chunk == null) {
                    throw damaged(ref, "tag " + RECORD + i + " is missing");
                }
                text.append(chunk);
            }
            JsonNode r = json.readTree(text.toString());
            if (!FORMAT.equals(r.path("format").asText())) {
                throw damaged(
                        ref,
                        "its format is '" + r.path("format").asText() + "', this library reads " + FORMAT
                                + "; upgrade MLOps4J");
            }
            String uri = optionalText(r, "artifactUri");
            String tree = optionalText(r, "artifactTree");
            ArtifactLocation location = null;
            if (uri != null) {
                location = tree == null ? ArtifactLocation.uri(uri) : ArtifactLocation.uri(uri, Digest.parse(tree));
            } else if (tree != null) {
                location = ArtifactLocation.lakeTree(Digest.parse(tree));
            }
            Map<String, Double> metrics = new TreeMap<>();
            fields(r.path("metrics")).forEach((k, v) -> metrics.put(k, Double.parseDouble(v)));
            List<ModelInput> inputs = new ArrayList<>();
            for (JsonNode input : r.path("inputs")) {
                inputs.add(new ModelInput(
                        DatasetRef.parse(input.path("dataset").asText()),
                        input.path("role").asText()));
            }
            return new ModelVersion(
                    ref,
                    location,
                    r.path("artifactFiles").asLong(),
                    r.path("artifactBytes").asLong(),
                    metrics,
                    fields(r.path("params")),
                    fields(r.path("tags")),
                    required(ref, r, "signature"),
                    inputs,
                    required(ref, r, "codeRevision"),
                    required(ref, r, "pipelineRun"),
                    required(ref, r, "description"),
                    Instant.parse(required(ref, r, "created")),
                    required(ref, r, "author"),
                    required(ref, r, "request"));
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof MlopsException m) {
                throw m;
            }
            throw damaged(ref, e.toString());
        }
    }

    /** A version another MLflow client registered: what MLflow knows, under a request id of its own. */
    private static ModelVersion foreign(ModelRef ref, JsonNode mv, Map<String, String> tags) {
        String source = mv.path("source").asText("");
        ArtifactLocation location = null;
        try {
            location = source.isEmpty() ? null : ArtifactLocation.uri(source);
        } catch (IllegalArgumentException e) {
            // a relative or odd source: not a location we can name
        }
        Map<String, String> userTags = new TreeMap<>(tags);
        userTags.keySet().removeIf(k -> k.startsWith("mlflow.") || k.startsWith(PREFIX));
        userTags.put(VERIFIED, "false"); // no MLOps4J manifest: its files are read without a digest check
        long created = mv.path("creation_timestamp").asLong(0);
        return new ModelVersion(
                ref,
                location,
                0,
                0,
                Map.of(),
                Map.of(),
                userTags,
                "",
                List.of(),
                "",
                mv.path("run_id").asText(""),
                mv.path("description").asText(""),
                Instant.ofEpochMilli(created),
                mv.path("user_id").asText(""),
                "mlflow:" + ref);
    }

    static String encodeAlias(ObjectMapper json, AliasEvent e) {
        ObjectNode r = json.createObjectNode();
        r.put("model", e.model());
        r.put("alias", e.alias());
        r.put("sequence", e.sequence());
        r.put("from", e.fromVersion());
        r.put("to", e.toVersion());
        r.put("at", e.at().toString());
        r.put("by", e.by());
        r.put("run", e.runId());
        r.put("reason", e.reason());
        return write(json, r);
    }

    static AliasEvent decodeAlias(ObjectMapper json, String model, String alias, String text) {
        try {
            JsonNode r = json.readTree(text);
            return new AliasEvent(
                    r.path("model").asText(model),
                    r.path("alias").asText(alias),
                    r.path("sequence").asLong(),
                    r.path("from").asLong(),
                    r.path("to").asLong(),
                    Instant.parse(r.path("at").asText()),
                    r.path("by").asText(),
                    r.path("run").asText(),
                    r.path("reason").asText());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new MlopsException("the MLflow tag " + ALIAS + alias + " of registered model '" + model
                    + "' does not hold an alias record (" + e + "); delete the tag or set the alias again");
        }
    }

    static Map<String, String> tags(JsonNode array) {
        Map<String, String> tags = new TreeMap<>();
        for (JsonNode tag : array) {
            tags.put(tag.path("key").asText(), tag.path("value").asText());
        }
        return tags;
    }

    static List<String> chunk(String text) {
        return chunk(text, CHUNK);
    }

    static List<String> chunk(String text, int size) {
        List<String> chunks = new ArrayList<>();
        int from = 0;
        while (from < text.length() || chunks.isEmpty()) {
            int to = Math.min(text.length(), from + size);
            if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                to--; // never split a surrogate pair
            }
            chunks.add(text.substring(from, to));
            from = to;
        }
        return chunks;
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static @Nullable String optionalText(JsonNode r, String field) {
        JsonNode node = r.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String required(ModelRef ref, JsonNode r, String field) {
        JsonNode node = r.get(field);
        if (node == null || !node.isTextual()) {
            throw damaged(ref, "its record has no '" + field + "'");
        }
        return node.asText();
    }

    private static MlopsException damaged(ModelRef ref, String why) {
        return new MlopsException("the MLOps4J record in the MLflow tags of model version " + ref + " is damaged: "
                + why + "; someone edited the mlops4j.* tags outside MLOps4J");
    }

    private static String write(ObjectMapper json, JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }
}
