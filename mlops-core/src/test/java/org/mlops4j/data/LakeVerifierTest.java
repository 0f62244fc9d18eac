package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoreVerification;
import org.mlops4j.store.TestStores;

/** {@link Datasets#verifyLake()} on intact, older and damaged lakes; older records (no checksum) still read. */
class LakeVerifierTest {
    @TempDir
    Path temp;

    private ObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = TestStores.open(temp.resolve("lake"));
        mlops = Mlops.builder().objectStore(lake).cacheDirectory(null).build();
        datasets = mlops.datasets();
        source = Files.createDirectories(temp.resolve("source"));
        Files.writeString(source.resolve("a.csv"), "x,y\n1,2\n");
        Files.createDirectories(source.resolve("sub"));
        Files.writeString(source.resolve("sub/b.txt"), "b");
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    private void replace(StoreKey key, byte[] bytes) {
        assertThat(lake.delete(key)).isTrue();
        assertThat(lake.createIfAbsent(key, bytes)).isTrue();
    }

    @Test
    void shouldFindNoProblemWhenLakeIsIntact() {
        var unused = datasets.snapshot("raw").directory(source).commit();

        StoreVerification verification = datasets.verifyLake();

        assertThat(verification.problems()).isEmpty();
        assertThat(verification.contentObjects()).isPositive();
        assertThat(verification.otherObjects()).isPositive();
    }

    @Test
    void shouldReadAndVerifyOlderRecordsWhenTheyHaveNoChecksum() {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        StoreKey record = StoreKey.of("datasets/raw/v/00000001.json");
        Map<String, Object> fields =
                new LinkedHashMap<>(CanonicalJson.readObject(lake.get(record).getBytes()));
        assertThat(fields).containsKey(RecordFormat.CHECKSUM_FIELD);
        fields.remove(RecordFormat.CHECKSUM_FIELD);
        replace(record, CanonicalJson.write(fields));
        StoreKey profileIndex = LakeLayout.csvProfile(fileDigest(v1, "a.csv"));
        assertThat(lake.get(profileIndex).getText()).startsWith("{"); // the new record form
        replace(profileIndex, v1.getProfiles().get("a.csv").toString().getBytes(StandardCharsets.US_ASCII));

        assertThat(datasets.get("raw", 1).toString()).isEqualTo(v1.toString());
        assertThat(datasets.verifyLake().problems()).isEmpty();
        assertThat(Profiles.readIndex(lake.get(profileIndex).getBytes(), profileIndex))
                .isEqualTo(v1.getProfiles().get("a.csv"));
    }

    @Test
    void shouldReportDamagedProfileIndexNamingItsKeyWhenTextIsNoDigest() throws IOException {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        StoreKey profileIndex = LakeLayout.csvProfile(fileDigest(v1, "a.csv"));
        replace(profileIndex, "sha256:not-a-digest".getBytes(StandardCharsets.US_ASCII));

        assertThat(datasets.verifyLake().problems()).anyMatch(p -> p.contains(profileIndex.value()));
        Files.writeString(source.resolve("c.txt"), "a change, so that the snapshot profiles a.csv again");
        assertThatThrownBy(() -> datasets.snapshot("raw").directory(source).commit())
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(profileIndex.value());
    }

    @Test
    void shouldReportChangedRecordNamingItsKeyWhenChecksumDiffers() {
        var unused = datasets.snapshot("raw").directory(source).message("first").commit();
        StoreKey record = StoreKey.of("datasets/raw/v/00000001.json");
        String text = lake.get(record).getText();
        replace(record, text.replace("\"first\"", "\"firsT\"").getBytes(StandardCharsets.UTF_8));

        assertThat(datasets.verifyLake().problems())
                .anyMatch(p -> p.contains(record.value()) && p.contains("CHECKSUM_MISMATCH"));
        assertThatThrownBy(() -> datasets.get("raw", 1))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(record.value());
    }

    private Digest fileDigest(DatasetVersion version, String path) {
        for (Trees.Entry entry : Trees.read(lake, version.getDigest(), "test")) {
            if (entry.name().equals(path) && entry instanceof Trees.FileEntry file) {
                return file.digest();
            }
        }
        throw new AssertionError(path);
    }
}
