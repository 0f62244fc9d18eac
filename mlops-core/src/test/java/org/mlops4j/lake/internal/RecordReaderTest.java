package org.mlops4j.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.store.Digest;

class RecordReaderTest {
    private static final RecordFormat FORMAT = RecordFormat.of("mlops4j.test-record", 2);
    private static final Digest D1 = Digest.of(new byte[] {1});
    private static final Digest D2 = Digest.of(new byte[] {2});

    private static byte[] record() {
        return RecordWriter.create(FORMAT)
                .put("name", "churn")
                .put("size", 42L)
                .put("public", true)
                .put("root", D1)
                .put("parents", List.of(D1, D2))
                .put("columns", List.of("a", "b"))
                .put("counts", List.of(1L, 2L))
                .put("tags", Map.of("team", "ml"))
                .put("createdAt", "2024-01-02T03:04:05Z")
                .put("entries", List.of(RecordWriter.object().put("path", "x").put("size", 1L)))
                .put("transform", RecordWriter.object().put("name", "clean").put("parameters", Map.of("k", 1L)))
                .toBytes();
    }

    private static RecordReader parse(byte[] bytes) {
        return RecordReader.parse(bytes, FORMAT, "datasets/churn/v/00000001.json");
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @CanIgnoreReturnValue
    private static ThrowableAssertAlternative<LakeFormatException> assertFails(Executable executable, Reason reason) {
        return org.assertj.core.api.Assertions.assertThatExceptionOfType(LakeFormatException.class)
                .isThrownBy(executable::execute)
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(reason));
    }

    @Test
    void shouldReadEveryTypeWhenRecordIsComplete() {
        RecordReader r = parse(record());

        assertThat(r.getFormatVersion()).isEqualTo(2);
        assertThat(r.getString("name")).isEqualTo("churn");
        assertThat(r.getLong("size", 0, Long.MAX_VALUE)).isEqualTo(42L);
        assertThat(r.getBoolean("public")).isTrue();
        assertThat(r.getDigest("root")).isEqualTo(D1);
        assertThat(r.getDigestList("parents")).containsExactly(D1, D2);
        assertThat(r.getStringList("columns")).containsExactly("a", "b");
        assertThat(r.getLongList("counts")).containsExactly(1L, 2L);
        assertThat(r.getStringMap("tags")).containsExactly(Map.entry("team", "ml"));
        assertThat(r.getParsed("createdAt", Instant::parse)).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        List<RecordReader> entries = r.getObjectList("entries");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getString("path")).isEqualTo("x");
        assertThat(entries.get(0).getLong("size")).isEqualTo(1L);
        RecordReader transform = r.getObject("transform");
        assertThat(transform.getString("name")).isEqualTo("clean");
        assertThat(transform.getValue("parameters")).isEqualTo(Map.of("k", 1L));
        assertThat(transform.getPath()).isEqualTo("$.transform");

