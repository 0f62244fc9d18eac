package org.mlops4j.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;

class CanonicalJsonReaderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @CanIgnoreReturnValue
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] input, Reason reason) {
        return assertThatThrownBy(() -> CanonicalJson.read(input))
                .isInstanceOf(LakeFormatException.class)
                .isInstanceOf(IntegrityException.class)
                .satisfies(
                        e -> assertThat(((LakeFormatException) e).getReason()).isEqualTo(reason))
                .hasMessageStartingWith(reason.toString());
    }

    @CanIgnoreReturnValue
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String input, Reason reason) {
        return assertRejected(utf8(input), reason);
    }

    @Test
    void shouldReadValueWhenInputIsCanonical() {
        Object value = CanonicalJson.read(utf8("{\"a\":[1,-2,true,false,null,\"x\\n\"],\"b\":{}}"));

        assertThat(value).isEqualTo(Map.of("a", Arrays.asList(1L, -2L, true, false, null, "x\n"), "b", Map.of()));
    }

    @Test
    void shouldReturnUnmodifiableTreeWhenReading() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) CanonicalJson.read(utf8("{\"a\":[1]}"));

        assertThatThrownBy(() -> map.put("b", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) map.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldLookUpKeysInCanonicalOrderWhenObjectIsCompact() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>)
                CanonicalJson.read(utf8("{\"\":0,\"a\":null,\"b\":[null,1],\"\uFF61\":2,\"\uD83D\uDE00\":3}"));

        assertThat(map.keySet()).containsExactly("", "a", "b", "\uFF61", "\uD83D\uDE00");
        assertThat(map.get("\uD83D\uDE00")).isEqualTo(3L);
        assertThat(map.get("\uFF61")).isEqualTo(2L);
        assertThat(map.containsKey("a")).isTrue();
        assertThat(map.get("a")).isNull();
        assertThat(map.containsKey("c")).isFalse();
        assertThat(map.get((Object) 1)).isNull();
        assertThat(map).isEqualTo(new java.util.HashMap<>(map)).hasSameHashCodeAs(new java.util.HashMap<>(map));
        assertThat((List<Object>) map.get("b")).containsExactly(null, 1L);
        assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<Object>) map.get("b")).set(0, 1L))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldReadScalarRootWhenDocumentIsNotAnObject() {
        assertThat(CanonicalJson.read(utf8("\"\u00e9\""))).isEqualTo("\u00e9");
        assertThat(CanonicalJson.read(utf8("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
        assertThat(CanonicalJson.read(utf8("null"))).isNull();
    }

    @Test
    void shouldRejectAsMalformedWhenSyntaxIsBroken() {
        assertRejected("{\"a\":1", Reason.MALFORMED_JSON).hasMessageContaining("not valid JSON");
        assertRejected("{\"a\":1,}", Reason.MALFORMED_JSON);
        assertRejected("{'a':1}", Reason.MALFORMED_JSON);
        assertRejected("[NaN]", Reason.MALFORMED_JSON);
        assertRejected("[1]/**/", Reason.MALFORMED_JSON);
        assertRejected("[\"a\u0001\"]", Reason.MALFORMED_JSON);
        assertRejected("[+1]", Reason.MALFORMED_JSON);
        assertRejected("[.5]", Reason.MALFORMED_JSON);
    }

    @Test
    void shouldRejectAsMalformedWhenDocumentIsEmpty() {
        assertRejected("", Reason.MALFORMED_JSON).hasMessageContaining("no JSON value");
        assertRejected("  ", Reason.MALFORMED_JSON);
    }

    @Test
    void shouldRejectAsMalformedWhenDocumentIsUtf16() {
        assertRejected("{}".getBytes(StandardCharsets.UTF_16BE), Reason.MALFORMED_JSON)
                .hasMessageContaining("UTF-16");
        assertRejected("{}".getBytes(StandardCharsets.UTF_16LE), Reason.MALFORMED_JSON);
    }

    @Test
    void shouldRejectAsInvalidUtf8WhenDocumentStartsWithBom() {
        assertRejected(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}, Reason.INVALID_UTF8)
                .hasMessageContaining("byte order mark")
                .satisfies(e ->
                        assertThat(((LakeFormatException) e).getByteOffset()).isZero());
    }

    @Test
    void shouldRejectAsInvalidUtf8WhenBytesAreNotUtf8() {
        byte[][] invalid = {
            {'"', (byte) 0xC0, (byte) 0xAF, '"'}, // overlong '/'
            {'"', (byte) 0xE0, (byte) 0x80, (byte) 0xAF, '"'}, // overlong, three bytes
            {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}, // encoded surrogate
            {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
            {'"', (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'}, // invalid start byte
            {'"', (byte) 0x80, '"'}, // stray continuation
            {'"', (byte) 0xE2, (byte) 0x82, '"'}, // truncated
            {'"', (byte) 0xE2}, // truncated at the end
            {'"', (byte) 0xFF, '"'},
        };
        for (byte[] input : invalid) {
            assertRejected(input, Reason.INVALID_UTF8)
                    .satisfies(e -> assertThat(((LakeFormatException) e).getByteOffset())
                            .isEqualTo(1));
        }
    }

    @Test
    void shouldAcceptUtf8WhenSequencesAreAtTheEdges() {
        String edges = "\"\u0080\u07FF\u0800\uD7FF\uE000\uFFFF\uD800\uDC00\uDBFF\uDFFF\"";

        assertThat(CanonicalJson.read(utf8(edges))).isEqualTo(edges.substring(1, edges.length() - 1));
    }

    @Test
    void shouldRejectAsInvalidUtf8WhenEscapeIsLoneSurrogate() {
        assertRejected("{\"a\":\"x\\ud800\"}", Reason.INVALID_UTF8)
                .hasMessageContaining("$.a")
                .hasMessageContaining("U+D800");
        assertRejected("{\"\\udc00\":1}", Reason.INVALID_UTF8);
    }

    @Test
    void shouldRejectDuplicateKeyWhenKeyAppearsTwice() {
        assertRejected("{\"a\":{\"k\":1,\"k\":2}}", Reason.DUPLICATE_KEY)
                .hasMessageContaining("$.a.k")
                .hasMessageContaining("\"k\" appears twice");
    }

    @Test
    void shouldRejectDuplicateKeyWhenSpelledWithEscape() {
        assertRejected("{\"a\":1,\"\\u0061\":2}", Reason.DUPLICATE_KEY);
    }

    @Test
    void shouldRejectUnsortedKeysWhenOrderIsWrong() {
        LakeFormatException e = (LakeFormatException) catchRead("{\"b\":1,\"a\":2}");

        assertThat(e.getReason()).isEqualTo(Reason.UNSORTED_KEYS);
        assertThat(e.getPath()).isEqualTo("$.a");
        assertThat(e.getMessage()).contains("\"a\" follows \"b\"");
    }

    @Test
    void shouldRejectUnsortedKeysWhenSortedByUtf16Instead() {
        assertRejected("{\"\uD83D\uDE00\":1,\"\uFF61\":2}", Reason.UNSORTED_KEYS);
    }

    @Test
    void shouldRejectFloatingPointWhenNumberHasFraction() {
        assertRejected("{\"auc\":0.91}", Reason.FLOATING_POINT)
                .hasMessageContaining("$.auc")
                .hasMessageContaining("0.91");
        assertRejected("[1.0]", Reason.FLOATING_POINT);
        assertRejected("[-2.5E10]", Reason.FLOATING_POINT);
    }

    @Test
    void shouldRejectAsNonCanonicalWhenWhitespaceIsPresent() {
        assertRejected("{\"a\": 1}", Reason.NON_CANONICAL)
                .hasMessageContaining("whitespace")
                .satisfies(e ->
                        assertThat(((LakeFormatException) e).getByteOffset()).isEqualTo(5));
        assertRejected(" {}", Reason.NON_CANONICAL);
        assertRejected("{}\n", Reason.NON_CANONICAL);
        assertRejected("[1,\t2]", Reason.NON_CANONICAL);
    }

    @Test
    void shouldRejectAsNonCanonicalWhenEscapeIsNotTheCanonicalOne() {
        assertRejected("[\"\\u0041\"]", Reason.NON_CANONICAL).hasMessageContaining("escape");
        assertRejected("[\"\\/\"]", Reason.NON_CANONICAL);
        assertRejected("[\"\\u000a\"]", Reason.NON_CANONICAL);
        assertRejected("[\"\\u001f\"]", Reason.NON_CANONICAL);
        assertRejected("[\"\\u00e9\"]", Reason.NON_CANONICAL);
        assertRejected("[\"\\ud83d\\ude00\"]", Reason.NON_CANONICAL);
    }

    @Test
    void shouldRejectAsNonCanonicalWhenNumberFormIsNotPlain() {
        assertRejected("[01]", Reason.NON_CANONICAL).hasMessageContaining("number form");
        assertRejected("[-0]", Reason.NON_CANONICAL);
        assertRejected("[-00]", Reason.NON_CANONICAL);
        assertRejected("[1e3]", Reason.NON_CANONICAL).hasMessageContaining("exponent");
        assertRejected("[1E+0]", Reason.NON_CANONICAL);
    }

    @Test
    void shouldRejectAsNonCanonicalWhenSecondValueFollows() {
        assertRejected("{}{}", Reason.NON_CANONICAL).hasMessageContaining("second JSON value");
        assertRejected("1 2", Reason.NON_CANONICAL);
    }

    @Test
    void shouldRejectAsInvalidValueWhenIntegerIsBeyond64Bits() {
        assertRejected("{\"n\":9223372036854775808}", Reason.INVALID_VALUE).hasMessageContaining("$.n");
        assertRejected("[-9223372036854775809]", Reason.INVALID_VALUE);
    }

    @Test
    void shouldRejectAsTooLargeWhenDocumentExceedsLimit() {
        byte[] input = utf8("[\"0123456789\"]");

        assertThatThrownBy(() -> CanonicalJson.read(input, new JsonLimits(10, 5)))
                .isInstanceOf(LakeFormatException.class)
                .satisfies(
                        e -> assertThat(((LakeFormatException) e).getReason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("14 bytes");
        assertThat(CanonicalJson.read(input, new JsonLimits(14, 5))).isEqualTo(List.of("0123456789"));
    }

    @Test
    void shouldRejectAsTooLargeWhenNumberIsTooLong() {
        assertRejected("[1" + "0".repeat(CanonicalJson.MAX_NUMBER_LENGTH) + "]", Reason.TOO_LARGE);
    }

    @Test
    void shouldRejectAsTooDeepWhenNestingExceedsLimit() {
        assertRejected("[".repeat(65) + "]".repeat(65), Reason.TOO_DEEP).hasMessageContaining("limit of 64");
        assertThat(CanonicalJson.read(utf8("[".repeat(64) + "]".repeat(64)))).isInstanceOf(List.class);
    }

    @Test
    void shouldRejectAsTooDeepWhenUnterminatedNestingIsHuge() {
        assertRejected("[".repeat(100_000), Reason.TOO_DEEP);
        assertRejected("{\"a\":".repeat(100_000), Reason.TOO_DEEP);
    }

    @Test
    void shouldApplyCustomDepthWhenLimitsAreGiven() {
        assertThatThrownBy(() -> CanonicalJson.read(utf8("{\"a\":{\"b\":[]}}"), new JsonLimits(100, 2)))
                .isInstanceOf(LakeFormatException.class)
                .satisfies(e -> assertThat(((LakeFormatException) e).getPath()).isEqualTo("$.a.b"))
                .satisfies(
                        e -> assertThat(((LakeFormatException) e).getReason()).isEqualTo(Reason.TOO_DEEP));
    }

    @Test
    void shouldRejectAsWrongTypeWhenObjectIsRequired() {
        assertThatThrownBy(() -> CanonicalJson.readObject(utf8("[1]")))
                .isInstanceOf(LakeFormatException.class)
                .satisfies(
                        e -> assertThat(((LakeFormatException) e).getReason()).isEqualTo(Reason.WRONG_TYPE))
                .hasMessageContaining("an array of 1 values");
    }

    @Test
    void shouldQuoteOddKeysWhenRenderingPath() {
        assertRejected("{\"a b\":[0.5]}", Reason.FLOATING_POINT).hasMessageContaining("$[\"a b\"][0]");
    }

    @Test
    void shouldAbbreviateLongValuesWhenReportingThem() {
        String longKey = "k".repeat(500);

        assertRejected("{\"" + longKey + "\":1,\"" + longKey + "\":2}", Reason.DUPLICATE_KEY)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400))
                .hasMessageContaining("...");
    }

    private static Throwable catchRead(String input) {
        try {
            Object unused = CanonicalJson.read(utf8(input));
            throw new AssertionError("accepted " + input);
        } catch (LakeFormatException e) {
            return e;
        }
    }
}
