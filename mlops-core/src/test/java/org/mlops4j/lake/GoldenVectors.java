package org.mlops4j.lake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;

/**
 * The values behind the golden vectors in {@code src/test/resources/golden/}: each file holds the canonical JSON of
 * one of these values, and {@code golden/SHA256SUMS} its digest. Verified independently by
 * {@code scripts/verify-golden-vectors.py}.
 */
final class GoldenVectors {
    private GoldenVectors() {}

    static final Digest EMPTY = Digest.of(new byte[0]);
    static final Digest ABC = Digest.of("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    /** File name to value, in a fixed order. */
    static Map<String, Object> values() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("empty-object.json", Map.of());
        v.put("lake.json", Map.of("format", "mlops4j.lake/1", "hashAlgorithm", "sha256"));
        v.put("scalars.json", scalars());
        v.put("empty-containers.json", Map.of("a", List.of(), "o", Map.of(), "nested", List.of(List.of(), Map.of())));
        v.put("array-root.json", Arrays.asList(1L, "a", null, true, false, List.of(), Map.of()));
        v.put("escapes.json", escapes());
        v.put("unicode-keys.json", unicodeKeys());
        v.put("nested-record.json", nestedRecord(false));
        v.put("nested-record-checksum.json", nestedRecord(true));
        v.put("deep.json", deep(64));
        return v;
    }

    private static Map<String, Object> scalars() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("true", true);
        m.put("false", false);
        m.put("null", null);
        m.put("zero", 0L);
        m.put("minusOne", -1L);
        m.put("max", Long.MAX_VALUE);
        m.put("min", Long.MIN_VALUE);
        m.put("int", 42);
        m.put("empty", "");
        m.put("text", "hello, world");
        return m;
    }

    private static Map<String, Object> escapes() {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("controls", controls.toString());
        m.put("quote", "say \"hi\"");
        m.put("backslash", "C:\\dir\\file");
        m.put("slash", "a/b</script>");
        m.put("del", "\u007f");
        m.put("lines", "line 1\nline 2\r\n\ttabbed");
        m.put("separators", "\u2028\u2029");
        m.put("bom", "\uFEFF");
        m.put("nonCharacters", "\uFFFE\uFFFF");
        m.put("high", "\uD83D\uDE00 \uDBFF\uDFFF");
        m.put("combining", "e\u0301 vs \u00e9");
        m.put("k\"ey\\\n", "escaped key");
        return m;
    }

    private static Map<String, Object> unicodeKeys() {
        // UTF-8 byte order (code point order) differs from String.compareTo (UTF-16 order) above U+FFFF:
        // U+FF61 < U+1F600 by code point, but "\uFF61" > "\uD83D\uDE00" by UTF-16 unit.
        Map<String, Object> m = new LinkedHashMap<>();
        String[] keys = {
            "\uD83D\uDE00",
            "\uFF61",
            "\uE000",
            "\uD834\uDD1E",
            "\uFFFF",
            "z",
            "a",
            "",
            "A",
            "\u00e9",
            "\u0080",
            "\u00ff",
            "\u0100",
            "\u07ff",
            "\u0800",
            "\uDBFF\uDFFF",
            "aa",
            "a\u0000"
        };
        int i = 0;
        for (String key : keys) {
            m.put(key, key.isEmpty() ? "empty key" : "value " + i);
            i++;
        }
        return m;
    }

    /** The same record written before record checksums (without one), and as writers write it now (§5.1). */
    private static Object nestedRecord(boolean checksum) {
        List<Object> entries = new ArrayList<>();
        entries.add(RecordWriter.object()
                .put("path", "data/train.csv")
                .put("size", 3L)
                .put("digest", ABC)
                .put("executable", false));
        entries.add(RecordWriter.object()
                .put("path", "bin/run.sh")
                .put("size", 0L)
                .put("digest", EMPTY)
                .put("executable", true));
        entries.add(RecordWriter.object()
                .put("path", "\u00e9t\u00e9/\uD83D\uDCCA.csv")
                .put("directory", true));
        RecordFormat format = RecordFormat.of("mlops4j.golden-example", 1);
        return (checksum ? RecordWriter.create(format) : RecordWriter.createWithoutChecksum(format))
                .put("root", ABC)
                .put("parents", List.of(EMPTY, ABC))
                .put("entries", entries)
                .put(
                        "transform",
                        RecordWriter.object()
                                .put("name", "clean")
                                .put("codeRevision", "3f2a9c1")
                                .put("parameters", Map.of("seed", 7L, "dropNulls", true, "columns", List.of("a", "b"))))
                .put("tags", Map.of("team", "churn", "pii", "no"))
                .put("createdAtEpochMillis", 1_700_000_000_123L);
    }

    private static Object deep(int depth) {
        Object value = List.of();
        for (int i = 1; i < depth; i++) {
            value = i % 2 == 0 ? List.of(value) : Map.of("d", value);
        }
        return value;
    }
}