        r.finish();
    }

    @Test
    void shouldReturnEmptyWhenOptionalFieldsAreAbsent() {
        RecordReader r = RecordReader.parse(RecordWriter.create(FORMAT).toBytes(), FORMAT, "");

        assertThat(r.findString("note")).isEmpty();
        assertThat(r.findLong("size")).isEqualTo(OptionalLong.empty());
        assertThat(r.findBoolean("public")).isEmpty();
        assertThat(r.findDigest("root")).isEmpty();
        assertThat(r.findObject("transform")).isEmpty();
        assertThat(r.has("format")).isTrue();
        r.finish();
    }

    @Test
    void shouldReturnValuesWhenOptionalFieldsArePresent() {
        RecordReader r = parse(record());

        assertThat(r.findString("name")).contains("churn");
        assertThat(r.findLong("size")).hasValue(42L);
        assertThat(r.findBoolean("public")).contains(true);
        assertThat(r.findDigest("root")).contains(D1);
        assertThat(r.findObject("transform").map(RecordReader::getPath)).isEqualTo(Optional.of("$.transform"));
        assertThat(r.fieldNames()).startsWith("checksum", "columns", "counts", "createdAt");
    }

    @Test
    void shouldRejectUnknownFieldWhenNotConsumed() {
        RecordReader r = parse(record());
        assertThat(r.getString("name")).isEqualTo("churn");

        assertFails(r::finish, Reason.UNKNOWN_FIELD)
                .withMessageContaining("$.columns")
                .withMessageContaining("and 9 more")
                .withMessageContaining("datasets/churn/v/00000001.json");
    }

    @Test
    void shouldRejectUnknownFieldWhenNestedObjectHasOne() {
        byte[] bytes = RecordWriter.create(FORMAT)
                .put("transform", RecordWriter.object().put("name", "x").put("extra", 1L))
                .toBytes();
        RecordReader r = parse(bytes);
        assertThat(r.getObject("transform").getString("name")).isEqualTo("x");

        assertFails(r::finish, Reason.UNKNOWN_FIELD)
                .satisfies(e -> assertThat(e.getPath()).isEqualTo("$.transform.extra"));
    }

    @Test
    void shouldRejectMissingFieldWhenRequiredFieldIsAbsent() {
        RecordReader r = parse(RecordWriter.create(FORMAT).toBytes());

        assertFails(() -> r.getString("name"), Reason.MISSING_FIELD)
                .withMessageContaining("$.name")
                .withMessageContaining("'name' is absent");
        assertFails(() -> r.getStringList("columns"), Reason.MISSING_FIELD);
        assertFails(() -> r.getValue("x"), Reason.MISSING_FIELD);
    }

    @Test
    void shouldRejectWrongTypeWhenFieldHasAnotherType() {
        RecordReader r = parse(record());

        assertFails(() -> r.getLong("name"), Reason.WRONG_TYPE)
                .withMessageContaining("$.name")
                .withMessageContaining("expected an integer, got the string \"churn\"");
        assertFails(() -> r.getString("size"), Reason.WRONG_TYPE);
        assertFails(() -> r.getBoolean("name"), Reason.WRONG_TYPE);
        assertFails(() -> r.getDigest("size"), Reason.WRONG_TYPE);
        assertFails(() -> r.getObject("name"), Reason.WRONG_TYPE);
        assertFails(() -> r.getStringList("name"), Reason.WRONG_TYPE);
        assertFails(() -> r.getLongList("columns"), Reason.WRONG_TYPE).withMessageContaining("$.columns[0]");
        assertFails(() -> r.getObjectList("columns"), Reason.WRONG_TYPE);
        assertFails(() -> r.getStringMap("columns"), Reason.WRONG_TYPE);
    }

    @Test
    void shouldRejectWrongTypeWhenValueIsNull() {
        RecordReader r = parse(json("{\"format\":\"mlops4j.test-record/1\",\"note\":null}"));

        assertFails(() -> r.findString("note"), Reason.WRONG_TYPE).withMessageContaining("omitted");
    }

    @Test
    void shouldRejectInvalidValueWhenDigestIsMalformed() {
        byte[] bytes = RecordWriter.create(FORMAT)
                .put("root", "sha256:ABC")
                .put("parents", List.of("md5:00"))
                .toBytes();
        RecordReader r = parse(bytes);

        assertFails(() -> r.getDigest("root"), Reason.INVALID_VALUE).withMessageContaining("$.root");
        assertFails(() -> r.getDigestList("parents"), Reason.INVALID_VALUE)
                .withMessageContaining("$.parents[0]")
                .withMessageContaining("only SHA-256");
    }

    @Test
    void shouldRejectInvalidValueWhenOutOfRangeOrUnparsable() {
        RecordReader r = parse(record());

        assertFails(() -> r.getLong("size", 0, 10), Reason.INVALID_VALUE).withMessageContaining("outside [0, 10]");
        assertFails(() -> r.getParsed("name", Instant::parse), Reason.INVALID_VALUE)
                .withMessageContaining("\"churn\"");
    }

    @Test
    void shouldRejectUnsupportedFormatWhenVersionIsNewer() {
        byte[] bytes = RecordWriter.create(RecordFormat.of(FORMAT.name(), 3))
                .put("newField", 1L)
                .toBytes();

        assertFails(() -> parse(bytes), Reason.UNSUPPORTED_FORMAT)
                .withMessageContaining("mlops4j.test-record/3")
                .withMessageContaining("newer MLOps4J")
                .withMessageContaining("upgrade");
    }

    @Test
    void shouldRejectUnsupportedFormatWhenNewerRecordIsNotCanonical() {
        byte[] bytes = json("{ \"format\": \"mlops4j.test-record/9\", \"score\": 0.5 }");

        assertFails(() -> parse(bytes), Reason.UNSUPPORTED_FORMAT)
                .satisfies(e -> assertThat(e.getCause()).isInstanceOf(LakeFormatException.class));
    }

    @Test
    void shouldKeepOriginalReasonWhenBrokenRecordClaimsKnownVersion() {
        byte[] bytes = json("{ \"format\": \"mlops4j.test-record/1\" }");

        assertFails(() -> parse(bytes), Reason.NON_CANONICAL).withMessageContaining("datasets/churn");
    }

    @Test
    void shouldReadOlderVersionWhenFormatIsOlder() {
        RecordReader r =
                parse(RecordWriter.create(RecordFormat.of(FORMAT.name(), 1)).toBytes());

        assertThat(r.getFormatVersion()).isEqualTo(1);
        r.finish();
    }

    @Test
    void shouldRejectInvalidValueWhenFormatNamesAnotherRecordKind() {
        byte[] bytes = RecordWriter.create(RecordFormat.of("mlops4j.other", 1)).toBytes();

        assertFails(() -> parse(bytes), Reason.INVALID_VALUE).withMessageContaining("expected a 'mlops4j.test-record'");
    }

    @Test
    void shouldRejectInvalidValueWhenFormatIsMalformed() {
        assertFails(() -> parse(json("{\"format\":\"mlops4j.test-record\"}")), Reason.INVALID_VALUE);
        assertFails(() -> parse(json("{\"format\":\"mlops4j.test-record/0\"}")), Reason.INVALID_VALUE);
        assertFails(() -> parse(json("{\"format\":\"Mlops4j/1\"}")), Reason.INVALID_VALUE);
    }

    @Test
    void shouldRejectMissingOrWrongTypeWhenFormatFieldIsBad() {
        assertFails(() -> parse(json("{}")), Reason.MISSING_FIELD).withMessageContaining("$.format");
        assertFails(() -> parse(json("{\"format\":1}")), Reason.WRONG_TYPE);
        assertFails(() -> parse(json("[]")), Reason.WRONG_TYPE);
    }

    @Test
    void shouldNameSourceWhenStrictReadFails() {
        assertFails(() -> parse(json("{\"b\":1,\"a\":2}")), Reason.UNSORTED_KEYS)
                .satisfies(e -> assertThat(e.getSource()).isEqualTo("datasets/churn/v/00000001.json"))
                .withMessageContaining("in datasets/churn/v/00000001.json at $.a");
    }

    @Test
    void shouldNameSourceWhenAStringOrIntegerHasTheWrongType() {
        // found by PackFormatFuzzTest: these getters once reported WRONG_TYPE without the record's key
        RecordReader r = parse(
                json(
                        "{\"columns\":[1],\"counts\":[\"1\"],\"format\":\"mlops4j.test-record/1\",\"name\":1,\"size\":\"1\",\"tags\":{\"k\":1}}"));

        for (Executable read : List.<Executable>of(
                () -> r.getString("name"),
                () -> r.getLong("size"),
                () -> r.getLong("size", 0, 9),
                () -> r.getLongList("counts"),
                () -> r.getStringList("columns"),
                () -> r.getStringMap("tags"))) {
            assertFails(read, Reason.WRONG_TYPE)
                    .satisfies(e -> assertThat(e.getSource()).isEqualTo("datasets/churn/v/00000001.json"))
                    .withMessageContaining("in datasets/churn/v/00000001.json at $.");
        }
    }

    @Test
    void shouldWrapParsedTreeWhenCreatedFromMap() {
        RecordReader r = RecordReader.of(CanonicalJson.readObject(json("{\"a\":\"b\"}")), "mem");

        assertThat(r.getFormatVersion()).isZero();
        assertThat(r.getString("a")).isEqualTo("b");
        r.finish();
    }

    @Test
    void shouldRejectDuplicateFieldWhenWriterSetsItTwice() {
        RecordWriter writer = RecordWriter.object().put("a", 1L);

        assertThatThrownBy(() -> writer.put("a", 2L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' was already set");
        assertThatThrownBy(() -> RecordWriter.create(FORMAT).put("format", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldOmitFieldWhenPutIfNotNullGetsNull() {
        assertThat(RecordWriter.object()
                        .putIfNotNull("a", null)
                        .putIfNotNull("b", 1L)
                        .toBytes())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"b\":1}");
    }

    @Test
    void shouldHashBytesWhenWriterDigests() {
        RecordWriter writer = RecordWriter.create(FORMAT).put("a", "b");

        assertThat(writer.digest()).isEqualTo(Digest.of(writer.toBytes()));
        assertThat(writer.toString()).contains("mlops4j.test-record/2");
    }
}
