package org.mlops4j.registry;

import java.time.Instant;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.StoredObject;

/**
 * The lake's record of one alias move ({@code mlops4j.model-alias/1}): an entry of the alias history that core writes,
 * and the alias pointer of the lake driver, which is the alias's last move.
 */
final class AliasRecords {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.model-alias", 1);

    private AliasRecords() {}

    static byte[] encode(AliasEvent event) {
        return RecordWriter.create(FORMAT)
                .put("model", event.model())
                .put("alias", event.alias())
                .put("sequence", event.sequence())
                .put("from", event.fromVersion())
                .put("to", event.toVersion())
                .put("at", event.at().toString())
                .put("by", event.by())
                .put("run", event.runId())
                .put("reason", event.reason())
                .toBytes();
    }

    /** Reads a move, checking that it belongs to the alias it was read for. */
    static AliasEvent decode(StoredObject object, String model, String alias) {
        AliasEvent event = RecordReader.decode(
                object.getBytes(),
                FORMAT,
                object.getKey().value(),
                r -> new AliasEvent(
                        r.getString("model"),
                        r.getString("alias"),
                        r.getLong("sequence", 1, Long.MAX_VALUE),
                        r.getLong("from", 0, Long.MAX_VALUE),
                        r.getLong("to", 0, Long.MAX_VALUE),
                        r.getParsed("at", Instant::parse),
                        r.getString("by"),
                        r.getString("run"),
                        r.getString("reason")));
        if (!event.model().equals(model) || !event.alias().equals(alias)) {
            throw new IntegrityException("alias record " + object.getKey() + " names " + event.model() + "/"
                    + event.alias() + "; the lake is damaged");
        }
        return event;
    }
}
