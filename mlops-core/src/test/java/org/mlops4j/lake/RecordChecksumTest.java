package org.mlops4j.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;

/** Record checksums, lake format §5.1: written by every record writer, checked by every record reader. */
class RecordChecksumTest {
    private static final RecordFormat FORMAT = RecordFormat.of("mlops4j.dataset-version", 1);
    private static final String KEY = "datasets/churn/v/00000001.json";

    private static RecordWriter record() {
        return RecordWriter.create(FORMAT)
                .put("name", "churn")
                .put("version", 1L)
                .put("author", "root")
                .put("tags", Map.of("team", "ml"))
                .put("parents", List.of(RecordWriter.object().put("name", "raw").put("version", 3L)));
    }

    private static Map<String, Object> decode(RecordReader r) {
        Map<String, Object> values = new HashMap<>();
        values.put("name", r.getString("name"));
        values.put("version", r.getLong("version", 1, Long.MAX_VALUE));
        values.put("author", r.getString("author"));
        values.put("tags", r.getStringMap("tags"));
        for (RecordReader parent : r.getObjectList("parents")) {
            values.put("parent", parent.getString("name") + "@" + parent.getLong("version", 1, Long.MAX_VALUE));
        }
        return values;
    }

    @Test
    void shouldWriteDigestOfRecordWithoutItWhenRecordIsCreated() {
        byte[] bytes = record().toBytes();
        byte[] body = CanonicalJson.write(record().fields());

        Map<String, Object> read = CanonicalJson.readObject(bytes);
        assertThat(read)
                .containsEntry(RecordFormat.CHECKSUM_FIELD, Digest.of(body).toString());
        Map<String, Object> withoutChecksum = new HashMap<>(read);
        withoutChecksum.remove(RecordFormat.CHECKSUM_FIELD);
        assertThat(CanonicalJson.write(withoutChecksum)).isEqualTo(body);
        assertThat(CanonicalJson.write(record())).isEqualTo(bytes);
    }

    @Test
    void shouldWriteNoChecksumWhenRecordIsCheckedOtherwise() {
        byte[] bytes =
                RecordWriter.createWithoutChecksum(FORMAT).put("name", "x").toBytes();

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"format\":\"mlops4j.dataset-version/1\",\"name\":\"x\"}");
    }

    @Test
    void shouldRejectChecksumFieldWhenSetByHand() {
        assertThatThrownBy(() -> RecordWriter.create(FORMAT).put("checksum", "sha256:00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void shouldReadRecordWhenChecksumMatches() {
        Map<String, Object> values = RecordReader.decode(record().toBytes(), FORMAT, KEY, RecordChecksumTest::decode);

        assertThat(values).containsEntry("author", "root").containsEntry("parent", "raw@3");
        assertThat(RecordReader.check(record().toBytes(), KEY)).isEqualTo(FORMAT);
    }

    @Test
    void shouldReadOlderRecordWhenItHasNoChecksum() {
        byte[] older = CanonicalJson.write(record().fields());

        assertThat(RecordReader.decode(older, FORMAT, KEY, RecordChecksumTest::decode))
                .containsEntry("author", "root");
        assertThat(RecordReader.check(older, KEY)).isEqualTo(FORMAT);
    }

    /** The issue's example: {@code "author":"root"} became {@code "soot"} and read as a valid record. */
    @Test
    void shouldRejectChangedValueWhenRecordHasChecksum() {
        byte[] bytes = new String(record().toBytes(), StandardCharsets.UTF_8)
                .replace("\"root\"", "\"soot\"")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RecordReader.parse(bytes, FORMAT, KEY))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining(KEY)
                .extracting(e -> ((LakeFormatException) e).getReason())
                .isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThatThrownBy(() -> RecordReader.check(bytes, KEY))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining(KEY);
    }

    @Test
    void shouldRejectEverySingleBitFlipWhenRecordHasChecksum() {
        byte[] bytes = record().toBytes();
        int flips = 0;
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) (1 << bit);
                flips++;
                int at = i;
                assertThatThrownBy(() -> RecordReader.decode(damaged, FORMAT, KEY, RecordChecksumTest::decode))
                        .as("flip of bit %d of byte %d", bit, at)
                        .isInstanceOf(IntegrityException.class)
                        .hasMessageContaining(KEY);
            }
        }
        assertThat(flips).isEqualTo(bytes.length * 8);
    }

    @Test
    void shouldReportUntypedFailureOfDecoderAsInvalidValueNamingKey() {
        byte[] older = CanonicalJson.write(record().fields());

        assertThatThrownBy(() -> RecordReader.decode(older, FORMAT, KEY, r -> {
                    var unused = decode(r);
                    return Long.parseLong(r.getString("author"));
                }))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining(KEY)
                .hasMessageContaining("NumberFormatException")
                .extracting(e -> ((LakeFormatException) e).getReason())
                .isEqualTo(Reason.INVALID_VALUE);
    }

    @Test
    void shouldRejectMalformedChecksumAsInvalidValue() {
        byte[] bytes = "{\"checksum\":\"sha256:ABC\",\"format\":\"mlops4j.dataset-version/1\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> RecordReader.parse(bytes, FORMAT, KEY))
                .isInstanceOf(LakeFormatException.class)
                .extracting(e -> ((LakeFormatException) e).getReason())
                .isEqualTo(Reason.INVALID_VALUE);
    }

    @Test
    void shouldReportNewerFormatBeforeChecksumWhenVersionIsHigher() {
        byte[] bytes = RecordWriter.create(RecordFormat.of("mlops4j.dataset-version", 2))
                .put("name", "x")
                .toBytes();

        assertThatThrownBy(() -> RecordReader.parse(bytes, FORMAT, KEY))
                .isInstanceOf(LakeFormatException.class)
                .extracting(e -> ((LakeFormatException) e).getReason())
                .isEqualTo(Reason.UNSUPPORTED_FORMAT);
    }
}
