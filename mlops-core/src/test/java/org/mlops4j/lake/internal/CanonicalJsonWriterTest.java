package org.mlops4j.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mlops4j.store.Digest;

class CanonicalJsonWriterTest {

    private static String write(Object value) {
        return new String(CanonicalJson.write(value), StandardCharsets.UTF_8);
    }

    @Test
    void shouldSortKeysByUtf8BytesWhenStringOrderDiffers() {
        // by UTF-16 units "\uD83D\uDE00" (U+1F600) < "\uFF61"; by code points U+FF61 < U+1F600
        Map<String, Object> map = new TreeMap<>();
        map.put("\uD83D\uDE00", 1L);
        map.put("\uFF61", 2L);
        assertThat("\uD83D\uDE00".compareTo("\uFF61")).isNegative();

        assertThat(write(map)).isEqualTo("{\"\uFF61\":2,\"\uD83D\uDE00\":1}");
    }

    @Test
    void shouldWriteSameBytesWhenInsertionOrderDiffers() {
        Map<String, Object> forward = new LinkedHashMap<>();
        Map<String, Object> backward = new LinkedHashMap<>();
        List<String> keys = List.of("b", "a", "", "\u00e9", "A", "aa", "\uD83D\uDE00");
        keys.forEach(k -> forward.put(k, k));
        List<String> reversed = new ArrayList<>(keys);
        Collections.reverse(reversed);
        reversed.forEach(k -> backward.put(k, k));

        assertThat(CanonicalJson.write(forward)).isEqualTo(CanonicalJson.write(backward));
        assertThat(write(forward)).startsWith("{\"\":\"\",\"A\":\"A\",\"a\":\"a\",\"aa\":\"aa\",\"b\"");
    }

    @Test
    void shouldEscapeExactlyThePinnedCharactersWhenWritingAscii() {
        for (char c = 0; c < 0x80; c++) {
            String expected;
            switch (c) {
                case '"' -> expected = "\\\"";
                case '\\' -> expected = "\\\\";
                case '\b' -> expected = "\\b";
                case '\t' -> expected = "\\t";
                case '\n' -> expected = "\\n";
                case '\f' -> expected = "\\f";
                case '\r' -> expected = "\\r";
                default -> expected = c < 0x20 ? String.format(Locale.ROOT, "\\u%04X", (int) c) : String.valueOf(c);
            }
            assertThat(write(String.valueOf(c))).as("U+%04X", (int) c).isEqualTo("\"" + expected + "\"");
        }
    }

    @Test
    void shouldWriteRawUtf8WhenCharactersAreNonAscii() {
        String text = "\u0080\u00e9\u2028\u2029\uFEFF\uFFFF\uD83D\uDE00\uDBFF\uDFFF";

        byte[] bytes = CanonicalJson.write(text);

        assertThat(bytes).isEqualTo(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8));
        assertThat(bytes).hasSize(2 + 2 + 2 + 3 + 3 + 3 + 3 + 4 + 4);
    }

    @Test
    void shouldWriteIntegersInPlainDecimalWhenGivenEachIntegerType() {
        List<Object> values = List.of(
                0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 7, (short) -3, (byte) 5, BigInteger.valueOf(Long.MIN_VALUE));

        assertThat(write(values))
                .isEqualTo("[0,-1,9223372036854775807,-9223372036854775808,7,-3,5," + "-9223372036854775808]");
    }

    @Test
    void shouldWriteLiteralsAndEmptyContainersWhenGivenThem() {
        assertThat(write(Arrays.asList(true, false, null, List.of(), Map.of()))).isEqualTo("[true,false,null,[],{}]");
        assertThat(write(null)).isEqualTo("null");
    }

    @Test
    void shouldWriteTextFormsWhenGivenDigestAndFormat() {
        Digest digest = Digest.of(new byte[0]);

        assertThat(write(List.of(digest, RecordFormat.of("mlops4j.lake", 1))))
                .isEqualTo("[\"" + digest + "\",\"mlops4j.lake/1\"]");
    }

    @Test
    void shouldRejectDoubleNamingPathWhenValueIsFloatingPoint() {
        Map<String, Object> value = Map.of("metrics", List.of(Map.of("auc", 0.91)));

        assertThatThrownBy(() -> CanonicalJson.write(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.metrics[0].auc")
                .hasMessageContaining("0.91")
                .hasMessageContaining("integers only");
    }

    @Test
    void shouldRejectFloatWhenValueIsFloat() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("f", 1.0f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.f");
    }

    @Test
    void shouldRejectBigDecimalWhenValueIsBigDecimal() {
        assertThatThrownBy(() -> CanonicalJson.write(List.of(BigDecimal.ONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$[0]");
    }

    @Test
    void shouldRejectBigIntegerWhenBeyond64Bits() {
        BigInteger big = BigInteger.ONE.shiftLeft(63);

        assertThatThrownBy(() -> CanonicalJson.write(Map.of("n", big)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.n")
                .hasMessageContaining("9223372036854775808");
    }

    @Test
    void shouldRejectLoneSurrogateWhenInValueOrKey() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("k", "a\uD800b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.k")
                .hasMessageContaining("U+D800");
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("\uDC00", "v")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lone surrogate");
    }

    @Test
    void shouldRejectKeyWhenNotAString() {
        Map<Object, Object> map = new HashMap<>();
        map.put(1, "one");

        assertThatThrownBy(() -> CanonicalJson.write(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer key");
    }

    @Test
    void shouldRejectKeyWhenNull() {
        Map<String, Object> map = new HashMap<>();
        map.put(null, "none");

        assertThatThrownBy(() -> CanonicalJson.write(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null key");
    }

    @Test
    void shouldRejectSetWhenOrderIsUndefined() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("s", Set.of("a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.s")
                .hasMessageContaining("sorted List");
    }

    @Test
    void shouldRejectUnsupportedTypeWhenGivenOtherObject() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("t", java.time.Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.t")
                .hasMessageContaining("java.time.Instant");
    }

    @Test
    void shouldRejectCycleWhenNestingExceedsLimit() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);

        assertThatThrownBy(() -> CanonicalJson.write(cyclic))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 64");
    }

    @Test
    void shouldAcceptMaximumDepthWhenExactlyAtLimit() {
        Object value = List.of();
        for (int i = 1; i < 3; i++) {
            value = List.of(value);
        }
        JsonLimits limits = new JsonLimits(100, 3);

        assertThat(CanonicalJson.write(value, limits)).asString().isEqualTo("[[[]]]");
        Object deeper = List.of(value);
        assertThatThrownBy(() -> CanonicalJson.write(deeper, limits)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectOutputWhenLargerThanLimit() {
        assertThatThrownBy(() -> CanonicalJson.write("0123456789", new JsonLimits(10, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bytes")
                .hasMessageContaining("TOO_LARGE");
    }

    @Test
    void shouldWriteRecordWriterAsObjectWhenNested() {
        byte[] bytes = RecordWriter.createWithoutChecksum(RecordFormat.of("mlops4j.test", 2))
                .put("z", RecordWriter.object().put("b", 1L).put("a", "x"))
                .put("a", List.of(RecordWriter.object()))
                .toBytes();

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":[{}],\"format\":\"mlops4j.test/2\",\"z\":{\"a\":\"x\",\"b\":1}}");
    }

    @Test
    void shouldHashCanonicalBytesWhenDigesting() {
        Map<String, Object> value = Map.of("b", 2L, "a", 1L);

        assertThat(CanonicalJson.digest(value))
                .isEqualTo(Digest.of("{\"a\":1,\"b\":2}".getBytes(StandardCharsets.UTF_8)));
    }
}
