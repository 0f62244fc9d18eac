package org.mlops4j.test.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * The records the store workloads write: version records, the pointer, and the pointer's append-only log. Shared by
 * the child workloads and the tests that check what they left.
 */
final class StoreRecords {
    static final StoreKey SERIES = StoreKey.of("models/churn/v");
    static final StoreKey POINTER = StoreKey.of("models/churn/aliases/champion.json");
    static final String LOG_PREFIX = "models/churn/aliases/log/champion/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreRecords() {}

    /** A version record: the commit id, the version and the content it holds. */
    static byte[] versionRecord(String commit, long version, @Nullable Digest content) {
        ObjectNode node = JSON.createObjectNode().put("commit", commit).put("version", version);
        if (content != null) {
            node.put("content", content.toString());
        }
        return bytes(node);
    }

    /** Reads the commit id back out of a version record, for {@code VersionAllocator.allocate}. */
    static String commitIdOf(byte[] record) {
        return parse(record).path("commit").asText();
    }

    /** The pointer's bytes: which version, written by whom for which commit. */
    static byte[] pointer(long version, String commit, String writer) {
        return bytes(JSON.createObjectNode()
                .put("version", version)
                .put("commit", commit)
                .put("writer", writer));
    }

    /**
     * The log key of a move, named by the tag the move produced (hex of its UTF-8, so an opaque ETag with quotes is
     * a valid key too). Each successful compare-and-set produces a tag no other move produced, so the key is unique;
     * a second record under it would mean two moves produced the same tag.
     */
    static StoreKey logKey(ObjectTag newTag) {
        return StoreKey.of(
                LOG_PREFIX + HexFormat.of().formatHex(newTag.value().getBytes(StandardCharsets.UTF_8)) + ".json");
    }

    /** One move of the pointer: the tag it expected (null: the pointer was absent), the tag it produced, and who. */
    static byte[] logEntry(PointerHistory.Move move) {
        ObjectNode node = JSON.createObjectNode();
        if (move.expected() == null) {
            node.putNull("expected");
        } else {
            node.put("expected", move.expected());
        }
        return bytes(node.put("new", move.newTag())
                .put("writer", move.writer())
                .put("commit", move.commit())
                .put("version", move.version()));
    }

    static PointerHistory.Move parseLogEntry(byte[] bytes) {
        JsonNode node = parse(bytes);
        JsonNode expected = node.get("expected");
        return new PointerHistory.Move(
                expected == null || expected.isNull() ? null : expected.asText(),
                node.path("new").asText(),
                node.path("writer").asText(),
                node.path("commit").asText(),
                node.path("version").asLong());
    }

    static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    /** The version numbers present in a series, in key order. */
    static List<Long> versionNumbers(ObjectStore store, StoreKey series) {
        List<Long> numbers = new ArrayList<>();
        for (StoreKey key : store.list(series.value() + "/")) {
            String name = key.name();
            if (!name.matches("[0-9]{8,}\\.json")) {
                throw new AssertionError("unexpected key in the series " + series + ": " + key);
            }
            numbers.add(Long.parseLong(name.substring(0, name.length() - ".json".length())));
        }
        return numbers;
    }

    /** Every move in the pointer's log. */
    static List<PointerHistory.Move> readLog(ObjectStore store) {
        List<PointerHistory.Move> moves = new ArrayList<>();
        for (StoreKey key : store.list(LOG_PREFIX)) {
            moves.add(parseLogEntry(store.get(key).getBytes()));
        }
        return moves;
    }

    /**
     * Moves the pointer to a version: read, compare-and-set with the tag read, and on a conflict read again.
     *
     * @return the move and how many conflicts it took
     */
    static MoveResult movePointer(ObjectStore store, long version, String commit, String writer) {
        int conflicts = 0;
        while (true) {
            Optional<StoredObject> current = store.find(POINTER);
            ObjectTag expected = current.map(StoredObject::getTag).orElse(null);
            Optional<ObjectTag> moved = store.compareAndSet(POINTER, expected, pointer(version, commit, writer));
            if (moved.isPresent()) {
                return new MoveResult(
                        new PointerHistory.Move(
                                expected == null ? null : expected.value(),
                                moved.get().value(),
                                writer,
                                commit,
                                version),
                        moved.get(),
                        conflicts);
            }
            conflicts++;
        }
    }

    record MoveResult(PointerHistory.Move move, ObjectTag newTag, int conflicts) {}

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
