package org.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class NfcTest {
    /**
     * ASCII, letters that NFC composes or decomposes, combining marks, Hangul jamo, a singleton (the Angstrom sign)
     * and a character outside the BMP: what makes text NFC or not, rarely met by uniformly random characters.
     */
    private static final String[] PIECES = {
        "a",
        "E",
        "/",
        ".",
        "~",
        "\u007f",
        "\u00e9",
        "\u0301",
        "\u0327",
        "\u00c5",
        "\u212b",
        "\u1100",
        "\u1161",
        "\uac00",
        "\u0344",
        "\ud83d\ude00",
        "\u0958"
    };

    private static Gen<String> tricky() {
        return lists().of(integers().between(0, PIECES.length - 1))
                .ofSizeBetween(0, 10)
                .map(NfcTest::join);
    }

    private static String join(List<Integer> pieces) {
        StringBuilder text = new StringBuilder();
        pieces.forEach(i -> text.append(PIECES[i]));
        return text.toString();
    }

    @Test
    void shouldAgreeWithTheNormalizerOnTextMadeOfComposingPieces() {
        qt().withExamples(5_000)
                .forAll(tricky())
                .check(text -> Nfc.isNormalized(text) == Normalizer.isNormalized(text, Normalizer.Form.NFC));
    }

    @Test
    void shouldAgreeWithTheNormalizerOnArbitraryText() {
        qt().withExamples(5_000)
                .forAll(strings().allPossible().ofLengthBetween(0, 16))
                .check(text -> Nfc.isNormalized(text) == Normalizer.isNormalized(text, Normalizer.Form.NFC));
    }

    @Test
    void shouldTellComposedFromDecomposedText() {
        assertThat(Nfc.isNormalized("datasets/churn/v/00000001.json")).isTrue();
        assertThat(Nfc.isNormalized("")).isTrue();
        assertThat(Nfc.isNormalized("caf\u00e9")).isTrue();
        assertThat(Nfc.isNormalized("cafe\u0301")).isFalse();
        assertThat(Nfc.isNormalized("\u212b")).isFalse();
    }
}
