package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.JsonLimits;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.TestStores;

/**
 * Lakes written before {@code tree/2} (lake format §14.4): their {@code tree/1} JSON trees check out, verify and
 * diff as before, a {@code tree/2} may name a {@code tree/1} (a mixed lake), and the trees the new code writes are
 * {@code tree/2}, which a reader of {@code tree/1} refuses as a newer format.
 */
class MixedTreeLakeTest {
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
        Files.writeString(source.resolve("top.txt"), "top\n");
        Files.createDirectories(source.resolve("sub/deeper"));
        Files.writeString(source.resolve("sub/b.txt"), "b\n");
        Files.writeString(source.resolve("sub/deeper/c.bin"), "c".repeat(70_000));
        Files.writeString(source.resolve("sub/run.sh"), "#!/bin/sh\n");
        assertThat(source.resolve("sub/run.sh").toFile().setExecutable(true)).isTrue();
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldWriteTree2WhichAReaderOfTree1RefusesAsNewer() {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        byte[] root = lake.get(Trees.key(v1.getDigest())).getBytes();

        assertThat(TreeEncoding.isBinary(root)).isTrue();
        assertThatThrownBy(() -> RecordReader.parse(
                        root, Trees.JSON_FORMAT, "tree " + v1.getDigest(), new JsonLimits(Trees.MAX_BYTES, 8)))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining("newer MLOps4J")
                .extracting(e -> ((LakeFormatException) e).getReason())
                .isEqualTo(LakeFormatException.Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void shouldCheckOutVerifyAndDiffWhenEveryTreeIsTree1() throws IOException {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        DatasetVersion old = commitAs(v1, 2, toJson(v1.getDigest(), true));

        assertThat(TreeEncoding.isBinary(lake.get(Trees.key(old.getDigest())).getBytes()))
                .isFalse();
        assertCheckoutEqualsSource(old);
        assertThat(datasets.verify(old).isClean()).isTrue();
        assertThat(datasets.verifyLake().problems()).isEmpty();
        assertThat(datasets.diff(v1, old).isEmpty()).isTrue();
    }

    @Test
    void shouldCheckOutVerifyAndDiffWhenATree2NamesTree1Subtrees() throws IOException {
        DatasetVersion v1 = datasets.snapshot("raw").directory(source).commit();
        DatasetVersion mixed = commitAs(v1, 2, toJson(v1.getDigest(), false));

        assertThat(TreeEncoding.isBinary(lake.get(Trees.key(mixed.getDigest())).getBytes()))
                .isTrue();
        assertCheckoutEqualsSource(mixed);
        assertThat(datasets.verify(mixed).isClean()).isTrue();
        assertThat(datasets.verifyLake().problems()).isEmpty();
        assertThat(datasets.diff(mixed, v1).isEmpty()).isTrue();
        Files.writeString(source.resolve("sub/b.txt"), "changed\n");
        DatasetVersion v3 = datasets.snapshot("raw").directory(source).commit();
        assertThat(datasets.diff(mixed, v3).changed()).containsExactly("sub/b.txt");
    }

    private void assertCheckoutEqualsSource(DatasetVersion version) throws IOException {
        Path out = temp.resolve("out-" + version.getRef().version());
        assertThat(datasets.checkout(version, out)).isEqualTo(4);
        for (String file : List.of("top.txt", "sub/b.txt", "sub/deeper/c.bin", "sub/run.sh")) {
            assertThat(Files.readAllBytes(out.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(source.resolve(file)));
        }
        assertThat(out.resolve("sub/run.sh").toFile().canExecute()).isTrue();
    }

    /**
     * Rewrites a tree and its subtrees as an older writer wrote them (tree/1 JSON), bottom-up; the root stays a
     * tree/2 unless {@code root} is set.
     */
    private Digest toJson(Digest tree, boolean root) {
        List<Trees.Entry> entries = new ArrayList<>();
        for (Trees.Entry entry : Trees.read(lake, tree, "test")) {
            entries.add(
                    entry instanceof Trees.DirEntry dir
                            ? new Trees.DirEntry(dir.name(), toJson(dir.tree(), true))
                            : entry);
        }
        byte[] bytes = root ? json(entries) : Trees.encode(entries);
        Digest digest = Digest.of(bytes);
        boolean unused = lake.createIfAbsent(Trees.key(digest), bytes);
        return digest;
    }

    /** The tree/1 encoding, as MLOps4J wrote it before tree/2. */
    private static byte[] json(List<Trees.Entry> sortedEntries) {
        List<RecordWriter> items = new ArrayList<>();
        for (Trees.Entry entry : sortedEntries) {
            RecordWriter item = RecordWriter.object().put("name", entry.name());
            if (entry instanceof Trees.FileEntry file) {
                item.put("type", "file")
                        .put("size", file.size())
                        .put("digest", file.digest())
                        .put("executable", file.executable());
            } else {
                item.put("type", "dir").put("digest", ((Trees.DirEntry) entry).tree());
            }
            items.add(item);
        }
        return CanonicalJson.write(
                RecordWriter.createWithoutChecksum(RecordFormat.of("mlops4j.tree", 1))
                        .put("entries", items),
                new JsonLimits(Trees.MAX_BYTES, 8));
    }

    /** Commits the same files under another root as the next version, as a writer of that root would have. */
    private DatasetVersion commitAs(DatasetVersion like, long number, Digest root) {
        DatasetRef ref = new DatasetRef(like.getName(), number);
        DatasetVersion version = new DatasetVersion(
                ref,
                root,
                like.getFileCount(),
                like.getByteCount(),
                like.getCreated(),
                like.getAuthor(),
                like.getMessage(),
                like.getTags(),
                List.of(like.getRef()),
                null,
                like.getProfiles(),
                like.getCommitId() + "-" + number);
        StoreKey key = StoreKey.of("datasets/" + ref.name() + "/v/0000000" + number + ".json");
        assertThat(lake.createIfAbsent(key, DatasetRecords.encode(version))).isTrue();
        assertThat(lake.get(key).getText()).contains(root.hex());
        return datasets.get(ref);
    }
}
