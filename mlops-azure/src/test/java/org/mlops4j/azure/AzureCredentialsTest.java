package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.AuthenticationException;
import org.mlops4j.common.MlopsServiceException;
import org.mlops4j.common.StorageException;
import org.mlops4j.resilience.RetryPolicy;
import org.mlops4j.store.StoreKey;

/**
 * Credentials on a real endpoint: each way in works, and no failed call shows a key or a SAS signature in its message,
 * its causes' messages, its stack trace, or a {@code toString()}.
 */
class AzureCredentialsTest {
    private static final byte[] RECORD = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldNotShowTheAccountKeyWhenACallFailsForAMissingContainer() {
        AzuriteServer azurite = AzuriteServer.shared();
        try (AzureBlobObjectStore store = AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/" + AzuriteLakes.newContainerName("missing"))
                .connectionString(azurite.getConnectionString())
                .build()) {
            Throwable failure = catchThrowable(() -> store.list("", null, 10));

            assertThat(failure).isInstanceOf(MlopsServiceException.class).hasMessageContaining("404");
            assertThat(((MlopsServiceException) failure).getErrorCode()).contains("ContainerNotFound");
            assertNoSecret(failure, AzuriteServer.ACCOUNT_KEY);
            assertThat(store.toString()).doesNotContain(AzuriteServer.ACCOUNT_KEY);
        }
    }

    @Test
    void shouldFailAsAuthenticationWithoutShowingTheKeyWhenTheKeyIsWrong() {
        AzuriteServer azurite = AzuriteServer.shared();
        String wrongKey = "WRONG" + AzuriteServer.ACCOUNT_KEY.substring(5);
        String connection = azurite.getConnectionString().replace(AzuriteServer.ACCOUNT_KEY, wrongKey);
        AzureBlobObjectStore.Builder builder = AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/" + AzuriteLakes.newContainerName("wrong-key"))
                .connectionString(connection);
        try (AzureBlobObjectStore store = builder.build()) {
            Throwable failure = catchThrowable(() -> store.createIfAbsent(StoreKey.of("x.json"), RECORD));

            assertThat(failure).isInstanceOf(AuthenticationException.class).hasMessageContaining("403");
            assertNoSecret(failure, wrongKey);
            assertNoSecret(failure, AzuriteServer.ACCOUNT_KEY);
            assertThat(builder.toString()).doesNotContain(wrongKey).contains("connection string");
        }
    }

    @Test
    void shouldWorkWithASasInTheUrlAndNotShowItsSignatureWhenItForbidsAWrite() {
        AzuriteServer azurite = AzuriteServer.shared();
        String container = AzuriteLakes.newContainerName("sas");
        BlobContainerClient admin = new BlobServiceClientBuilder()
                .connectionString(azurite.getConnectionString())
                .buildClient()
                .getBlobContainerClient(container);
        admin.create();
        admin.getBlobClient("lake.json").getBlockBlobClient().upload(com.azure.core.util.BinaryData.fromBytes(RECORD));
        String sas = admin.generateSas(new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)));
        String signature = URLDecoder.decode(sas.replaceAll(".*sig=([^&]*).*", "$1"), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>();
        env.put("MLOPS4J_LAKE", azurite.getBlobEndpoint() + "/" + container + "?" + sas);
        env.put("AZURE_STORAGE_CONNECTION_STRING", "ignored when the URL carries a SAS");

        try (AzureBlobObjectStore store =
                AzureBlobObjectStore.Builder.fromEnvironment(env::get).build()) {
            assertThat(store.find(StoreKey.of("lake.json"))).isPresent();
            assertThat(store.list("", null, 10).items()).containsExactly(StoreKey.of("lake.json"));
            Throwable failure = catchThrowable(() -> store.createIfAbsent(StoreKey.of("x.json"), RECORD));

            assertThat(failure).isInstanceOf(AuthenticationException.class);
            assertNoSecret(failure, signature);
            assertNoSecret(failure, sas);
            assertThat(store.toString()).doesNotContain(signature).doesNotContain("sig=");
        }
    }

    @Test
    void shouldOpenTheLakeOfTheEnvironmentWithAConnectionString() {
        AzuriteServer azurite = AzuriteServer.shared();
        Map<String, String> env = new HashMap<>();
        env.put(
                "MLOPS4J_LAKE",
                "azblob://" + AzuriteServer.ACCOUNT + "/" + AzuriteLakes.newContainerName("env") + "/p");
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.getConnectionString());

        try (AzureBlobObjectStore store =
                AzureBlobObjectStore.Builder.fromEnvironment(env::get).build()) {
            assertThat(store.createIfAbsent(StoreKey.of("a/b.json"), RECORD)).isTrue();
            assertThat(store.list("", null, 10).items()).containsExactly(StoreKey.of("a/b.json"));
            assertThat(store.getLocation()).endsWith("/p");
        }
    }

    @Test
    void shouldSayHowToSetTheLakeWhenTheEnvironmentNamesNone() {
        Throwable failure = catchThrowable(() -> AzureBlobObjectStore.Builder.fromEnvironment(name -> null));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MLOPS4J_LAKE");
    }

    @Test
    void shouldFailAsTransientStorageErrorWithoutTheKeyWhenNothingListens() throws Exception {
        // a port nothing listens on
        String connection = AzuriteServer.connectionString(org.mlops4j.test.process.TestServers.freeLoopbackPort());
        try (AzureBlobObjectStore store = AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/nothing-listens")
                .connectionString(connection)
                .retryPolicy(RetryPolicy.custom().maxAttempts(1).build())
                .build()) {
            Throwable failure = catchThrowable(() -> store.find(StoreKey.of("lake.json")));

            assertThat(failure).isInstanceOf(StorageException.class);
            assertThat(((StorageException) failure).isTransient()).isTrue();
            assertNoSecret(failure, AzuriteServer.ACCOUNT_KEY);
        }
    }

    /** The secret is nowhere in the failure: not in its message, its causes', its stack trace or its string. */
    private static void assertNoSecret(Throwable failure, String secret) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString())
                .as("the stack trace of %s", failure.getClass())
                .doesNotContain(secret);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
    }
}
