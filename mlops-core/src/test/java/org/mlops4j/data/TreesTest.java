package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mlops4j.lake.Digest;

class TreesTest {
    @Test
    void shouldEncodeTheBytesOfTheGenericCanonicalWriterWhenEntriesAreMixed() {
        Random random = new Random(42);
        List<String> names = new ArrayList<>(List.of(
                "a", "B", "data.csv", "é-nfc", "quote\"and\\slash", "tab\tname", "\uD83D\uDE00-emoji", "zz", "日本"));
        for (int i = 0; i < 200; i++) {
            names.add("f" + random.nextInt(1_000_000));
        }
        names.sort(org.mlops4j.store.StoreKey::compareUtf8);
        List<Trees.Entry> entries = new ArrayList<>();
        String previous = null;
        for (String name : names) {
            if (name.equals(previous)) {
                continue;
            }
            previous = name;
            Digest digest = Digest.of(name.getBytes(StandardCharsets.UTF_8));
            entries.add(
                    random.nextInt(4) == 0
                            ? new Trees.DirEntry(name, digest)
                            : new Trees.FileEntry(
                                    name, random.nextLong() & Long.MAX_VALUE, digest, random.nextBoolean()));
        }

        assertThat(Trees.encode(entries)).isEqualTo(genericEncoding(entries));
        assertThat(Trees.encode(List.of())).isEqualTo(genericEncoding(List.of()));
    }

    /** The encoding as it was first written: maps through {@link Json#write}, which sorts keys itself. */
    private static byte[] genericEncoding(List<Trees.Entry> sortedEntries) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Trees.Entry entry : sortedEntries) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", entry.name());
            if (entry instanceof Trees.FileEntry file) {
                item.put("type", "file");
                item.put("size", file.size());
                item.put("digest", file.digest().toString());
                item.put("executable", file.executable());
            } else {
                item.put("type", "dir");
                item.put("digest", ((Trees.DirEntry) entry).tree().toString());
            }
            entries.add(item);
        }
        return Json.write(Map.of("format", Trees.FORMAT, "entries", entries));
    }
}
