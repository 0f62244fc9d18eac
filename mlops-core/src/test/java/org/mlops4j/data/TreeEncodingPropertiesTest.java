package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.store.Digest;
import org.mlops4j.store.StoreKey;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Properties of the {@code tree/2} encoding over random directories (QuickTheories shrinks failures and prints the
 * seed): the same entries give the same bytes, hence the same digest, in any input order; what is read is what was
 * written; and a reader accepts only the one encoding a writer makes.
 */
class TreeEncodingPropertiesTest {
    /** Name pieces chosen to share prefixes and to sort differently by UTF-8 bytes and by UTF-16 units. */
    private static final String[] PIECES = {"a", "b", "f000", "f0001", ".bin", "-", "é", "\uFF61", "\uD83D\uDE00", "z"};

    @Test
    void shouldWriteSameDigestWhenEntriesArriveInAnyOrder() {
        qt().withExamples(500).forAll(directories(), SourceDSL.longs().all()).checkAssert((entries, seed) -> {
            List<Trees.Entry> shuffled = new ArrayList<>(entries);
            Collections.shuffle(shuffled, new Random(seed));

            assertThat(Digest.of(Trees.encode(shuffled))).isEqualTo(Digest.of(Trees.encode(entries)));
        });
    }

    @Test
    void shouldReadBackTheSortedEntriesWhenWritten() {
        qt().withExamples(500).forAll(directories()).checkAssert(entries -> {
            byte[] bytes = Trees.encode(entries);
            List<Trees.Entry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparing(Trees.Entry::name, StoreKey::compareUtf8));

            assertThat(Trees.decode(bytes, Digest.of(bytes), "property")).isEqualTo(sorted);
        });
    }

    @Test
    void shouldAcceptOnlyTheWritersBytesWhenOneByteIsMutated() {
        qt().withExamples(3000)
                .forAll(
                        directories(),
                        SourceDSL.integers().allPositive(),
                        SourceDSL.integers().between(0, 255))
                .checkAssert((entries, position, value) -> {
                    byte[] bytes = Trees.encode(entries);
                    int at = TreeEncoding.HEADER.length + position % (bytes.length - TreeEncoding.HEADER.length);
                    bytes[at] = (byte) value.intValue();
                    try {
                        List<Trees.Entry> read = Trees.decode(bytes, Digest.of(bytes), "property");
                        assertThat(Trees.encode(read)).isEqualTo(bytes);
                    } catch (LakeFormatException | UnsafePathException e) {
                        assertThat(e.getMessage()).isNotBlank();
                    }
                });
    }

    @Test
    void shouldCostAtMostTheBoundPerEntryWhenNamesAreLong() {
        qt().withExamples(300).forAll(directories()).checkAssert(entries -> {
            long bound = Trees.EMPTY_BYTES;
            for (Trees.Entry entry : entries) {
                bound += Trees.entryBound(entry.name());
            }

            assertThat((long) Trees.encode(entries).length).isLessThanOrEqualTo(bound);
        });
    }

    /** Up to 40 entries with distinct names built from {@link #PIECES}, files of any size and directories. */
    private static Gen<List<Trees.Entry>> directories() {
        return SourceDSL.lists()
                .of(SourceDSL.longs().all())
                .ofSizeBetween(0, 40)
                .map(seeds -> {
                    Map<String, Trees.Entry> byName = new LinkedHashMap<>();
                    for (long seed : seeds) {
                        Random random = new Random(seed);
                        StringBuilder name = new StringBuilder();
                        int pieces = 1 + random.nextInt(6);
                        for (int i = 0; i < pieces; i++) {
                            name.append(PIECES[random.nextInt(PIECES.length)]);
                        }
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        Digest digest = Digest.ofHash(hash);
                        String text = name.toString();
                        Trees.Entry entry = random.nextInt(4) == 0
                                ? new Trees.DirEntry(text, digest)
                                : new Trees.FileEntry(text, size(random), digest, random.nextBoolean());
                        byName.putIfAbsent(text, entry);
                    }
                    return new ArrayList<>(byName.values());
                });
    }

    /** Sizes at the edges of varint lengths as often as small ones. */
    private static long size(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(200);
            case 1 -> (1L << (7 * (1 + random.nextInt(8)))) - random.nextInt(2);
            case 2 -> Long.MAX_VALUE - random.nextInt(3);
            default -> ByteBuffer.allocate(8).putLong(random.nextLong()).getLong(0) & Long.MAX_VALUE;
        };
    }
}
