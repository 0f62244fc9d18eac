package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlops4j.data.PackReading.resource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.internal.JsonLimits;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.store.Digest;

/**
 * Checks the tree golden vectors in {@code golden/tree/} ({@code docs/lake-format.md} §9 and §14), which were written
 * by {@code scripts/generate-tree-vectors.py} from the spec: the Java writer produces each {@code tree/2} byte for byte
 * from its entries in any order, the reader reads {@code tree/2}, {@code tree/1} and a {@code tree/2} naming a
 * {@code tree/1} to the same entries, an old reader reports a {@code tree/2} as a newer format, and each invalid
 * vector fails the check its {@code invalid/INDEX} line names. {@code scripts/verify-golden-vectors.py} checks the same
 * files on its own.
 */
class GoldenTreeVectorsTest {
    private static final String DIR = "golden/tree/";

    /** The Java message of each check of §14.3; the INDEX names the check. */
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("count", "more than its remaining"),
            Map.entry("length", "ends within a digest"),
            Map.entry("trailing", "follow the last entry"),
            Map.entry("kind", "is none of 0 (file)"),
            Map.entry("varint", "a number"),
            Map.entry("shared", "bytes with the name before it"),
            Map.entry("order", "the tree lists"),
            Map.entry("utf8", "not valid UTF-8"),
            Map.entry("name", "unsafe path"),
            Map.entry("encoding", "is binary and starts with its header"),
            Map.entry("header", "upgrade MLOps4J"));

    /** One line of {@code invalid/INDEX}. */
    record Invalid(String file, String check, String reason) {
        @Override
        public String toString() {
            return file + " -> " + check + " " + reason;
        }
    }

    @Test
    void shouldWriteGoldenTreesByteForByteWhenGivenEntriesInAnyOrder() {
        List<Trees.Entry> entries = entries(Digest.of(resource(DIR + "sub.bin")));
        List<Trees.Entry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(19));

        assertThat(Trees.encode(entries)).isEqualTo(resource(DIR + "tree.bin"));
        assertThat(Trees.encode(shuffled)).isEqualTo(resource(DIR + "tree.bin"));
        assertThat(Trees.encode(sub())).isEqualTo(resource(DIR + "sub.bin"));
        assertThat(Trees.encode(List.of())).isEqualTo(resource(DIR + "empty.bin"));
        assertThat(Trees.encode(entries(Digest.of(resource(DIR + "sub-v1.json")))))
                .isEqualTo(resource(DIR + "mixed.bin"));
    }

    @Test
    void shouldReadBothEncodingsToTheSameEntriesWhenGivenGoldenTrees() {
        Digest sub = Digest.of(resource(DIR + "sub.bin"));
        Digest subV1 = Digest.of(resource(DIR + "sub-v1.json"));

        assertThat(read("tree.bin")).isEqualTo(entries(sub));
        assertThat(read("tree-v1.json")).isEqualTo(entries(subV1));
        assertThat(read("mixed.bin")).isEqualTo(entries(subV1));
        assertThat(read("sub.bin")).isEqualTo(sub()).isEqualTo(read("sub-v1.json"));
        assertThat(read("empty.bin")).isEmpty();
    }

    @Test
    void shouldCostAFractionOfTheJsonWhenTheSameTreeIsWrittenAsTree2() {
        int binary = resource(DIR + "tree.bin").length;
        int json = resource(DIR + "tree-v1.json").length;

        assertThat(binary).isEqualTo(428);
        assertThat(json).isEqualTo(1342);
    }

    @Test
    void shouldMatchSha256SumsWhenGoldenTreeFilesAreHashed() {
        String[] lines = new String(resource(DIR + "SHA256SUMS"), StandardCharsets.US_ASCII).split("\n");

        assertThat(lines).hasSize(6);
        for (String line : lines) {
            String[] parts = line.split(" {2}");
            assertThat(Digest.of(resource(DIR + parts[1])).hex()).as(parts[1]).isEqualTo(parts[0]);
        }
    }

    @Test
    void shouldSayUpgradeWhenAReaderOfTree1ReadsTree2() {
        byte[] tree = resource(DIR + "tree.bin");

        // what Trees.read did before tree/2: the strict reader fails, its format scan finds the header
        assertThatThrownBy(() -> RecordReader.parse(
                        tree,
                        RecordFormat.of("mlops4j.tree", 1),
                        "tree " + Digest.of(tree),
                        new JsonLimits(Trees.MAX_BYTES, 8)))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining("'mlops4j.tree/2', written by a newer MLOps4J")
                .hasMessageContaining("upgrade MLOps4J")
                .extracting(e -> ((LakeFormatException) e).getReason())
                .isEqualTo(LakeFormatException.Reason.UNSUPPORTED_FORMAT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void shouldRejectWithIndexedCheckWhenGivenInvalidVector(Invalid vector) {
        byte[] bytes = resource(DIR + "invalid/" + vector.file());
        Digest digest = Digest.of(bytes);

        if (vector.reason().equals("-")) {
            assertThatThrownBy(() -> Trees.decode(bytes, digest, "golden"))
                    .isInstanceOf(UnsafePathException.class)
                    .hasMessageContaining(MESSAGES.get(vector.check()));
        } else {
            assertThatThrownBy(() -> Trees.decode(bytes, digest, "golden"))
                    .isInstanceOf(LakeFormatException.class)
                    .hasMessageContaining("tree " + digest)
                    .hasMessageContaining(MESSAGES.get(vector.check()))
                    .extracting(e -> ((LakeFormatException) e).getReason().toString())
                    .isEqualTo(vector.reason());
        }
    }

    /** Found by {@code TreeFormatFuzzTest}: a tree/1 out of order was an untyped IntegrityException. */
    @ParameterizedTest(name = "{0} then {1}")
    @org.junit.jupiter.params.provider.CsvSource({"b,a,UNSORTED_KEYS", "a,a,DUPLICATE_KEY"})
    void shouldRejectTree1WithTheReasonOfTree2WhenNamesAreOutOfOrderOrTwice(
            String first, String second, String reason) {
        String digest = "\"digest\":\"" + Digest.of(new byte[0]) + "\"";
        byte[] bytes = ("{\"entries\":[{" + digest + ",\"name\":\"" + first + "\",\"type\":\"dir\"},{" + digest
                        + ",\"name\":\"" + second + "\",\"type\":\"dir\"}],\"format\":\"mlops4j.tree/1\"}")
                .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> Trees.decode(bytes, Digest.of(bytes), "golden"))
                .isInstanceOf(LakeFormatException.class)
                .hasMessageContaining("tree " + Digest.of(bytes))
                .hasMessageContaining("$.entries[1].name")
                .extracting(e -> ((LakeFormatException) e).getReason().toString())
                .isEqualTo(reason);
    }

    @Test
    void shouldCoverEveryCheckWhenInvalidVectorsAreIndexed() {
        assertThat(invalid().map(Invalid::check)).containsAll(MESSAGES.keySet());
    }

    static Stream<Invalid> invalid() {
        String index = new String(resource(DIR + "invalid/INDEX"), StandardCharsets.US_ASCII);
        return index.lines().filter(l -> !l.isBlank()).map(l -> {
            String[] parts = l.split(" ");
            return new Invalid(parts[0], parts[1], parts[2]);
        });
    }

    private static List<Trees.Entry> read(String file) {
        byte[] bytes = resource(DIR + file);
        return Trees.decode(bytes, Digest.of(bytes), "golden");
    }

    private static List<Trees.Entry> sub() {
        return List.of(new Trees.FileEntry("a.txt", 2, Digest.of("a\n".getBytes(StandardCharsets.US_ASCII)), false));
    }

    /** The root's entries as {@code ENTRIES} lists them, its directory naming {@code sub}. */
    private static List<Trees.Entry> entries(Digest sub) {
        List<Trees.Entry> entries = new ArrayList<>();
        String text = new String(resource(DIR + "ENTRIES"), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            String[] parts = line.split(" ", 4);
            if (parts[0].equals("dir")) {
                entries.add(new Trees.DirEntry(parts[3], sub));
            } else {
                entries.add(new Trees.FileEntry(
                        parts[3], Long.parseLong(parts[1]), new Digest(parts[2]), parts[0].equals("executable")));
            }
        }
        return entries;
    }
}
