package org.mlops4j.lake.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.store.StoreKey;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.SourceDSL;
import org.quicktheories.impl.Constraint;

/** Properties of canonical JSON over random trees (QuickTheories shrinks failures and prints the seed). */
class CanonicalJsonPropertiesTest {
    private static final int[] INTERESTING = {
        'a', 'b', 'A', '"', '\\', '/', 0x00, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x20, 0x7F, 0x80, 0xE9, 0x7FF, 0x800,
        0x2028, 0xD7FF, 0xE000, 0xFEFF, 0xFF61, 0xFFFF, 0x10000, 0x1D11E, 0x1F600, 0x10FFFF
    };

    @Test
    void shouldReadBackEqualTreeWhenWrittenCanonically() {
        qt().withExamples(1000).forAll(tree(0)).checkAssert(value -> {
            byte[] bytes = CanonicalJson.write(value);

            Object read = CanonicalJson.read(bytes);

            assertThat(read).isEqualTo(value);
            assertThat(CanonicalJson.write(read)).isEqualTo(bytes);
        });
    }

    @Test
    void shouldWriteSameBytesWhenMapInsertionOrderIsShuffled() {
        qt().withExamples(1000)
                .forAll(tree(0), SourceDSL.longs().all())
                .checkAssert((value, seed) -> assertThat(CanonicalJson.write(shuffled(value, new Random(seed))))
                        .isEqualTo(CanonicalJson.write(value)));
    }

    @Test
    void shouldKeepKeysInUtf8OrderWhenReading() {
        qt().withExamples(500)
                .forAll(tree(0))
                .checkAssert(value -> assertKeysSorted(CanonicalJson.read(CanonicalJson.write(value))));
    }

    @Test
    void shouldAcceptOnlyCanonicalBytesWhenOneByteIsMutated() {
        qt().withExamples(2000)
                .forAll(
                        tree(0),
                        SourceDSL.integers().allPositive(),
                        SourceDSL.integers().between(0, 255))
                .checkAssert((value, position, replacement) -> {
                    byte[] bytes = CanonicalJson.write(value);
                    bytes[position % bytes.length] = (byte) (int) replacement;
                    try {
                        Object read = CanonicalJson.read(bytes);
                        assertThat(CanonicalJson.write(read)).isEqualTo(bytes);
                    } catch (LakeFormatException e) {
                        assertThat(e.getReason()).isIn(LakeFormatException.Reason.values());
                    }
                });
    }

    private static void assertKeysSorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> keys = new ArrayList<>();
            map.keySet().forEach(k -> keys.add((String) k));
            List<String> sorted = new ArrayList<>(keys);
            sorted.sort(StoreKey::compareUtf8);
            assertThat(keys).isEqualTo(sorted);
            map.values().forEach(CanonicalJsonPropertiesTest::assertKeysSorted);
        } else if (value instanceof List<?> list) {
            list.forEach(CanonicalJsonPropertiesTest::assertKeysSorted);
        }
    }

    /** A random JSON tree: maps, lists, strings, longs, booleans and nulls, at most 5 levels deep. */
    static Gen<Object> tree(int depth) {
        return in -> generate(in, depth);
    }

    private static Object generate(RandomnessSource in, int depth) {
        int kind = (int) in.next(Constraint.between(0, depth >= 4 ? 4 : 6));
        switch (kind) {
            case 0:
                return nullValue();
            case 1:
                return in.next(Constraint.between(0, 1)) == 1;
            case 2:
                return longValue(in);
            case 3:
            case 4:
                return string(in, 8);
            case 5:
                List<Object> list = new ArrayList<>();
                long size = in.next(Constraint.between(0, 4));
                for (int i = 0; i < size; i++) {
                    list.add(generate(in, depth + 1));
                }
                return Collections.unmodifiableList(list);
            default:
                Map<String, Object> map = new LinkedHashMap<>();
                long entries = in.next(Constraint.between(0, 5));
                for (int i = 0; i < entries; i++) {
                    map.put(string(in, 3), generate(in, depth + 1));
                }
                return Collections.unmodifiableMap(map);
        }
    }

    private static Object nullValue() {
        return null;
    }

    private static long longValue(RandomnessSource in) {
        long[] edges = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 10, -10, 1_000_000_007L};
        int choice = (int) in.next(Constraint.between(0, edges.length));
        return choice < edges.length
                ? edges[choice]
                : in.next(Constraint.between(Long.MIN_VALUE, Long.MAX_VALUE).withShrinkPoint(0));
    }

    private static String string(RandomnessSource in, int maxLength) {
        StringBuilder sb = new StringBuilder();
        long length = in.next(Constraint.between(0, maxLength));
        for (int i = 0; i < length; i++) {
            int pick = (int) in.next(Constraint.between(0, INTERESTING.length));
            int cp = pick < INTERESTING.length
                    ? INTERESTING[pick]
                    : (int) in.next(Constraint.between(0, 0x10FFFF - 0x800).withShrinkPoint('a'));
            if (pick == INTERESTING.length && cp >= 0xD800) {
                cp += 0x800; // skip the surrogate range
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static Object shuffled(Object value, Random random) {
        if (value instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            Collections.shuffle(entries, random);
            Map<Object, Object> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : entries) {
                result.put(e.getKey(), shuffled(e.getValue(), random));
            }
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(v -> result.add(shuffled(v, random)));
            return result;
        }
        return value;
    }
}
