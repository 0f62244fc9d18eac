package org.mlops4j.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeFormatException.Reason;
import org.mlops4j.store.LocalObjectStore;

class LakeDescriptorTest {
    @TempDir
    Path dir;

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteVersionOneWithSha256WhenCurrent() {
        LakeDescriptor current = LakeDescriptor.current();

        assertThat(current.getFormatVersion()).isEqualTo(1);
        assertThat(current.getHashAlgorithm()).isEqualTo("sha256");
        assertThat(new String(current.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"format\":\"mlops4j.lake/1\",\"hashAlgorithm\":\"sha256\"}");
        assertThat(LakeDescriptor.parse(current.toBytes())).isEqualTo(current).hasSameHashCodeAs(current);
        assertThat(current).hasToString("LakeDescriptor{format=mlops4j.lake/1, hashAlgorithm=sha256}");
    }

    @Test
    void shouldCreateLakeJsonWhenStoreIsEmpty() throws Exception {
        try (LocalObjectStore store = LocalObjectStore.open(dir)) {
            assertThat(LakeDescriptor.initialize(store)).isEqualTo(LakeDescriptor.current());
        }

        assertThat(Files.readAllBytes(dir.resolve("lake.json")))
                .isEqualTo(LakeDescriptor.current().toBytes());
    }

    @Test
    void shouldAcceptExistingLakeJsonWhenInitializedTwice() {
        try (LocalObjectStore store = LocalObjectStore.open(dir)) {
            LakeDescriptor first = LakeDescriptor.initialize(store);
            LakeDescriptor second = LakeDescriptor.initialize(store);

            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void shouldRejectNewerLakeWhenFormatVersionIsHigher() throws Exception {
        Files.write(dir.resolve("lake.json"), json("{\"format\":\"mlops4j.lake/2\",\"hashAlgorithm\":\"sha256\"}"));

        try (LocalObjectStore store = LocalObjectStore.open(dir)) {
            assertThatExceptionOfType(LakeFormatException.class)
                    .isThrownBy(() -> LakeDescriptor.initialize(store))
                    .satisfies(e -> assertThat(e.getReason()).isEqualTo(Reason.UNSUPPORTED_FORMAT))
                    .withMessageContaining("mlops4j.lake/2")
                    .withMessageContaining("newer MLOps4J")
                    .withMessageContaining("upgrade MLOps4J")
                    .withMessageContaining(dir.toString());
        }
    }

    @Test
    void shouldRejectLakeWhenHashAlgorithmDiffers() throws Exception {
        Files.write(dir.resolve("lake.json"), json("{\"format\":\"mlops4j.lake/1\",\"hashAlgorithm\":\"blake3\"}"));

        try (LocalObjectStore store = LocalObjectStore.open(dir)) {
            assertThatExceptionOfType(LakeFormatException.class)
                    .isThrownBy(() -> LakeDescriptor.initialize(store))
                    .satisfies(e -> assertThat(e.getReason()).isEqualTo(Reason.UNSUPPORTED_FORMAT))
                    .satisfies(e -> assertThat(e.getPath()).isEqualTo("$.hashAlgorithm"))
                    .withMessageContaining("\"blake3\"");
        }
    }

    @Test
    void shouldRejectDamagedLakeJsonWhenNotCanonical() throws Exception {
        Files.write(dir.resolve("lake.json"), json("{\"format\": \"mlops4j.lake/1\", \"hashAlgorithm\": \"sha256\"}"));

        try (LocalObjectStore store = LocalObjectStore.open(dir)) {
            assertThatExceptionOfType(LakeFormatException.class)
                    .isThrownBy(() -> LakeDescriptor.initialize(store))
                    .satisfies(e -> assertThat(e.getReason()).isEqualTo(Reason.NON_CANONICAL))
                    .satisfies(e -> assertThat(e.getSource()).startsWith("lake.json of LocalObjectStore"));
        }
    }

    @Test
    void shouldRejectUnknownFieldWhenLakeJsonHasExtraField() {
        assertThatExceptionOfType(LakeFormatException.class)
                .isThrownBy(() -> LakeDescriptor.parse(
                        json("{\"format\":\"mlops4j.lake/1\",\"hashAlgorithm\":\"sha256\",\"x\":1}")))
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN_FIELD))
                .satisfies(e -> assertThat(e.getSource()).isEqualTo("lake.json"));
    }

    @Test
    void shouldAgreeOnOneDescriptorWhenInitializedConcurrently() throws Exception {
        int threads = 8;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (LocalObjectStore store = LocalObjectStore.open(dir)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<LakeDescriptor>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<LakeDescriptor> task = () -> {
                    start.await();
                    return LakeDescriptor.initialize(store);
                };
                results.add(executor.submit(task));
            }
            start.countDown();
            for (Future<LakeDescriptor> result : results) {
                assertThat(result.get()).isEqualTo(LakeDescriptor.current());
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(Files.readAllBytes(dir.resolve("lake.json")))
                .isEqualTo(LakeDescriptor.current().toBytes());
    }
}
