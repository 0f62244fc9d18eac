package org.mlops4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DigestTest {
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void shouldHashLikeSha256() {
        assertThat(Digest.of(new byte[0]).hex()).isEqualTo(EMPTY);
        assertThat(Digest.of("abc".getBytes(StandardCharsets.US_ASCII)).toString())
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void shouldRoundTripThroughItsWrittenForm() {
        Digest digest = Digest.parse("sha256:" + EMPTY);

        assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
        assertThat(Digest.ofHash(digest.toBytes())).isEqualTo(digest);
    }

    @Test
    void shouldRejectOtherAlgorithmsUpperCaseAndWrongLengths() {
        assertThatThrownBy(() -> Digest.parse("md5:" + EMPTY)).hasMessageContaining("sha256:");
        assertThatThrownBy(() -> Digest.parse("sha256:" + EMPTY.toUpperCase(java.util.Locale.ROOT)))
                .hasMessageContaining("lowercase");
        assertThatThrownBy(() -> Digest.parse("sha256:abc")).hasMessageContaining("3 chars");
        assertThatThrownBy(() -> Digest.ofHash(new byte[31])).hasMessageContaining("32 bytes");
    }

    @Test
    void shouldKeepTheHashAsTheHexDigitsSayInValueOrderAndBytes() {
        // bytes with the high bit set, which a signed comparison of the four numbers would misorder
        qt().withExamples(1000).forAll(longs().all(), longs().all()).checkAssert((seedA, seedB) -> {
            byte[] a = hashBytes(seedA);
            byte[] b = hashBytes(seedB);
            Digest da = Digest.ofHash(a);
            Digest db = Digest.ofHash(b);
            String hexA = HexFormat.of().formatHex(a);
            String hexB = HexFormat.of().formatHex(b);

            assertThat(da.hex()).isEqualTo(hexA);
            assertThat(da.toBytes()).isEqualTo(a);
            assertThat(new Digest(hexA)).isEqualTo(da).hasSameHashCodeAs(da);
            assertThat(Integer.signum(da.compareTo(db))).isEqualTo(Integer.signum(hexA.compareTo(hexB)));
            assertThat(da.equals(db)).isEqualTo(hexA.equals(hexB));
        });
    }

    /**
     * 32 bytes from a seed: the first 8 and the next 8 take one of two values each (0x80… or 0x7f…), so that two
     * hashes often share their first words and later ones decide the order.
     */
    private static byte[] hashBytes(long seed) {
        byte[] bytes = new byte[32];
        new Random(seed).nextBytes(bytes);
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) (((seed >>> (i / 8)) & 1) == 0 ? 0x80 : 0x7f);
        }
        return bytes;
    }
}
