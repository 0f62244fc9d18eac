package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlops4j.store.Digest;

/**
 * The pack index against a plain map: every member of every pack is found where the first pack that holds it put it,
 * every copy of it in the order the packs came, and nothing else is found, across table growth and digests that share
 * their first 64 bits.
 */
class PackIndexPropertiesTest {
    @Test
    void shouldFindEveryMemberWhereTheFirstPackHoldingItPutItAndNothingElse() {
        qt().withExamples(300)
                .forAll(
                        lists().of(integers().between(1, 700)).ofSizeBetween(1, 12),
                        integers().all())
                .checkAssert((packSizes, seed) -> {
                    Random random = new Random(seed);
                    PackIndex index = new PackIndex();
                    Map<Digest, PackIndex.Location> expected = new HashMap<>();
                    Map<Digest, List<PackIndex.Location>> expectedCopies = new HashMap<>();
                    List<byte[]> seen = new ArrayList<>();
                    for (int p = 0; p < packSizes.size(); p++) {
                        Digest pack = digest(random);
                        byte[][] entries = new byte[packSizes.get(p)][];
                        for (int i = 0; i < entries.length; i++) {
                            byte[] sha = member(random, seen);
                            long offset = random.nextInt(1 << 20);
                            long size = random.nextInt(1 << 16);
                            entries[i] = Packs.entry(sha, offset, size);
                            expected.putIfAbsent(Digest.ofHash(sha), new PackIndex.Location(pack, offset, size));
                        }
                        byte[][] unique = dedup(entries);
                        for (byte[] entry : unique) {
                            ByteBuffer at = ByteBuffer.wrap(entry);
                            expectedCopies
                                    .computeIfAbsent(Digest.ofHash(Arrays.copyOf(entry, 32)), d -> new ArrayList<>())
                                    .add(new PackIndex.Location(pack, at.getLong(32), at.getLong(40)));
                        }
                        byte[] encoded = Packs.encodeIndex(unique);
                        assertThat(index.add(pack, Arrays.copyOf(encoded, encoded.length - Packs.TRAILER_BYTES)))
                                .isTrue();
                        assertThat(index.add(pack, new byte[0]))
                                .as("a pack is added once")
                                .isFalse();
                    }
                    assertThat(index.size()).isEqualTo(expected.size());
                    expected.forEach((digest, location) -> {
                        assertThat(index.find(digest)).isEqualTo(location);
                        assertThat(index.contains(digest.toBytes())).isTrue();
                        assertThat(index.findAll(digest)).isEqualTo(expectedCopies.get(digest));
                    });
                    for (int i = 0; i < 50; i++) {
                        byte[] absent = new byte[32];
                        random.nextBytes(absent);
                        if (!seen.isEmpty() && i % 2 == 0) {
                            // same first 64 bits as a member, different tail: must not be confused with it
                            System.arraycopy(seen.get(random.nextInt(seen.size())), 0, absent, 0, 8);
                        }
                        if (!expected.containsKey(Digest.ofHash(absent))) {
                            assertThat(index.find(Digest.ofHash(absent))).isNull();
                            assertThat(index.contains(absent)).isFalse();
                            assertThat(index.findAll(Digest.ofHash(absent))).isEmpty();
                        }
                    }
                });
    }

    /** A new digest, or (one time in five) one seen before in another pack. */
    private static byte[] member(Random random, List<byte[]> seen) {
        if (!seen.isEmpty() && random.nextInt(5) == 0) {
            return seen.get(random.nextInt(seen.size()));
        }
        byte[] sha = new byte[32];
        random.nextBytes(sha);
        if (!seen.isEmpty() && random.nextInt(10) == 0) {
            System.arraycopy(seen.get(random.nextInt(seen.size())), 0, sha, 0, 8); // a 64-bit prefix collision
        }
        seen.add(sha);
        return sha;
    }

    /** One entry per digest within a pack, as writers guarantee. */
    private static byte[][] dedup(byte[][] entries) {
        Map<Digest, byte[]> unique = new HashMap<>();
        for (byte[] entry : entries) {
            unique.putIfAbsent(Digest.ofHash(Arrays.copyOf(entry, 32)), entry);
        }
        return unique.values().toArray(new byte[0][]);
    }

    private static Digest digest(Random random) {
        byte[] sha = new byte[32];
        random.nextBytes(sha);
        return Digest.ofHash(sha);
    }
}
