package org.mlops4j.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.common.ServiceUnavailableException;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.test.ForwardingObjectStore;

/** Push and pull of a dataset version between a local lake and one on Azurite. */
class LakeTransferTest {
    @TempDir
    Path dir;

    @Test
    void shouldPushAVersionToAzureAndPullItBackWithTheSameDigestsSendingNothingTheTargetHolds() throws IOException {
        Path source = writeTree(dir.resolve("source"), 1);
        DatasetVersion local;
        try (LocalObjectStore lake = LocalObjectStore.open(dir.resolve("local"));
                Mlops mlops =
                        Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
            local = mlops.datasets().snapshot("push").directory(source).commit();
        }
        try (LocalObjectStore from = LocalObjectStore.open(dir.resolve("local"));
                AzureBlobObjectStore azure = AzuriteLakes.open("push");
                LocalObjectStore back = LocalObjectStore.open(dir.resolve("pulled"))) {
            List<ProgressListener.ProgressEvent> events = new ArrayList<>();
            LakeTransfer.Result pushed = LakeTransfer.copyDataset(from, azure, "push", 1, events::add);
            LakeTransfer.Result again = LakeTransfer.copyDataset(from, azure, "push", 1, event -> {});
            LakeTransfer.Result pulled = LakeTransfer.copyDataset(azure, back, "push", 1, event -> {});

            assertThat(pushed.objectsCopied()).isPositive();
            assertThat(events)
                    .isNotEmpty()
                    .last()
                    .satisfies(e -> assertThat(e.filesDone()).isEqualTo(pushed.objectsCopied()));
            assertThat(again.objectsCopied()).as("a second push sends nothing").isZero();
            assertThat(again.bytesCopied()).isZero();
            assertThat(pulled.objectsCopied()).isEqualTo(pushed.objectsCopied());
            for (ObjectStore lake : List.of(azure, back)) {
                try (Mlops mlops =
                        Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
                    DatasetVersion copy = mlops.datasets().get("push", 1);
                    assertThat(copy.getDigest()).isEqualTo(local.getDigest());
                    assertThat(copy.getCommitId()).isEqualTo(local.getCommitId());
                    assertThat(mlops.datasets().verify(copy).problems()).isEmpty();
                    assertSameFiles(mlops, copy, source);
                }
            }
        }
    }

    @Test
    void shouldShowNoVersionAfterAnInterruptedPushAndFinishItWhenRunAgain() throws IOException {
        Path source = writeTree(dir.resolve("source"), 2);
        try (LocalObjectStore lake = LocalObjectStore.open(dir.resolve("local"));
                Mlops mlops =
                        Mlops.builder().objectStore(lake).cacheDirectory(null).build()) {
            var unused = mlops.datasets().snapshot("resume").directory(source).commit();
        }
        try (LocalObjectStore from = LocalObjectStore.open(dir.resolve("local"));
                AzureBlobObjectStore azure = AzuriteLakes.open("resume")) {
            AtomicInteger uploads = new AtomicInteger();
            ObjectStore failing = new ForwardingObjectStore(azure) {
                @Override
                public ContentInfo putContent(Digest expected, InputStream content) {
                    if (uploads.incrementAndGet() == 3) {
                        throw new ServiceUnavailableException("connection lost", "azure-blob", 503, null, null, null);
                    }
                    return super.putContent(expected, content);
                }
            };

            Throwable interrupted = catchThrowable(() -> LakeTransfer.copyDataset(from, failing, "resume", 1, e -> {}));
            boolean visible;
            try (Mlops mlops =
                    Mlops.builder().objectStore(azure).cacheDirectory(null).build()) {
                visible = mlops.datasets().findLatest("resume").isPresent();
            }
            LakeTransfer.Result resumed = LakeTransfer.copyDataset(from, azure, "resume", 1, e -> {});

            assertThat(interrupted).isInstanceOf(ServiceUnavailableException.class);
            assertThat(visible).as("a version whose copy did not finish").isFalse();
            assertThat(resumed.objectsPresent())
                    .as("what the first attempt copied")
                    .isPositive();
            try (Mlops mlops =
                    Mlops.builder().objectStore(azure).cacheDirectory(null).build()) {
                DatasetVersion copy = mlops.datasets().get("resume", 1);
                assertThat(mlops.datasets().verify(copy).problems()).isEmpty();
                assertSameFiles(mlops, copy, source);
            }
        }
    }

    private static void assertSameFiles(Mlops mlops, DatasetVersion version, Path source) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                try (InputStream in =
                        mlops.datasets().open(version, source.relativize(file).toString())) {
                    assertThat(in.readAllBytes()).as("%s", file).isEqualTo(Files.readAllBytes(file));
                }
            }
        }
    }

    private static Path writeTree(Path root, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 30; i++) {
            byte[] bytes = new byte[1 + random.nextInt(5000)];
            random.nextBytes(bytes);
            Files.createDirectories(root.resolve("d" + (i % 3)));
            Files.write(root.resolve("d" + (i % 3)).resolve("s" + i + ".bin"), bytes);
        }
        for (int i = 0; i < 3; i++) {
            byte[] bytes = new byte[100_000 + i];
            random.nextBytes(bytes);
            Files.write(root.resolve("w" + i + ".bin"), bytes);
        }
        return root;
    }
}
