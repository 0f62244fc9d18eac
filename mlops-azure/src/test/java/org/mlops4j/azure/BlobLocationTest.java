package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlobLocationTest {
    @Test
    void shouldReadAccountContainerAndPrefixOfAnAzblobLocation() {
        BlobLocation location = BlobLocation.parse("azblob://acct01/lake-c/teams/ml/");

        assertThat(location.account()).isEqualTo("acct01");
        assertThat(location.container()).isEqualTo("lake-c");
        assertThat(location.prefix()).isEqualTo("teams/ml");
        assertThat(location.blobPrefix()).isEqualTo("teams/ml/");
        assertThat(location.endpoint()).isNull();
        assertThat(location.sas()).isNull();
        assertThat(location).hasToString("azblob://acct01/lake-c/teams/ml");
    }

    @Test
    void shouldKeepTheSasOfAnHttpsUrlApartAndNeverShowIt() {
        BlobLocation location =
                BlobLocation.parse("https://acct01.blob.core.windows.net/lake?sv=2024-01-01&sp=rl&sig=SECRETsig%3D");

        assertThat(location.account()).isEqualTo("acct01");
        assertThat(location.container()).isEqualTo("lake");
        assertThat(location.prefix()).isEmpty();
        assertThat(location.endpoint()).isEqualTo("https://acct01.blob.core.windows.net");
        assertThat(location.sas()).isEqualTo("sv=2024-01-01&sp=rl&sig=SECRETsig%3D");
        assertThat(location.toString()).doesNotContain("SECRET").doesNotContain("sig");
    }

    @Test
    void shouldReadThePathStyleOfEmulatorsAndPrivateEndpoints() {
        BlobLocation location = BlobLocation.parse("http://127.0.0.1:10000/devstoreaccount1/lake/p");

        assertThat(location.account()).isEqualTo("devstoreaccount1");
        assertThat(location.container()).isEqualTo("lake");
        assertThat(location.prefix()).isEqualTo("p");
        assertThat(location.endpoint()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
    }

    @Test
    void shouldRejectWhatIsNoBlobLocationSayingWhyWithoutItsSecrets() {
        assertThatThrownBy(() -> BlobLocation.parse("s3://bucket/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("azblob://<account>/<container>");
        assertThatThrownBy(() -> BlobLocation.parse("azblob://acct01/Upper")).hasMessageContaining("container name");
        assertThatThrownBy(() -> BlobLocation.parse("azblob://a/lake")).hasMessageContaining("account name");
        assertThatThrownBy(() -> BlobLocation.parse("https://example.com/lake?sig=SECRET"))
                .hasMessageContaining("not a blob endpoint")
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> BlobLocation.parse("https://user:SECRETPW@acct01.blob.core.windows.net/lake"))
                .hasMessageContaining("credentials do not belong")
                .hasMessageNotContaining("SECRETPW");
        assertThatThrownBy(() -> BlobLocation.parse("azblob://acct01/lake/a/../b"))
                .hasMessageContaining("prefix");
    }
}
