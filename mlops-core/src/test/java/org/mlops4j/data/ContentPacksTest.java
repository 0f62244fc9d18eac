package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.TestStores;

/** Small files in packs: what is packed, when packs are sealed, and how readers find packs other writers sealed. */
class ContentPacksTest {
    @TempDir
    Path temp;

    private Mlops mlops;
    private ObjectStore store;
    /** Every store this test opened ({@link #reopen} opens one per instance); closed after it. */
    private final List<ObjectStore> opened = new ArrayList<>();

    private Path source;
    private final Random random = new Random(20261129);

    @BeforeEach
    void open() throws IOException {
        mlops = reopen();
        store = mlops.objectStore();
        source = Files.createDirectories(temp.resolve("source"));
    }

    @AfterEach
    void close() {
        mlops.close();
        opened.forEach(ObjectStore::close);
    }

    @Test
    void shouldPackFilesUpTo64KibAndStoreLargerOnesWhole() throws IOException {
        byte[] empty = write("empty.bin", 0);
        byte[] one = write("one.bin", 1);
        byte[] limit = write("limit.bin", Packs.MAX_MEMBER_BYTES);
        byte[] larger = write("larger.bin", Packs.MAX_MEMBER_BYTES + 1);

        DatasetVersion version =
                mlops.datasets().snapshot("d").directory(source).commit();

        List<Packs.PackRecord> packs = packRecords();
        assertThat(packs)
                .singleElement()
                .satisfies(pack -> assertThat(pack.members()).isEqualTo(3));
        ContentPacks contents = mlops.datasets().contentTrees().contents();
        for (byte[] packed : List.of(empty, one, limit)) {
            assertThat(contents.locate(Digest.of(packed))).isNotNull();
        }
        assertThat(contents.locate(Digest.of(larger))).isNull();
        assertThat(store.findContent(Digest.of(larger))).isPresent();
        assertThat(read(version, "limit.bin")).isEqualTo(limit);
        assertThat(read(version, "larger.bin")).isEqualTo(larger);
        assertThat(read(version, "empty.bin")).isEmpty();
        assertThat(mlops.datasets().verify(version).problems()).isEmpty();
    }

    @Test
    void shouldSealAPackWhenItReachesTheTargetSize() throws IOException {
        int files = Packs.TARGET_PACK_BYTES / (60 * 1024) + 5;
        for (int i = 0; i < files; i++) {
            var unused = write("f" + i + ".bin", 60 * 1024);
        }

        DatasetVersion version =
                mlops.datasets().snapshot("d").directory(source).commit();

        List<Packs.PackRecord> packs = packRecords();
        assertThat(packs).hasSize(2);
        assertThat(packs.stream().mapToLong(Packs.PackRecord::members).sum()).isEqualTo(files);
        assertThat(packs)
                .as("one pack sealed at the target, the rest by the final flush")
                .anySatisfy(pack -> assertThat(pack.indexOffset()).isGreaterThanOrEqualTo(Packs.TARGET_PACK_BYTES));
        assertThat(mlops.datasets().verify(version).filesChecked()).isEqualTo(files);
    }

    @Test
    void shouldStoreEachSmallContentOnceAcrossSnapshotsAndDuplicatesWithinOne() throws IOException {
        byte[] same = write("a.bin", 100);
        Files.write(source.resolve("copy-of-a.bin"), same);
        DatasetVersion first = mlops.datasets().snapshot("d").directory(source).commit();
        var unused = write("new.bin", 10);

        DatasetVersion second = mlops.datasets().snapshot("e").directory(source).commit();

        assertThat(packRecords())
                .as("a.bin once in the first pack; the second pack holds only the new file")
                .extracting(Packs.PackRecord::members)
                .containsExactlyInAnyOrder(1L, 1L);
        assertThat(read(second, "copy-of-a.bin")).isEqualTo(same);
        assertThat(mlops.datasets().verify(first).problems()).isEmpty();
    }

