package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MlflowCredentialsTest {
    @Test
    void shouldPreferTheTokenWhenTokenAndPasswordAreSet() {
        MlflowCredentials c = MlflowCredentials.fromEnvironment(Map.of(
                "MLFLOW_TRACKING_TOKEN", "tok-123",
                "MLFLOW_TRACKING_USERNAME", "alice",
                "MLFLOW_TRACKING_PASSWORD", "pw-456"));

        assertThat(c.authorization()).contains("Bearer tok-123");
        assertThat(c.toString()).doesNotContain("tok-123").contains("bearer");
    }

    @Test
    void shouldUseBasicAuthWithoutShowingThePasswordWhenUserAndPasswordAreSet() {
        MlflowCredentials c = MlflowCredentials.fromEnvironment(
                Map.of("MLFLOW_TRACKING_USERNAME", "alice", "MLFLOW_TRACKING_PASSWORD", "pw-456"));

        assertThat(c.authorization()).contains("Basic YWxpY2U6cHctNDU2");
        assertThat(c.toString()).doesNotContain("pw-456").doesNotContain("YWxpY2U6cHctNDU2");
    }

    @Test
    void shouldSendNothingWhenNothingIsSet() {
        assertThat(MlflowCredentials.fromEnvironment(Map.of()).authorization()).isEmpty();
    }

    @Test
    void shouldRefuseAUserWithoutPasswordWhenOnlyOneIsSet() {
        assertThatThrownBy(() -> MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "alice")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MLFLOW_TRACKING_PASSWORD");
    }

    @Test
    void shouldRefuseATrackingUriWithUserInfoWithoutEchoingIt() {
        assertThatThrownBy(() -> MlflowRegistryDriver.builder("http://bob:hunter2@mlflow.local:5000"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void shouldNameTheServerButNoSecretInTheDriversToString() {
        MlflowRegistryDriver driver = MlflowRegistryDriver.builder("http://mlflow.local:5000/")
                .credentials(MlflowCredentials.bearer("tok-789"))
                .build();

        assertThat(driver.toString()).contains("http://mlflow.local:5000").doesNotContain("tok-789");
    }
}
