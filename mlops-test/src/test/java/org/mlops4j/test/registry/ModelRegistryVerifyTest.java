package org.mlops4j.test.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVerification;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;
import org.mlops4j.test.InMemoryObjectStore;

/** {@code ModelRegistry.verify}: a model version's record, artifacts (in the lake or at a URI) and aliases. */
class ModelRegistryVerifyTest {
    @TempDir
    Path dir;

    private InMemoryObjectStore store;
    private Mlops mlops;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore();
        mlops = Mlops.builder().objectStore(store).cacheDirectory(null).build();
    }

    @AfterEach
    void tearDown() {
        mlops.close();
    }

    @Test
    void shouldRehashEveryArtifactFileWhenArtifactsAreInTheLake() throws IOException {
        Path artifacts = Files.createDirectories(dir.resolve("artifacts"));
        Files.writeString(artifacts.resolve("weights.bin"), "0123456789");
        Files.writeString(artifacts.resolve("README"), "a model\n");
        ModelVersion v1 = mlops.registry().register(new ModelRegistration("churn").artifacts(artifacts));

        ModelVerification clean = mlops.registry().verify(v1.getRef());
        // small files are packed: damage the first member of the pack
        StoreKey packRecord = store.list("packs/sha256/").stream().findFirst().orElseThrow();
        store.damageContent(new Digest(packRecord.name()), 0, new byte[] {'X'});
        ModelVerification damaged = mlops.registry().verify(v1.getRef());

        assertThat(clean.problems()).isEmpty();
        assertThat(clean.artifactsChecked()).isTrue();
        assertThat(clean.filesChecked()).isEqualTo(2);
        assertThat(clean.bytesChecked()).isEqualTo(18);
        assertThat(damaged.isClean()).isFalse();
        assertThat(damaged.problems()).anyMatch(p -> p.contains("damaged"));
    }

    @Test
    void shouldCheckOnlyTheRecordAndSaySoWhenArtifactsAreAtAUri() {
        ModelVersion v1 = mlops.registry()
                .register(new ModelRegistration("churn")
                        .artifacts(ArtifactLocation.uri("https://models.example.com/churn/1")));

        ModelVerification verification = mlops.registry().verify(v1.getRef());

        assertThat(verification.isClean()).isTrue();
        assertThat(verification.artifactsChecked()).isFalse();
        assertThat(verification.notes()).singleElement().asString().contains("https://models.example.com/churn/1");
    }

    @Test
    void shouldThrowNotFoundWhenVersionDoesNotExist() {
        assertThatThrownBy(() -> mlops.registry().verify(new ModelRef("churn", 7)))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("churn@7");
    }
}
