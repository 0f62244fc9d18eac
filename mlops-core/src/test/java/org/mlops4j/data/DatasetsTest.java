package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

class DatasetsTest {
    @TempDir
    Path temp;

    private ObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = TestStores.open(temp.resolve("lake"));
        mlops = Mlops.builder()
                .objectStore(lake)
                .cacheDirectory(temp.resolve("cache"))
                .build();
        datasets = mlops.datasets();
        source = Files.createDirectories(temp.resolve("source"));
        write("a.csv", "x,y\n1,2\n");
        write("sub/b.bin", "bbb");
        write("sub/deeper/c.txt", "c");
        Files.createDirectories(source.resolve("empty/nested-empty"));
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldRestoreBytesPathsEmptyDirectoriesAndExecutableBitWhenCheckedOut() throws IOException {
        Path script = write("run.sh", "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        DatasetVersion v1 =
                datasets.snapshot("raw").directory(source).message("first").commit();
        Path out = temp.resolve("out");
        long written = datasets.checkout(v1, out);

        assertThat(v1.getNumber()).isEqualTo(1);
        assertThat(v1.getFileCount()).isEqualTo(4);
        assertThat(written).isEqualTo(4);
        assertThat(out.resolve("sub/deeper/c.txt")).hasContent("c");
        assertThat(out.resolve("empty/nested-empty")).isEmptyDirectory();
        assertThat(Files.isExecutable(out.resolve("run.sh"))).isTrue();
        assertThat(Files.isExecutable(out.resolve("a.csv"))).isFalse();
        DatasetVersion again = datasets.snapshot("copy").directory(out).commit();
        assertThat(again.getDigest()).isEqualTo(v1.getDigest());
    }

    @Test
    void shouldReturnTheLatestVersionWhenNothingChanged() {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        DatasetVersion same =
                datasets.snapshot("raw").directory(source).message("again").commit();

        assertThat(same).isEqualTo(v1);
        assertThat(datasets.findLatest("raw")).contains(v1);
    }

    @Test
    void shouldMakeANewVersionAndAnExactDiffWhenFilesChange() throws IOException {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        write("a.csv", "x,y\n1,3\n");
        write("new.txt", "n");
        Files.delete(source.resolve("sub/deeper/c.txt"));
        Files.delete(source.resolve("empty/nested-empty"));

        DatasetVersion v2 = datasets.snapshot("raw").directory(source).commit();
        DatasetDiff diff = datasets.diff(v1, v2);

        assertThat(v2.getNumber()).isEqualTo(2);
        assertThat(diff.changed()).containsExactly("a.csv");
        assertThat(diff.added()).containsExactly("empty/", "new.txt", "sub/deeper/");
        assertThat(diff.removed()).containsExactly("empty/nested-empty/", "sub/deeper/c.txt");
        assertThat(datasets.diff(v1, v1).isEmpty()).isTrue();
        assertThat(datasets.history("raw").stream().map(DatasetVersion::getNumber))
                .containsExactly(2L, 1L);
    }

    @Test
    void shouldStoreContentOnceAcrossVersionsAndDatasets() {
        DatasetVersion a = datasets.snapshot("one").directory(source).commit();
        DatasetVersion b = datasets.snapshot("two").directory(source).commit();

        assertThat(a.getDigest()).isEqualTo(b.getDigest());
        // the three small files in one pack, and the profile of a.csv: each once
        ObjectStore store = mlops.objectStore();
        assertThat(store.list(Packs.PREFIX).stream())
                .singleElement()
                .satisfies(key -> assertThat(
                                Packs.readRecord(store.get(key).getBytes(), key).members())
                        .isEqualTo(3));
        assertThat(store.list(ObjectStore.CONTENT_PREFIX).stream()).hasSize(2);
    }

    @Test
    void shouldSnapshotFilesAndStreams() throws IOException {
        DatasetVersion v = datasets.snapshot("mixed").file(source, source.resolve("sub/b.bin")).stream(
                        "generated/data.txt", () -> new ByteArrayInputStream("gen".getBytes(StandardCharsets.UTF_8)))
                .commit();

        try (InputStream in = datasets.open(v, "generated/data.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("gen");
        }
        try (InputStream in = datasets.open(v, "sub/b.bin")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bbb");
        }
        assertThatThrownBy(() -> datasets.open(v, "nope.txt")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void shouldThrowIntegrityExceptionAtEndOfStreamWhenContentIsDamaged() throws IOException {
        DatasetVersion v = datasets.snapshot("raw").directory(source).commit();
        PackIndex.Location packed = Objects.requireNonNull(datasets.contentTrees()
                .contents()
                .locate(org.mlops4j.store.Digest.of("bbb".getBytes(StandardCharsets.UTF_8))));
        TestStores.damageContent(
                mlops.objectStore(), packed.pack(), packed.offset(), "BBB".getBytes(StandardCharsets.UTF_8));

        try (InputStream in = datasets.open(v, "sub/b.bin")) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("sub/b.bin")
                    .hasMessageContaining("in pack " + packed.pack() + " at offset " + packed.offset());
        }
        assertThat(datasets.verify(v).problems()).singleElement().asString().contains("sub/b.bin");
        assertThatThrownBy(() -> datasets.checkout(v, temp.resolve("damaged"))).isInstanceOf(IntegrityException.class);
        assertThat(temp.resolve("damaged/sub/b.bin")).doesNotExist();
    }

    @Test
    void shouldAnswerUpstreamAndDownstreamAcrossDerivedVersions() {
        DatasetVersion raw = datasets.snapshot("raw").directory(source).commit();
        DatasetVersion train = datasets.derive("train")
                .from(raw)
                .transform("split", "git:abc", Map.of("ratio", "0.8"))
                .file(source, source.resolve("a.csv"))
                .commit();
        DatasetVersion features = datasets.derive("features")
                .from(train)
                .transform("featurize", "git:abc", Map.of())
                .file(source, source.resolve("sub/b.bin"))
                .commit();

        LineageGraph down = mlops.lineage().downstream(LineageNode.dataset("raw", 1));
        LineageGraph up = mlops.lineage().upstream(LineageNode.dataset("features", 1));

        assertThat(train.getTransform())
                .hasValueSatisfying(t -> assertThat(t.params()).containsEntry("ratio", "0.8"));
        assertThat(down.nodes())
                .containsExactly(
                        LineageNode.dataset("features", 1),
                        LineageNode.dataset("raw", 1),
                        LineageNode.dataset("train", 1));
        assertThat(down.edges()).hasSize(2);
        assertThat(up.nodes()).isEqualTo(down.nodes());
        assertThat(features.getParents()).containsExactly(train.getRef());
    }

    @Test
    void shouldRejectUnsafeNamesNamingThePath() throws IOException {
        assertThatThrownBy(() -> datasets.snapshot("bad").stream(
                                "../escape.txt", () -> new ByteArrayInputStream(new byte[0]))
                        .commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("../escape.txt");
        assertThatThrownBy(
                        () -> datasets.snapshot("bad").stream("/abs.txt", () -> new ByteArrayInputStream(new byte[0]))
                                .commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(
                        () -> datasets.snapshot("bad").stream("a\u0000b", () -> new ByteArrayInputStream(new byte[0]))
                                .commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("U+0000");
        Path outside = Files.writeString(temp.resolve("secret.txt"), "s");
        Files.createSymbolicLink(source.resolve("link"), outside);
        assertThatThrownBy(() -> datasets.snapshot("bad").directory(source).commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("link")
                .hasMessageContaining("leaves");
        assertThat(datasets.findLatest("bad")).isEmpty();
    }

    @Test
    void shouldRefuseMissingParentsAndEmptySnapshots() {
        assertThatThrownBy(() -> datasets.derive("d")
                        .from(new DatasetRef("ghost", 3))
                        .directory(source)
                        .commit())
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("ghost@3");
        assertThatThrownBy(() -> datasets.snapshot("d").commit())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("directory()");
        assertThatThrownBy(() -> datasets.snapshot("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldVerifyCleanAndRepairMissingLineageEntries() {
        DatasetVersion raw = datasets.snapshot("raw").directory(source).commit();
        DatasetVersion child = datasets.derive("child")
                .from(raw)
                .transform("t", "r", Map.of())
                .directory(source)
                .commit();
        List<org.mlops4j.store.StoreKey> edges =
                mlops.objectStore().list("lineage/").stream().toList();
        assertThat(edges).hasSize(1);
        assertThat(mlops.objectStore().delete(edges.get(0))).isTrue();

        DatasetVerification verification = datasets.verify(child);

        assertThat(verification.isClean()).isTrue();
        assertThat(verification.edgesRepaired()).isEqualTo(1);
        assertThat(verification.filesChecked()).isEqualTo(3);
        assertThat(mlops.lineage().downstream(LineageNode.dataset("raw", 1)).nodes())
                .hasSize(2);
    }

    @Test
    void shouldProfileCsvFilesOnceAndKeepTheProfileWithTheVersion() throws IOException {
        write("broken.csv", "a,b\n1\n\"open");
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        write("other.txt", "changes the tree, not the CSV");
        DatasetVersion v2 = datasets.snapshot("raw").directory(source).commit();

        var profile = datasets.findProfile(v1, "a.csv").orElseThrow();

        assertThat(profile.getRowCount()).isEqualTo(1);
        assertThat(profile.getColumnNames()).containsExactly("x", "y");
        assertThat(v1.getProfiles()).containsOnlyKeys("a.csv");
        assertThat(v2.getProfiles()).isEqualTo(v1.getProfiles());
        assertThat(datasets.findProfile(v1, "broken.csv")).isEmpty();
        assertThat(datasets.findProfile(v1, "sub/b.bin")).isEmpty();
        assertThat(datasets.snapshot("raw2")
                        .directory(source)
                        .profileCsv(false)
                        .commit()
                        .getProfiles())
                .isEmpty();
    }

    @Test
    void shouldRefuseToCheckOutIntoANonEmptyDirectory() throws IOException {
        DatasetVersion v = datasets.snapshot("raw").directory(source).commit();
        Path out = Files.createDirectories(temp.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");

        assertThatThrownBy(() -> datasets.checkout(v, out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not empty");
        assertThat(out.resolve("keep.txt")).hasContent("mine");
    }

    @com.google.errorprone.annotations.CanIgnoreReturnValue
    private Path write(String relative, String content) throws IOException {
        Path file = source.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