    @Test
    void shouldFindPacksThatAnotherWriterSealedAfterThisReaderOpened() throws IOException {
        byte[] bytes = write("a.bin", 5000);
        try (Mlops reader = reopen()) {
            ContentPacks contents = reader.datasets().contentTrees().contents();
            assertThat(contents.locate(Digest.of(bytes))).isNull();

            DatasetVersion version =
                    mlops.datasets().snapshot("d").directory(source).commit();

            try (InputStream in = reader.datasets().open(version, "a.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
            assertThat(contents.describe()).startsWith("1 packs, 1 packed contents, 0 damaged");
        }
    }

    @Test
    void shouldIgnoreADamagedPackForDedupAndSayItMayHoldAContentThatIsMissing() throws IOException {
        byte[] bytes = write("a.bin", 5000);
        DatasetVersion version =
                mlops.datasets().snapshot("d").directory(source).commit();
        StoreKey record = store.list(Packs.PREFIX).stream().findFirst().orElseThrow();
        assertThat(store.delete(record)).isTrue(); // the record's bytes replaced, as a damaged disk would
        assertThat(store.createIfAbsent(record, "{\"format\":\"mlops4j.pack/1\"}".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        // a lake written before the pack index (§11.7), where a pack's record is what announces it to readers
        assertThat(store.delete(LakeLayout.PACK_INDEX)).isTrue();

        try (Mlops fresh = reopen()) {
            assertThatThrownBy(() -> fresh.datasets().open(version, "a.bin"))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining(Digest.of(bytes).toString())
                    .satisfies(e -> assertThat(e.getSuppressed())
                            .singleElement()
                            .asString()
                            .contains("damaged packs")
                            .contains(record.value().substring(Packs.PREFIX.length())));

            DatasetVersion again =
                    fresh.datasets().snapshot("d2").directory(source).commit();

            assertThat(fresh.datasets().contentTrees().contents().describe())
                    .as("the damaged pack did not count as holding a.bin: it was packed again")
                    .isEqualTo("1 packs, 1 packed contents, 1 damaged");
            assertThat(fresh.datasets().verify(version).problems())
                    .as("the older version reads its content from the new pack")
                    .isEmpty();
            assertThat(fresh.datasets().verify(again).problems()).isEmpty();
        }
    }

    @Test
    void shouldStoreAContentThatAnotherWriterOnlyBuffersWhenThatWriterNeverSeals() throws IOException {
        byte[] bytes = write("a.bin", 3000);
        ContentPacks contents = mlops.datasets().contentTrees().contents();
        PackWriter failing = new PackWriter(store, contents);
        var taken = failing.add(bytes, bytes.length); // buffered, never flushed: as if its snapshot failed

        DatasetVersion version =
                mlops.datasets().snapshot("d").directory(source).commit();

        assertThat(taken.created()).isTrue();
        assertThat(mlops.datasets().verify(version).problems())
                .as("the snapshot packed a.bin itself rather than count on the other writer")
                .isEmpty();
        assertThat(packRecords()).hasSize(1);
    }

    @Test
    void shouldReadAnotherCopyOnceTheFirstIsFoundDamaged() throws IOException {
        byte[] bytes = write("a.bin", 3000);
        DatasetVersion version = snapshotWithTwoPackedCopies(bytes);
        try (Mlops fresh = reopen()) {
            PackIndex.Location first =
                    fresh.datasets().contentTrees().contents().locate(Digest.of(bytes));
            damage(first);

            try (InputStream in = fresh.datasets().open(version, "a.bin")) {
                assertThatThrownBy(in::readAllBytes)
                        .isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("in pack " + first.pack());
            }
            try (InputStream in = fresh.datasets().open(version, "a.bin")) {
                assertThat(in.readAllBytes())
                        .as("the damaged copy is skipped from now on")
                        .isEqualTo(bytes);
            }
            var unused = fresh.datasets().checkout(version, temp.resolve("out"));
            assertThat(temp.resolve("out/a.bin")).hasBinaryContent(bytes);
            assertThat(fresh.datasets().verify(version).problems())
                    .singleElement()
                    .asString()
                    .contains("'a.bin' has a damaged copy", "in pack " + first.pack(), "intact copy is read instead");
        }
    }

    @Test
    void shouldCheckOutFromAnIntactCopyWhenTheFirstIsDamaged() throws IOException {
        byte[] bytes = write("a.bin", 3000);
        DatasetVersion version = snapshotWithTwoPackedCopies(bytes);
        try (Mlops fresh = reopen()) {
            damage(fresh.datasets().contentTrees().contents().locate(Digest.of(bytes)));

            var unused = fresh.datasets().checkout(version, temp.resolve("out"));

            assertThat(temp.resolve("out/a.bin")).hasBinaryContent(bytes);
        }
    }

    @Test
    void shouldNameEveryCopyWhenAllAreDamaged() throws IOException {
        byte[] bytes = write("a.bin", 3000);
        DatasetVersion version = snapshotWithTwoPackedCopies(bytes);
        List<Packs.PackRecord> packs = packRecords();
        for (Packs.PackRecord pack : packs) {
            damage(new PackIndex.Location(pack.pack(), 0, bytes.length)); // a.bin is each pack's first member
        }
        try (Mlops fresh = reopen()) {
            assertThatThrownBy(() -> fresh.datasets().checkout(version, temp.resolve("out")))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("'a.bin'")
                    .hasMessageContaining(packs.get(0).pack().toString())
                    .hasMessageContaining(packs.get(1).pack().toString())
                    .hasMessageContaining("every copy");
            assertThat(temp.resolve("out/a.bin")).doesNotExist();
            assertThat(fresh.datasets().verify(version).problems())
                    .singleElement()
                    .asString()
                    .contains(
                            "every copy",
                            packs.get(0).pack().toString(),
                            packs.get(1).pack().toString());
        }
    }

    @Test
    void shouldKeepAtMostThreeIndexLayersAndFindEveryPackWithoutItsRecord() throws IOException {
        List<DatasetVersion> versions = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] bytes = ("version " + i).getBytes(StandardCharsets.UTF_8);
            versions.add(mlops.datasets().snapshot("d").stream("f.txt", () -> new ByteArrayInputStream(bytes))
                    .commit());
            assertThat(mlops.datasets().contentTrees().contents().indexLayerCount())
                    .isBetween(1, PackIndexFormat.MAX_LAYERS);
        }
        deletePackRecords();

        try (Mlops fresh = reopen()) {
            for (int i = 0; i < versions.size(); i++) {
                try (InputStream in = fresh.datasets().open(versions.get(i), "f.txt")) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("version " + i);
                }
            }
            assertThat(fresh.datasets().contentTrees().contents().describe())
                    .startsWith("30 packs, 30 packed contents, 0 damaged");
        }
    }

    @Test
    void shouldIndexThePacksOfTwoWritersThatPublishAtOnce() throws IOException {
        byte[] first = {1, 2, 3};
        byte[] second = {4, 5, 6};
        try (Mlops other = reopen()) {
            PackWriter one =
                    new PackWriter(store, mlops.datasets().contentTrees().contents());
            PackWriter two =
                    new PackWriter(store, other.datasets().contentTrees().contents());
            assertThat(one.add(first, first.length).created()).isTrue(); // both read the index before either writes
            assertThat(two.add(second, second.length).created()).isTrue();
            two.flush();
            one.flush(); // loses the compare-and-set, learns the other's layer, and publishes again
        }
        deletePackRecords();

        ContentPacks reader = new ContentPacks(store);
        for (byte[] bytes : List.of(first, second)) {
            try (InputStream in = reader.open(Digest.of(bytes))) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
        assertThat(reader.describe()).startsWith("2 packs, 2 packed contents");
    }

    @Test
    void shouldIndexEveryPackOfALakeWrittenBeforeTheIndexWhenItIsNextWritten() throws IOException {
        byte[] old = write("old.bin", 100);
        DatasetVersion before = mlops.datasets().snapshot("d").directory(source).commit();
        for (StoreKey key : store.list("packs/").stream().toList()) {
            if (!key.value().startsWith(Packs.PREFIX)) {
                assertThat(store.delete(key)).isTrue(); // as an MLOps4J without the index left it
            }
        }
        byte[] fresh = write("fresh.bin", 100);

        DatasetVersion after;
        try (Mlops writer = reopen()) {
            after = writer.datasets().snapshot("d").directory(source).commit();
            assertThat(writer.datasets().contentTrees().contents().indexLayerCount())
                    .isEqualTo(1);
        }
        deletePackRecords();

        try (Mlops reader = reopen()) {
            try (InputStream in = reader.datasets().open(before, "old.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(old);
            }
            try (InputStream in = reader.datasets().open(after, "fresh.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(fresh);
            }
        }
    }

    /** Deletes every pack record: a reader then finds packs through the index alone. */
    private void deletePackRecords() {
        List<StoreKey> records = store.list(Packs.PREFIX).stream().toList();
        assertThat(records).isNotEmpty();
        records.forEach(key -> assertThat(store.delete(key)).isTrue());
    }

    /**
     * Packs {@code bytes} twice, first in each of two packs, as two writers that took it at once do; then snapshots the
     * source, which finds it packed already.
     */
    private DatasetVersion snapshotWithTwoPackedCopies(byte[] bytes) {
        ContentPacks contents = mlops.datasets().contentTrees().contents();
        PackWriter one = new PackWriter(store, contents);
        PackWriter other = new PackWriter(store, contents);
        assertThat(one.add(bytes, bytes.length).created()).isTrue();
        assertThat(other.add(bytes, bytes.length).created()).isTrue();
        byte[] oneMore = {1};
        byte[] otherMore = {2};
        var unused = one.add(oneMore, 1); // different packs: the same members alone would make the same pack
        unused = other.add(otherMore, 1);
        one.flush();
        other.flush();
        assertThat(packRecords()).hasSize(2);
        return mlops.datasets().snapshot("d").directory(source).commit();
    }

    /** Overwrites a packed copy's first bytes. */
    private void damage(PackIndex.Location copy) throws IOException {
        TestStores.damageContent(store, copy.pack(), copy.offset(), new byte[] {1, 2, 3});
    }

    /** Another instance on the same lake, which knows nothing this test's instance learnt. */
    private Mlops reopen() {
        ObjectStore lake = TestStores.open(temp.resolve("lake"));
        opened.add(lake);
        return Mlops.builder().objectStore(lake).cacheDirectory(null).build();
    }

    private byte[] write(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(source.resolve(name), bytes);
        return bytes;
    }

    private byte[] read(DatasetVersion version, String path) throws IOException {
        try (InputStream in = mlops.datasets().open(version, path)) {
            return in.readAllBytes();
        }
    }

    private List<Packs.PackRecord> packRecords() {
        return store.list(Packs.PREFIX).stream()
                .map(key -> Packs.readRecord(store.get(key).getBytes(), key))
                .toList();
    }
}
