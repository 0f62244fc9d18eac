package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.MlopsException;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.Digest;

/** The record in MLflow tags, without a server. */
class MlflowRecordsTest {
    private final ObjectMapper json = new ObjectMapper();

    private static ModelVersion version(String signature, Map<String, String> tags) {
        return new ModelVersion(
                new ModelRef("churn", 3),
                ArtifactLocation.uri("mlflow-artifacts:/1/abc/artifacts/model", Digest.of(new byte[] {1})),
                2,
                14,
                Map.of("auc", 0.8712, "nan", Double.NaN, "tiny", Double.MIN_VALUE),
                Map.of("depth", "6"),
                tags,
                signature,
                List.of(new ModelInput(new DatasetRef("train", 4), ModelInput.TRAIN)),
                "git:abc",
                "run-1",
                "desc",
                Instant.parse("2026-11-29T10:00:00.123456789Z"),
                "alice",
                "req-1");
    }

    /** MLflow's model_version JSON carrying the tags the driver would send. */
    private ObjectNode asMlflow(ModelVersion v) {
        ObjectNode mv = json.createObjectNode().put("name", "churn").put("version", "3");
        ArrayNode tags = mv.putArray("tags");
        MlflowRecords.versionTags(json, v)
                .forEach((k, value) -> tags.addObject().put("key", k).put("value", value));
        return mv;
    }

    @Test
    void shouldRoundTripARecordLongerThanOneTagWithSurrogatePairsAtTheBoundaries() {
        String signature = "😀".repeat(12_000); // 24,000 chars: pairs straddle every 5,000-char boundary
        ModelVersion v = version(signature, Map.of("team", "growth", "long", "x".repeat(6000)));

        Map<String, String> tags = MlflowRecords.versionTags(json, v);
        ModelVersion read = MlflowRecords.decodeVersion(json, asMlflow(v));

        assertThat(tags.values()).allSatisfy(value -> assertThat(value.length()).isLessThanOrEqualTo(5000));
        assertThat(tags).containsEntry("team", "growth").doesNotContainKey("long");
        assertThat(read.getSignature()).isEqualTo(signature);
        assertThat(read.getMetrics()).isEqualTo(v.getMetrics());
        assertThat(read.getTags()).isEqualTo(v.getTags());
        assertThat(read.getInputs()).isEqualTo(v.getInputs());
        assertThat(read.getCreated()).isEqualTo(v.getCreated());
        assertThat(read.getArtifactLocation()).isEqualTo(v.getArtifactLocation());
        assertThat(read.getRequestId()).isEqualTo("req-1");
    }

    @Test
    void shouldSayTheRecordIsDamagedWhenAChunkIsMissing() {
        ObjectNode mv = asMlflow(version("s".repeat(9000), Map.of()));
        ArrayNode tags = (ArrayNode) mv.get("tags");
        for (int i = 0; i < tags.size(); i++) {
            if (tags.get(i).path("key").asText().equals("mlops4j.record.1")) {
                tags.remove(i);
            }
        }

        assertThatThrownBy(() -> MlflowRecords.decodeVersion(json, mv))
                .isInstanceOf(MlopsException.class)
                .hasMessageContaining("churn@3")
                .hasMessageContaining("mlops4j.record.1");
    }

    @Test
    void shouldKeepTheRecordsTagsOutOfTheUsersTagsWhenTheyCollide() {
        assertThat(MlflowRecords.isNativeTag("mlops4j.request", "x")).isFalse();
        assertThat(MlflowRecords.isNativeTag("mlflow.user", "x")).isFalse();
        assertThat(MlflowRecords.isNativeTag("team", "x")).isTrue();
    }
}
