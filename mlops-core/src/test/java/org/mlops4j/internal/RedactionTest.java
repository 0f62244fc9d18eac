package org.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedactionTest {
    private static final String SECRET = "CANARY-SECRET-1";

    @Test
    void shouldHideASasTokenButKeepSchemeHostAndPath() {
        assertThat(Redaction.redact("https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=" + SECRET))
                .isEqualTo("https://acct.blob.core.windows.net/c?…");
    }

    @Test
    void shouldHideTheQueryOfAUriThatAPathMangled() {
        assertThat(Redaction.redact("https:/acct.blob.core.windows.net/c?sig=" + SECRET + "/lake"))
                .isEqualTo("https:/acct.blob.core.windows.net/c?…");
    }

    @Test
    void shouldHideThePasswordOfUserInfo() {
        assertThat(Redaction.redact("https://user:" + SECRET + "@example.com/x"))
                .isEqualTo("https://user:…@example.com/x");
        assertThat(Redaction.redact("postgres:/admin:" + SECRET + "@db/x")).isEqualTo("postgres:/admin:…@db/x");
    }

    @Test
    void shouldHideSecretPairsOfConnectionStringsAndBearerTokens() {
        assertThat(Redaction.redact("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + SECRET
                        + ";EndpointSuffix=core.windows.net"))
                .isEqualTo("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=…;EndpointSuffix=core.windows.net");
        assertThat(Redaction.redact("Authorization: Bearer " + SECRET)).doesNotContain(SECRET);
        assertThat(Redaction.redact("/tmp/home?sv=1&sig=" + SECRET + "/lake, durable=false"))
                .isEqualTo("/tmp/home?sv=1&sig=…, durable=false");
        assertThat(Redaction.redact("password=" + SECRET)).isEqualTo("password=…");
    }

    @Test
    void shouldLeaveAPlainPathAlone() {
        assertThat(Redaction.redact("/var/lib/mlops4j/lake")).isEqualTo("/var/lib/mlops4j/lake");
        assertThat(Redaction.redact(null)).isEqualTo("null");
    }

    @Test
    void shouldTellAUriFromAPathOrADrive() {
        assertThat(Redaction.looksLikeUri("https://a/b")).isTrue();
        assertThat(Redaction.looksLikeUri("abfss://c@a.dfs.core.windows.net/p")).isTrue();
        assertThat(Redaction.looksLikeUri("C:\\lake")).isFalse();
        assertThat(Redaction.looksLikeUri("./lake")).isFalse();
        assertThatThrownBy(() -> Redaction.requireLocalPath("MLOPS4J_HOME", "https://a/c?sig=" + SECRET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MLOPS4J_HOME")
                .hasMessageContaining("https://a/c?…")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void shouldShowTheFirstHundredCharactersAndTheLength() {
        assertThat(Redaction.abbreviate("x".repeat(10_000))).isEqualTo("x".repeat(100) + "… (10000 chars)");
        assertThat(Redaction.abbreviate("short")).isEqualTo("short");
        assertThat(Redaction.abbreviate("a\u0000b")).isEqualTo("a\\u0000b");
    }
}
