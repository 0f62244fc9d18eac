package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.RegistryDriverProvider;

/** {@code MLOPS4J_REGISTRY=mlflow…}: found by the service loader, opened from the environment, refused when wrong. */
class MlflowRegistryDriverProviderTest {
    @TempDir
    Path temp;

    @Test
    void shouldBeFoundByTheServiceLoaderForTheMlflowSchemes() {
        assertThat(ServiceLoader.load(RegistryDriverProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(p -> p instanceof MlflowRegistryDriverProvider)
                        .findFirst()
                        .orElseThrow()
                        .schemes())
                .containsExactlyInAnyOrder("mlflow", "mlflow+http", "mlflow+https");
    }

    @Test
    void shouldRegisterOnTheServerWhenTheRegistrySettingNamesIt() throws Exception {
        MlflowServer server = MlflowServer.shared();
        Path model = Files.createDirectories(temp.resolve("model"));
        Files.writeString(model.resolve("w.bin"), "w");
        try (Mlops mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .registry("mlflow+" + server.getTrackingUri())
                .build()) {
            ModelVersion v = mlops.registry().register(new ModelRegistration("from-setting").artifacts(model));
            assertThat(v.getArtifactLocation().flatMap(l -> l.getUri()))
                    .hasValueSatisfying(uri -> assertThat(uri).startsWith(MlflowArtifacts.SCHEME));
            assertThat(mlops.registry().toString()).contains("MlflowRegistryDriver{" + server.getTrackingUri());
        }
    }

    @Test
    void shouldNameTheMissingVariableWhenTheSettingIsMlflowWithoutATrackingUri() {
        assertThatThrownBy(() -> new MlflowRegistryDriverProvider().open("mlflow", Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MLFLOW_TRACKING_URI");
        assertThatThrownBy(
                        () -> new MlflowRegistryDriverProvider().open("mlflow+ftp://x", Map.<String, String>of()::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mlflow+https://");
    }

    @Test
    void shouldReadTheTlsVariablesAsThePythonClientDoes() {
        assertThat(MlflowTls.fromEnvironment(Map.<String, String>of()::get)).isEmpty();
        assertThat(MlflowTls.fromEnvironment(Map.of("MLFLOW_TRACKING_INSECURE_TLS", "false")::get))
                .isEmpty();
        assertThat(MlflowTls.fromEnvironment(Map.of("MLFLOW_TRACKING_INSECURE_TLS", "true")::get))
                .isPresent();
        assertThatThrownBy(() -> MlflowTls.fromEnvironment(Map.of("MLFLOW_TRACKING_INSECURE_TLS", "yes")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> MlflowTls.fromEnvironment(Map.of(
                        "MLFLOW_TRACKING_INSECURE_TLS", "true",
                        "MLFLOW_TRACKING_SERVER_CERT_PATH", "/etc/ca.pem")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contradict");
    }

    @Test
    void shouldRefuseACaBundleWithoutCertificates() throws Exception {
        Path empty = Files.writeString(temp.resolve("ca.pem"), "");
        assertThatThrownBy(() -> MlflowTls.trusting(empty))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no certificate");
    }
}
