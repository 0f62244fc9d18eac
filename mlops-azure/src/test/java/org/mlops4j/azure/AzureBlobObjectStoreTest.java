package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.StorageException;
import org.mlops4j.resilience.RetryPolicy;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;

/** What the Azure store does beyond the contract, counted in HTTP requests on Azurite. */
class AzureBlobObjectStoreTest {
    private static final int BLOCK = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldHashAFileWhereItLiesAndSendItInBlocksOnlyWhenTheContainerLacksIt() throws IOException {
        byte[] bytes = random(3 * BLOCK + 5);
        Path file = Files.write(dir.resolve("big.bin"), bytes);
        try (AzureBlobObjectStore store =
                AzuriteLakes.newLake("file").blockSize(BLOCK).build()) {
            long before = store.getHttpRequestCount();
            ContentInfo first;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                first = store.putContent(channel);
            }
            long sent = store.getHttpRequestCount() - before;
            before = store.getHttpRequestCount();
            ContentInfo again;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                again = store.putContent(channel);
            }

            assertThat(first.digest()).isEqualTo(Digest.of(bytes));
            assertThat(first.created()).isTrue();
            assertThat(sent).as("a HEAD, four blocks, the commit").isEqualTo(6);
            assertThat(again.created()).isFalse();
            assertThat(store.getHttpRequestCount() - before).as("a HEAD only").isEqualTo(1);
            try (InputStream in = store.openContent(first.digest())) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void shouldAnswerALookupOfManyDigestsWithOneListingWhenTheContainerHoldsFewContents() {
        try (AzureBlobObjectStore store = AzuriteLakes.open("lookup")) {
            java.util.List<Digest> asked = new java.util.ArrayList<>();
            java.util.Map<Digest, Long> stored = new java.util.HashMap<>();
            for (int i = 0; i < 100; i++) {
                byte[] bytes = random(10 + i);
                asked.add(Digest.of(bytes));
                if (i % 2 == 0) {
                    stored.put(store.putContent(new ByteArrayInputStream(bytes)).digest(), (long) bytes.length);
                }
            }
            long before = store.getHttpRequestCount();

            java.util.Map<Digest, ContentInfo> found = store.findContents(asked);

            assertThat(store.getHttpRequestCount() - before)
                    .as("one page of List Blobs")
                    .isEqualTo(1);
            assertThat(found.keySet()).isEqualTo(stored.keySet());
            found.forEach((digest, info) -> assertThat(info.size()).isEqualTo(stored.get(digest)));
        }
    }

    @Test
    void shouldSendNothingButALookupWhenALosingWriterStoresContentThatIsThereAlready() {
        byte[] bytes = random(2 * BLOCK + 1);
        try (AzureBlobObjectStore store =
                AzuriteLakes.newLake("loser").blockSize(BLOCK).build()) {
            store.putContent(Digest.of(bytes), new ByteArrayInputStream(bytes));
            long before = store.getHttpRequestCount();

            ContentInfo again = store.putContent(Digest.of(bytes), new ByteArrayInputStream(bytes));

            assertThat(again.created()).isFalse();
            assertThat(store.getHttpRequestCount() - before)
                    .as("the lookup, no block")
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldStoreSmallContentInOneRequestAndReplaceABlobOfTheWrongSizeInsteadOfTrustingIt() throws IOException {
        byte[] bytes = random(10_000);
        Digest digest = Digest.of(bytes);
        try (AzureBlobObjectStore store = AzuriteLakes.newLake("small").build()) {
            long before = store.getHttpRequestCount();
            assertThat(store.putContent(digest, new ByteArrayInputStream(bytes)).created())
                    .isTrue();
            assertThat(store.getHttpRequestCount() - before)
                    .as("one conditional PUT")
                    .isEqualTo(1);
            new com.azure.storage.blob.BlobServiceClientBuilder()
                    .connectionString(AzuriteServer.shared().getConnectionString())
                    .buildClient()
                    .getBlobContainerClient(
                            store.getLocation().substring(store.getLocation().lastIndexOf('/') + 1))
                    .getBlobClient(
                            org.mlops4j.store.ObjectStore.contentKey(digest).value())
                    .upload(com.azure.core.util.BinaryData.fromBytes(java.util.Arrays.copyOf(bytes, 100)), true);

            ContentInfo repaired = store.putContent(digest, new ByteArrayInputStream(bytes));

            assertThat(repaired.created()).as("the torn blob was replaced").isTrue();
            try (InputStream in = store.openContent(digest)) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void shouldReadALargeContentInParallelChunksAndARangeInOneRequest() throws IOException {
        byte[] bytes = random(5 * BLOCK + 3);
        try (AzureBlobObjectStore store =
                AzuriteLakes.newLake("chunks").blockSize(BLOCK).build()) {
            Digest digest = store.putContent(new ByteArrayInputStream(bytes)).digest();
            long before = store.getHttpRequestCount();
            try (InputStream in = store.openContent(digest)) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
            assertThat(store.getHttpRequestCount() - before).as("six chunks").isEqualTo(6);

            before = store.getHttpRequestCount();
            try (InputStream in = store.openContent(digest, BLOCK - 10, 20)) {
                assertThat(in.readAllBytes())
                        .containsExactly(java.util.Arrays.copyOfRange(bytes, BLOCK - 10, BLOCK + 10));
            }
            try (InputStream in = store.openContent(digest, bytes.length - 2, 100)) {
                assertThat(in.readAllBytes()).hasSize(2);
            }
            try (InputStream in = store.openContent(digest, bytes.length + 5, 10)) {
                assertThat(in.readAllBytes()).isEmpty();
            }
            assertThat(store.getHttpRequestCount() - before)
                    .as("one ranged GET each")
                    .isEqualTo(3);
        }
    }

    @Test
    void shouldLeaveRetriesToTheCoresPolicyWithTheSdksOwnOff() throws IOException {
        // a port nothing listens on
        String connection = AzuriteServer.connectionString(org.mlops4j.test.process.TestServers.freeLoopbackPort());
        RetryPolicy threeTries = RetryPolicy.custom()
                .maxAttempts(3)
                .initialInterval(java.time.Duration.ofMillis(1))
                .sleeper(wait -> {})
                .build();
        try (AzureBlobObjectStore store = AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/nothing-listens")
                .connectionString(connection)
                .retryPolicy(threeTries)
                .build()) {
            Throwable failure = catchThrowable(() -> store.exists(StoreKey.of("lake.json")));

            assertThat(failure).isInstanceOf(StorageException.class);
            assertThat(store.getHttpRequestCount())
                    .as("one request per attempt of the core's policy")
                    .isEqualTo(3);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
