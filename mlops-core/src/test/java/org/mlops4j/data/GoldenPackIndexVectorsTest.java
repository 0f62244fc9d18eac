package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlops4j.data.PackReading.resource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;

/**
 * Checks the pack index golden vectors in {@code golden/pack-index/} ({@code docs/lake-format.md} §11.7), written by
 * {@code scripts/generate-pack-vectors.py} from the spec: the Java writer produces the layer of the golden pack and a
 * second pack, and the pointer naming it, byte for byte; the lake's reader finds every member through them alone,
 * without a pack record; each invalid pointer or layer fails the check its {@code invalid/INDEX} line names.
 * {@code scripts/verify-golden-vectors.py} checks the same files on its own.
 */
class GoldenPackIndexVectorsTest {
    private static final String DIR = "golden/pack-index/";

    /** The Java message each check of §11.7 gives, as a pattern; the INDEX names the check. */
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("pointer-duplicate", ".*names layer .* twice.*"),
            Map.entry("layer-size", ".*has \\d+ bytes, the pack index says \\d+.*"),
            Map.entry("layer-digest", ".*hashes to sha256:.*"),
            Map.entry("layer-magic", ".*has no layer trailer.*"),
            Map.entry("layer-count", ".*lists \\d+ packs, the pack index \\d+.*"),
            Map.entry("layer-order", ".*lists pack \\d+ out of digest order or twice.*"),
            Map.entry("layer-pack", ".*, says \\d+ members in \\d+ bytes.*"),
            Map.entry("layer-length", ".*(ends within|bytes after its last pack).*"),
            Map.entry("order", ".*lists member \\d+ out of digest order or twice.*"),
            Map.entry("range", ".*outside its \\d+ bytes of members.*"),
            Map.entry("layer-members", ".*lists \\d+ members, the pack index \\d+.*"));

    /** One line of {@code invalid/INDEX}, with its files. */
    record Invalid(String name, String check, String reason, byte[] pointer, byte @Nullable [] layer) {
        @Override
        public String toString() {
            return name + " -> " + check + ("-".equals(reason) ? "" : " " + reason);
        }
    }

    @Test
    void shouldWriteGoldenLayerAndPointerWhenGivenTheTwoPacks() {
        byte[] pack = resource("golden/pack/pack.bin");
        byte[] extra = resource(DIR + "extra-pack.bin");

        PackIndexFormat.Encoded layer = PackIndexFormat.encodeLayer(List.of(section(extra), section(pack)));

        assertThat(layer.bytes()).isEqualTo(resource(DIR + "layer.bin"));
        assertThat(layer.layer()).isEqualTo(new PackIndexFormat.Layer(Digest.of(layer.bytes()), 2, 5, 360));
        assertThat(PackIndexFormat.encodePointer(List.of(layer.layer())))
                .isEqualTo(resource(DIR + "index-checksum.json"));
        assertThat(PackIndexFormat.readPointer(resource(DIR + "index.json"))).containsExactly(layer.layer());
        assertThat(PackIndexFormat.readPointer(resource(DIR + "index-checksum.json")))
                .containsExactly(layer.layer());
    }

    @Test
    void shouldMatchSha256SumsWhenGoldenIndexFilesAreHashed() {
        String[] lines = new String(resource(DIR + "SHA256SUMS"), StandardCharsets.US_ASCII).split("\n");

        assertThat(lines).hasSize(4);
        for (String line : lines) {
            String[] parts = line.split(" {2}");
            assertThat(Digest.of(resource(DIR + parts[1])).hex()).as(parts[1]).isEqualTo(parts[0]);
        }
    }

    @Test
    void shouldOpenEveryMemberThroughTheIndexAloneWhenNoPackHasARecord(@TempDir Path lake) throws Exception {
        try (LocalObjectStore store = LocalObjectStore.open(lake)) {
            byte[] pack = resource("golden/pack/pack.bin");
            byte[] extra = resource(DIR + "extra-pack.bin");
            storeIndex(store, pack, extra, resource(DIR + "layer.bin"), resource(DIR + "index.json"));
            ContentPacks contents = new ContentPacks(store);

            for (byte[] member : List.of(
                    "hello\n".getBytes(StandardCharsets.US_ASCII),
                    new byte[0],
                    resource("golden/pack/member-4.bin"),
                    "a second pack\n".getBytes(StandardCharsets.US_ASCII))) {
                try (InputStream in = contents.open(Digest.of(member))) {
                    assertThat(in.readAllBytes()).isEqualTo(member);
                }
            }
            assertThat(contents.describe()).isEqualTo("2 packs, 5 packed contents, 0 damaged");
            assertThat(contents.indexLayerCount()).isEqualTo(1);
            assertThat(store.list(LakeLayout.PACK_RECORDS).stream()).isEmpty();
        }
    }

    @Test
    void shouldIgnoreADamagedLayerAndFindItsPacksByTheirRecords(@TempDir Path lake) throws Exception {
        try (LocalObjectStore store = LocalObjectStore.open(lake)) {
            byte[] pack = resource("golden/pack/pack.bin");
            Invalid damaged = invalid()
                    .filter(v -> v.name().equals("layer-digest"))
                    .findFirst()
                    .orElseThrow();
            storeIndex(store, pack, resource(DIR + "extra-pack.bin"), damaged.layer(), damaged.pointer());
            Digest hello = Digest.of("hello\n".getBytes(StandardCharsets.US_ASCII));
            ContentPacks contents = new ContentPacks(store);

            assertThatThrownBy(() -> contents.open(hello))
                    .isInstanceOf(NotFoundException.class)
                    .satisfies(e -> assertThat(e.getSuppressed())
                            .singleElement()
                            .asString()
                            .contains("damaged pack index layers", "hashes to"));
            boolean announced =
                    store.createIfAbsent(Packs.key(Digest.of(pack)), resource("golden/pack/pack-record.json"));

            assertThat(announced).isTrue();
            try (InputStream in = contents.open(hello)) {
                assertThat(in.readAllBytes()).isEqualTo("hello\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void shouldRejectWithIndexedCheckWhenGivenInvalidVector(Invalid vector) {
        if (vector.check().equals("pointer")) {
            assertThatThrownBy(() -> PackIndexFormat.readPointer(vector.pointer()))
                    .isInstanceOf(LakeFormatException.class)
                    .hasMessageContaining("packs/index.json")
                    .extracting(e -> ((LakeFormatException) e).getReason().toString())
                    .isEqualTo(vector.reason());
        } else if (vector.check().equals("pointer-duplicate")) {
            assertThatThrownBy(() -> PackIndexFormat.readPointer(vector.pointer()))
                    .isExactlyInstanceOf(IntegrityException.class)
                    .hasMessageMatching(MESSAGES.get(vector.check()));
        } else {
            PackIndexFormat.Layer named =
                    PackIndexFormat.readPointer(vector.pointer()).get(0);
            assertThatThrownBy(() -> PackIndexFormat.readLayer(vector.layer(), named))
                    .isExactlyInstanceOf(IntegrityException.class)
                    .hasMessageContaining("pack index layer " + named.layer())
                    .hasMessageMatching(MESSAGES.get(vector.check()));
        }
    }

    @Test
    void shouldHaveAVectorForEveryCheckWhenInvalidIndexIsRead() {
        List<String> checks = invalid().map(Invalid::check).distinct().toList();

        assertThat(checks).containsAll(MESSAGES.keySet()).contains("pointer");
        assertThat(invalid().filter(v -> v.check().equals("pointer")).map(Invalid::reason))
                .contains("INVALID_VALUE", "NON_CANONICAL", "UNKNOWN_FIELD");
    }

    static Stream<Invalid> invalid() {
        List<Invalid> result = new ArrayList<>();
        for (String[] f : PackReading.indexLines(DIR + "invalid/INDEX")) {
            String base = DIR + "invalid/" + f[0];
            byte[] layer = PackReading.hasResource(base + ".bin") ? resource(base + ".bin") : null;
            result.add(new Invalid(f[0], f[1], f[2], resource(base + ".json"), layer));
        }
        return result.stream();
    }

    /** Stores two packs as content, a layer under the key the pointer names, and the pointer; no pack record. */
    private static void storeIndex(ObjectStore store, byte[] pack, byte[] extra, byte[] layer, byte[] pointer) {
        var unusedPack = store.putContent(new ByteArrayInputStream(pack));
        var unusedExtra = store.putContent(new ByteArrayInputStream(extra));
        PackIndexFormat.Layer named = PackIndexFormat.readPointer(pointer).get(0);
        assertThat(store.createIfAbsent(LakeLayout.packIndexLayer(named.layer()), layer))
                .isTrue();
        assertThat(store.compareAndSet(LakeLayout.PACK_INDEX, null, pointer)).isPresent();
    }

    /** A pack's section of a layer: its digest, size and own index entries. */
    private static PackIndexFormat.Section section(byte[] pack) {
        Packs.PackRecord record = new Packs.PackRecord(Digest.of(pack), trailerCount(pack), pack.length);
        byte[] entries = Packs.readIndex(PackReading.range(pack, record.indexOffset(), record.tailBytes()), record);
        return new PackIndexFormat.Section(record.pack(), pack.length, entries);
    }

    private static long trailerCount(byte[] pack) {
        return java.nio.ByteBuffer.wrap(pack, pack.length - 8, 8).getLong();
    }
}
