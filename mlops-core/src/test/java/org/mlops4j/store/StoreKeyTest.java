package org.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StoreKeyTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|must not be empty",
                "/abs|empty segment",
                "a//b|empty segment",
                "a/|empty segment",
                "a/../b|'..' segment",
                "./a|'.' segment",
                "a\\b|backslash",
                ".mlops4j-store/tmp/x|reserved",
            })
    void shouldRejectKeyNamingTheBrokenRule(String key, String problem) {
        assertThatThrownBy(() -> StoreKey.of(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void shouldRejectControlCharactersAndNul() {
        assertThatThrownBy(() -> StoreKey.of("a\u0000b")).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> StoreKey.of("a\nb")).hasMessageContaining("U+000A");
    }

    @Test
    void shouldRejectNonNfcAndUnpairedSurrogates() {
        assertThatThrownBy(() -> StoreKey.of("cafe\u0301")).hasMessageContaining("NFC");
        assertThatThrownBy(() -> StoreKey.of("a\uD800b")).hasMessageContaining("surrogate");
    }

    @Test
    void shouldRejectKeysLongerThanTheLimit() {
        assertThatThrownBy(() -> StoreKey.of("é".repeat(513))).hasMessageContaining("1024");
        assertThat(StoreKey.of("e".repeat(1024)).value()).hasSize(1024);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lake.json", "datasets/churn/v/00000001.json", "a/ü/😀", "x.mlops4j-store/y"})
    void shouldAcceptValidKeys(String key) {
        assertThat(StoreKey.of(key).value()).isEqualTo(key);
    }

    @Test
    void shouldOrderByUtf8BytesNotUtf16Units() {
        String bmpHigh = "\uFFFD";
        String astral = "\uD83D\uDE00";

        assertThat(bmpHigh.compareTo(astral)).isPositive();
        assertThat(StoreKey.compareUtf8(bmpHigh, astral)).isNegative();
        assertThat(StoreKey.of("a/b").compareTo(StoreKey.of("a/b/c"))).isNegative();
        assertThat(StoreKey.compareUtf8("ab", "a")).isPositive();
    }

    @Test
    void shouldResolveChildrenAndNameTheLastSegment() {
        StoreKey key = StoreKey.of("datasets/churn").resolve("v/00000001.json");

        assertThat(key.value()).isEqualTo("datasets/churn/v/00000001.json");
        assertThat(key.name()).isEqualTo("00000001.json");
    }

    @Test
    void shouldBeEqualExactlyWhenTheTextIsAndHashAlike() {
        qt().forAll(smallKeys(), smallKeys()).check((a, b) -> {
            StoreKey x = StoreKey.of(a);
            StoreKey y = StoreKey.of(b);
            return x.equals(y) == a.equals(b) && (!x.equals(y) || x.hashCode() == y.hashCode()) && !x.equals(a);
        });
    }

    @Test
    void shouldNumberVersionKeysWithEightDigitsAtLeast() {
        StoreKey series = StoreKey.of("datasets/churn/v");

        assertThat(VersionAllocator.versionKey(series, 1).name()).isEqualTo("00000001.json");
        assertThat(VersionAllocator.versionKey(series, 12_345_678).name()).isEqualTo("12345678.json");
        assertThat(VersionAllocator.versionKey(series, 123_456_789).name()).isEqualTo("123456789.json");
        assertThat(VersionAllocator.versionKey(series, Long.MAX_VALUE).name()).isEqualTo(Long.MAX_VALUE + ".json");
        assertThatThrownBy(() -> VersionAllocator.versionKey(series, 0)).hasMessageContaining("start at 1");
    }

    /** Keys of one to three segments from a three-letter alphabet, so that equal pairs come up often. */
    private static org.quicktheories.core.Gen<String> smallKeys() {
        List<String> segments = List.of("a", "b", "\u00fc");
        return lists().of(integers().between(0, segments.size() - 1))
                .ofSizeBetween(1, 3)
                .map(picks -> picks.stream().map(segments::get).collect(Collectors.joining("/")));
    }
}
