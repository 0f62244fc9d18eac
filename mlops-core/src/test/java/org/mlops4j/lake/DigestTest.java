package org.mlops4j.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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
}
