package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlops4j.data.PackReading.resource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.internal.VerifyingInputStream;

/**
 * Checks the pack golden vectors in {@code golden/pack/} ({@code docs/lake-format.md} §9 and §11), which were written
 * by {@code scripts/generate-pack-vectors.py} from the spec: the Java writer produces the pack and its record byte for
 * byte from the members in write order, the reader reads them back, and each invalid vector fails the check its
 * {@code invalid/INDEX} line names. {@code scripts/verify-golden-vectors.py} checks the same files on its own.
 */
class GoldenPackVectorsTest {
    private static final String DIR = "golden/pack/";

    /** A member of the golden pack, as {@code MEMBERS} lists it in write order. */
    private record Member(String file, long offset, byte[] bytes) {
        Digest digest() {
            return Digest.of(bytes);
        }
    }

    /** One line of {@code invalid/INDEX}, with its files. */
    record Invalid(String name, StoreKey key, String check, String reason, byte[] record, byte @Nullable [] pack) {
        @Override
        public String toString() {
            return name + " -> " + check + ("-".equals(reason) ? "" : " " + reason);
        }
    }

    /** The Java message each check of §11.5 gives; the INDEX names the check. */
    private static final Map<String, String> MESSAGES = Map.of(
            "record-key", "names pack",
            "record-sizes", "too few for its index",
            "tail-length", "index bytes its record announces",
            "magic", "has no pack trailer",
            "count", "members, its record",
            "order", "out of digest order or twice",
            "duplicate", "out of digest order or twice",
            "range", "outside its",
            "member-digest", "is damaged");

    @Test
    void shouldWriteGoldenPackAndRecordWhenGivenMembersInWriteOrder() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<byte[]> entries = new ArrayList<>();
        for (Member member : members()) {
            assertThat(data.size()).as(member.file() + " offset").isEqualTo(member.offset());
            entries.add(Packs.entry(member.digest().toBytes(), data.size(), member.bytes().length));
            data.writeBytes(member.bytes());
        }
        data.writeBytes(Packs.encodeIndex(entries.toArray(new byte[0][])));
        byte[] pack = data.toByteArray();

