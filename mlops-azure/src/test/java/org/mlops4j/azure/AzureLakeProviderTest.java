package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.store.ObjectStore;

/**
 * {@code MLOPS4J_LAKE} / {@code Mlops.builder().lake(uri)} with an Azure Blob location: the provider is found by the
 * URI's scheme through {@link java.util.ServiceLoader}, takes its credentials from the environment or the URL, and the
 * lake lands in the container, visible to the SDK alone.
 */
class AzureLakeProviderTest {
    @TempDir
    Path temp;

    @Test
    void shouldOpenTheLakeInTheContainerWhenMlopsIsGivenASasUrl() throws Exception {
        AzuriteServer azurite = AzuriteServer.shared();
        String container = AzuriteLakes.newContainerName("provider-sas");
        BlobContainerClient admin = new BlobServiceClientBuilder()
                .connectionString(azurite.getConnectionString())
                .buildClient()
                .getBlobContainerClient(container);
        admin.create();
        String sas = admin.generateSas(new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission()
                        .setReadPermission(true)
                        .setAddPermission(true)
                        .setCreatePermission(true)
                        .setWritePermission(true)
                        .setDeletePermission(true)
                        .setListPermission(true)));
        String signature = URLDecoder.decode(sas.replaceAll(".*sig=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("a.csv"), "x,y\n1,2\n");

        DatasetVersion version;
        try (Mlops mlops = Mlops.builder()
                .lake(azurite.getBlobEndpoint() + "/" + container + "/team-a?" + sas)
                .cacheDirectory(null)
                .build()) {
            assertThat(mlops.objectStore()).isInstanceOf(AzureBlobObjectStore.class);
            assertThat(mlops.toString()).contains(container).doesNotContain(signature);
            version = mlops.datasets().snapshot("d").directory(data).commit();
        }

        List<String> names = admin.listBlobs().stream().map(BlobItem::getName).toList();
        assertThat(names).contains("team-a/lake.json", "team-a/datasets/d/v/00000001.json");
        assertThat(version.getRef().version()).isEqualTo(1);
    }

    @Test
    void shouldTakeTheConnectionStringFromTheEnvironmentWhenTheLakeIsAnAzblobUri() {
        AzuriteServer azurite = AzuriteServer.shared();
        String container = AzuriteLakes.newContainerName("provider-env");
        Map<String, String> env = Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.getConnectionString());

        try (ObjectStore store = new AzureBlobStoreProvider()
                .open("azblob://" + AzuriteServer.ACCOUNT + "/" + container + "/p", env::get)) {
            assertThat(store.toString()).contains(container).doesNotContain(AzuriteServer.ACCOUNT_KEY);
            try (Mlops mlops =
                    Mlops.builder().objectStore(store).cacheDirectory(null).build()) {
                assertThat(mlops.objectStore()).isSameAs(store);
            }
        }
        assertThat(new BlobServiceClientBuilder()
                        .connectionString(azurite.getConnectionString())
                        .buildClient()
                        .getBlobContainerClient(container)
                        .getBlobClient("p/lake.json")
                        .exists())
                .as("created the container and wrote the lake's descriptor in it")
                .isTrue();
    }
}
