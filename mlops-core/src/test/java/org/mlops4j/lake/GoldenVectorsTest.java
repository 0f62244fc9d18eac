package org.mlops4j.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.LakeDescriptor;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;

/**
 * Checks the committed golden vectors byte for byte: the writer's output for each value in {@link GoldenVectors},
 * the SHA-256 digests in {@code golden/SHA256SUMS}, and the rejection reason of each vector in
 * {@code golden/invalid/INDEX}. The same files are checked independently by {@code scripts/verify-golden-vectors.py}.
 */
class GoldenVectorsTest {

    static Stream<Arguments> positives() throws IOException {
        Map<String, String> sums = sums();
        return GoldenVectors.values().entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue(), sums.get(e.getKey())));
    }

    static Stream<Arguments> negatives() throws IOException {
        List<Arguments> result = new ArrayList<>();
        for (String line : text("golden/invalid/INDEX").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" ");
            result.add(Arguments.of(parts[0], parts[1], parts[2]));
        }
        return result.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positives")
    void shouldWriteGoldenBytesWhenGivenGoldenValue(String file, Object value, String expectedHex) throws IOException {
        byte[] golden = bytes("golden/" + file);

        assertThat(CanonicalJson.write(value)).isEqualTo(golden);
        assertThat(CanonicalJson.digest(value).hex()).isEqualTo(expectedHex);
        assertThat(Digest.of(golden).hex()).isEqualTo(expectedHex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positives")
    void shouldReadGoldenValueWhenGivenGoldenBytes(String file, Object value, String expectedHex) throws IOException {
        Object read = CanonicalJson.read(bytes("golden/" + file));

        assertThat(CanonicalJson.write(read)).isEqualTo(CanonicalJson.write(value));
        assertThat(read).isEqualTo(normalize(value));
    }

    @Test
    void shouldListEveryGoldenFileWhenSumsAreRead() throws IOException {
        assertThat(sums()).containsOnlyKeys(GoldenVectors.values().keySet());
    }

    @Test
    void shouldWriteGoldenLakeJsonWhenDescriptorIsCurrent() throws IOException {
        assertThat(LakeDescriptor.current().toBytes()).isEqualTo(bytes("golden/lake.json"));
        assertThat(LakeDescriptor.parse(bytes("golden/lake.json"))).isEqualTo(LakeDescriptor.current());
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("negatives")
    void shouldRejectWithIndexedReasonWhenGivenInvalidVector(String file, String reader, String reason)
            throws IOException {
        byte[] data = bytes("golden/invalid/" + file);

        assertThatThrownBy(() -> {
                    if (reader.equals("lake.json")) {
                        LakeDescriptor.parse(data);
                    } else if (reader.equals("record")) {
                        RecordReader.check(data, file);
                    } else {
                        CanonicalJson.read(data);
                    }
                })
                .isInstanceOf(LakeFormatException.class)
                .extracting(e -> ((LakeFormatException) e).getReason().toString())
                .isEqualTo(reason);
    }

    @Test
    void shouldReadOlderRecordWhenItHasNoChecksum() throws IOException {
        byte[] older = bytes("golden/nested-record.json");

        assertThat(RecordReader.check(older, "nested-record.json"))
                .isEqualTo(RecordFormat.of("mlops4j.golden-example", 1));
        RecordReader r = RecordReader.parse(older, RecordFormat.of("mlops4j.golden-example", 1), "nested-record.json");
        assertThat(r.has(RecordFormat.CHECKSUM_FIELD)).isFalse();
        assertThat(r.getString("root")).startsWith("sha256:");
    }

    @Test
    void shouldChecksumTheRecordWithoutItWhenRecordIsWritten() throws IOException {
        byte[] older = bytes("golden/nested-record.json");
        byte[] checksummed = bytes("golden/nested-record-checksum.json");

        RecordReader r =
                RecordReader.parse(checksummed, RecordFormat.of("mlops4j.golden-example", 1), "nested-record.json");
        assertThat(r.getDigest(RecordFormat.CHECKSUM_FIELD)).isEqualTo(Digest.of(older));
        assertThat(CanonicalJson.write(GoldenVectors.values().get("nested-record-checksum.json")))
                .isEqualTo(checksummed);
    }

    @Test
    void shouldCoverEveryReasonWhenInvalidVectorsAreListed() throws IOException {
        List<String> reasons =
                negatives().map(a -> (String) a.get()[2]).distinct().toList();

        assertThat(reasons)
                .containsAll(LakeFormatException.Reason.values().stream()
                        .map(Object::toString)
                        .toList());
    }

    /** Maps the writer's input types onto the reader's output types (Integer to Long, writers to maps). */
    static Object normalize(Object value) {
        if (value instanceof RecordWriter w) {
            return normalize(w.fieldsToWrite());
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> result = new LinkedHashMap<>();
            m.forEach((k, v) -> result.put((String) k, normalize(v)));
            return result;
        }
        if (value instanceof List<?> l) {
            List<Object> result = new ArrayList<>();
            l.forEach(v -> result.add(normalize(v)));
            return result;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Digest || value instanceof RecordFormat) {
            return value.toString();
        }
        return value;
    }

    private static Map<String, String> sums() throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : text("golden/SHA256SUMS").split("\n")) {
            String[] parts = line.split(" {2}");
            sums.put(parts[1], parts[0]);
        }
        return sums;
    }

    static byte[] bytes(String resource) throws IOException {
        try (InputStream in = GoldenVectorsTest.class.getClassLoader().getResourceAsStream(resource)) {
            return Objects.requireNonNull(in, resource).readAllBytes();
        }
    }

    private static String text(String resource) throws IOException {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }
}