        assertThat(pack).isEqualTo(resource(DIR + "pack.bin"));
        assertThat(Packs.encodeRecord(new Packs.PackRecord(Digest.of(pack), entries.size(), pack.length)))
                .isEqualTo(resource(DIR + "pack-record-checksum.json"));
    }

    @Test
    void shouldReadTheSameRecordWhenWrittenWithAndWithoutChecksum() {
        StoreKey key = Packs.key(Digest.of(resource(DIR + "pack.bin")));

        Packs.PackRecord older = Packs.readRecord(resource(DIR + "pack-record.json"), key);
        Packs.PackRecord checksummed = Packs.readRecord(resource(DIR + "pack-record-checksum.json"), key);

        assertThat(checksummed).isEqualTo(older);
        assertThat(older.members()).isEqualTo(4);
    }

    @Test
    void shouldReadEveryMemberAtItsOffsetWhenGivenGoldenPack() {
        byte[] pack = resource(DIR + "pack.bin");
        StoreKey key = Packs.key(Digest.of(pack));
        Packs.PackRecord record = Packs.readRecord(resource(DIR + "pack-record.json"), key);
        byte[] index = Packs.readIndex(PackReading.range(pack, record.indexOffset(), record.tailBytes()), record);

        assertThat(record).isEqualTo(new Packs.PackRecord(Digest.of(pack), 4, 504));
        assertThat(index).hasSize(4 * Packs.ENTRY_BYTES);
        for (Member member : members()) {
            byte[] expected = Packs.entry(member.digest().toBytes(), member.offset(), member.bytes().length);
            assertThat(containsEntry(index, expected)).as(member.file()).isTrue();
        }
        Map<Digest, byte[]> read = PackReading.read(resource(DIR + "pack-record.json"), key, pack);
        assertThat(List.copyOf(read.keySet())).isSorted();
        assertThat(read).hasSize(4);
        members().forEach(m -> assertThat(read.get(m.digest())).as(m.file()).isEqualTo(m.bytes()));
    }

    @Test
    void shouldMatchSha256SumsWhenGoldenPackFilesAreHashed() {
        String[] lines = new String(resource(DIR + "SHA256SUMS"), StandardCharsets.US_ASCII).split("\n");

        assertThat(lines).hasSize(3 + members().size());
        for (String line : lines) {
            String[] parts = line.split(" {2}");
            assertThat(Digest.of(resource(DIR + parts[1])).hex()).as(parts[1]).isEqualTo(parts[0]);
        }
    }

    @Test
    void shouldOpenEachMemberThroughTheLakeReaderWhenGoldenPackIsStored(@TempDir Path lake) throws Exception {
        ObjectStore store = LocalObjectStore.open(lake);
        byte[] pack = resource(DIR + "pack.bin");
        Digest stored = store.putContent(new ByteArrayInputStream(pack)).digest();
        boolean created = store.createIfAbsent(Packs.key(stored), resource(DIR + "pack-record.json"));
        ContentPacks contents = new ContentPacks(store);

        assertThat(created).isTrue();
        for (Member member : members()) {
            try (InputStream in = contents.open(member.digest())) {
                assertThat(in.readAllBytes()).as(member.file()).isEqualTo(member.bytes());
            }
        }
        assertThat(contents.describe()).isEqualTo("1 packs, 4 packed contents, 0 damaged");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void shouldRejectWithIndexedCheckWhenGivenInvalidVector(Invalid vector) {
        byte[] pack = vector.pack() == null ? new byte[0] : vector.pack();

        if (vector.check().equals("record")) {
            assertThatThrownBy(() -> PackReading.read(vector.record(), vector.key(), pack))
                    .isInstanceOf(LakeFormatException.class)
                    .hasMessageContaining(vector.key().value())
                    .extracting(e -> ((LakeFormatException) e).getReason().toString())
                    .isEqualTo(vector.reason());
        } else {
            String pointsAt = vector.check().startsWith("record")
                    ? vector.key().value()
                    : "pack sha256:" + vector.key().value().substring(Packs.PREFIX.length());
            assertThatThrownBy(() -> PackReading.read(vector.record(), vector.key(), pack))
                    .isExactlyInstanceOf(IntegrityException.class)
                    .hasMessageContaining(pointsAt)
                    .hasMessageContaining(MESSAGES.get(vector.check()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void shouldIgnoreDamagedPackAndReportItWhenLakeHoldsOnlyInvalidVector(Invalid vector, @TempDir Path lake)
            throws Exception {
        LocalObjectStore store = LocalObjectStore.open(lake);
        if (vector.pack() != null) {
            // stored as found on disk: a truncated pack no longer hashes to the digest its record names
            Path file = lake.resolve(ObjectStore.contentKey(packOf(vector)).value());
            Files.createDirectories(file.getParent());
            Files.write(file, vector.pack());
        }
        boolean created = store.createIfAbsent(vector.key(), vector.record());
        ContentPacks contents = new ContentPacks(store);
        Digest hello = Digest.of("hello\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(created).isTrue();
        if (vector.check().equals("member-digest")) {
            // structurally sound: the reader finds the member, and the read's own check refuses its bytes
            assertThatThrownBy(() -> {
                        try (InputStream in = new VerifyingInputStream(contents.open(hello), hello, 6, "hello")) {
                            var unused = in.readAllBytes();
                        }
                    })
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("is damaged");
        } else {
            assertThatThrownBy(() -> contents.open(hello))
                    .isInstanceOf(NotFoundException.class)
                    .satisfies(e -> assertThat(e.getSuppressed())
                            .singleElement()
                            .asString()
                            .contains("damaged packs", packOf(vector).hex()));
            assertThat(contents.describe()).isEqualTo("0 packs, 0 packed contents, 1 damaged");
        }
    }

    @Test
    void shouldHaveAVectorForEveryCheckWhenInvalidIndexIsRead() {
        List<String> checks = invalid().map(Invalid::check).distinct().toList();

        assertThat(checks).containsAll(MESSAGES.keySet()).contains("record");
        assertThat(invalid().filter(v -> v.check().equals("record")).map(Invalid::reason))
                .contains("INVALID_VALUE", "NON_CANONICAL", "UNKNOWN_FIELD");
    }

    static Stream<Invalid> invalid() {
        List<Invalid> result = new ArrayList<>();
        for (String[] f : PackReading.indexLines(DIR + "invalid/INDEX")) {
            String base = DIR + "invalid/" + f[0];
            boolean hasPack = PackReading.hasResource(base + ".bin");
            result.add(new Invalid(
                    f[0],
                    StoreKey.of(f[1]),
                    f[2],
                    f[3],
                    resource(base + ".json"),
                    hasPack ? resource(base + ".bin") : null));
        }
        return result.stream();
    }

    private static List<Member> members() {
        List<Member> result = new ArrayList<>();
        for (String line : new String(resource(DIR + "MEMBERS"), StandardCharsets.US_ASCII).split("\n")) {
            String[] f = line.split(" ");
            result.add(new Member(f[0], Long.parseLong(f[1]), resource(DIR + f[0])));
        }
        return result;
    }

    private static Digest packOf(Invalid vector) {
        return Objects.requireNonNull(Packs.packOf(vector.key()), vector.name());
    }

    private static boolean containsEntry(byte[] index, byte[] entry) {
        for (int at = 0; at < index.length; at += Packs.ENTRY_BYTES) {
            if (Arrays.equals(index, at, at + Packs.ENTRY_BYTES, entry, 0, Packs.ENTRY_BYTES)) {
                return true;
            }
        }
        return false;
    }
}
