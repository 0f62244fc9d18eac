package org.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.registry.ModelRegistration;

/** {@link Mlops#fromEnvironment()}: the lake and registry variables, and no silent fallback for either. */
class MlopsFromEnvironmentTest {
    @TempDir
    Path temp;

    private Mlops open(Map<String, String> env) {
        Map<String, String> props = Map.of("user.home", temp.resolve("home").toString());
        return Mlops.fromEnvironment(env::get, props::get);
    }

    @Test
    void shouldOpenTheEmbeddedRegistryInTheNamedLakeWhenTheRegistryIsEmbedded() throws Exception {
        Path lake = temp.resolve("lake");
        Path model =
                Files.writeString(Files.createDirectories(temp.resolve("m")).resolve("w.bin"), "w");
        for (String registry : new String[] {"embedded", " EMBEDDED ", ""}) {
            Map<String, String> env = new HashMap<>();
            env.put("MLOPS4J_LAKE", lake.toUri().toString());
            env.put("MLOPS4J_REGISTRY", registry);
            try (Mlops mlops = open(env)) {
                var unused = mlops.registry().register(new ModelRegistration("m").artifacts(model.getParent()));
            }
        }
        try (Mlops mlops = open(Map.of("MLOPS4J_LAKE", lake.toString()))) {
            assertThat(mlops.registry().versions("m").stream().count()).isEqualTo(3);
        }
        assertThat(lake.resolve("lake.json")).exists();
    }

    @Test
    void shouldUseTheHomeLakeWhenNoLakeIsNamed() {
        try (Mlops mlops = open(Map.of("MLOPS4J_HOME", temp.resolve("h").toString()))) {
            assertThat(mlops.objectStore().toString())
                    .contains(temp.resolve("h/lake").toString());
        }
    }

    @Test
    void shouldNameTheMissingModuleWhenTheRegistryIsMlflowWithoutIt() {
        assertThatThrownBy(() -> open(
                        Map.of("MLOPS4J_REGISTRY", "mlflow+https://mlflow.internal", "MLOPS4J_LAKE", temp.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MLOPS4J_REGISTRY")
                .hasMessageContaining("'mlflow+https'")
                .hasMessageContaining("found: none")
                .hasMessageContaining("org.mlops4j:mlops-mlflow");
        assertThat(temp.resolve("lake.json")).doesNotExist(); // refused before the lake was opened
    }

    @Test
    void shouldListTheKnownSchemesWhenTheRegistrySchemeIsUnknown() {
        assertThatThrownBy(() -> open(Map.of("MLOPS4J_REGISTRY", "neptune://x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'neptune'")
                .hasMessageContaining("known schemes are embedded and mlflow");
    }

    @Test
    void shouldNameTheMissingModuleWithoutEchoingTheSecretWhenTheLakeIsABlobUrlWithoutItsProvider() {
        for (String lake :
                new String[] {"https://acct.blob.core.windows.net/lake?sig=SECRET", "azblob://acct/lake?sig=SECRET"}) {
            assertThatThrownBy(() -> open(Map.of("MLOPS4J_LAKE", lake)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("MLOPS4J_LAKE")
                    .hasMessageContaining("'" + lake.substring(0, lake.indexOf(':')) + "'")
                    .hasMessageContaining("found: none")
                    .hasMessageContaining("org.mlops4j:mlops-azure")
                    .hasMessageNotContaining("SECRET");
        }
    }

    @Test
    void shouldListTheKnownLakesWhenTheLakeSchemeIsUnknown() {
        assertThatThrownBy(() -> open(Map.of("MLOPS4J_LAKE", "s3://bucket/lake")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'s3'")
                .hasMessageContaining("known lakes are a directory");
    }

    @Test
    void shouldOpenALocalLakeFromAPathThroughTheBuilder() {
        try (Mlops mlops = Mlops.builder()
                .lake(temp.resolve("b").toUri().toString())
                .cacheDirectory(null)
                .build()) {
            assertThat(mlops.objectStore().toString())
                    .contains(temp.resolve("b").toString());
        }
        assertThat(temp.resolve("b/lake.json")).exists();
    }
}
