package org.mlops4j.pipeline;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * The pipeline's state record, {@code pipelines/<name>/state.json} (a compare-and-set pointer): what the last
 * finished run consumed and when it was triggered, which the triggers compare against.
 *
 * @param consumed the version number of each dataset the last finished run pinned, by name
 * @param triggeredAt when that run started, or null if no run finished yet
 */
record PipelineState(Map<String, Long> consumed, @Nullable Instant triggeredAt) {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.pipeline-state", 1);

    PipelineState {
        consumed = Map.copyOf(consumed);
    }

    static StoreKey key(String pipeline) {
        return StoreKey.of("pipelines/" + pipeline + "/state.json");
    }

    /** Reads the state; empty (nothing consumed) before the first run finished. */
    static PipelineState read(ObjectStore store, String pipeline) {
        Optional<StoredObject> state = store.find(key(pipeline));
        if (state.isEmpty()) {
            return new PipelineState(Map.of(), null);
        }
        return RecordReader.decode(state.get().getBytes(), FORMAT, key(pipeline).toString(), r -> {
            var unusedFormat = r.requireFormat(FORMAT);
            var unusedRun = r.getString("run");
            Map<String, Long> consumed = new HashMap<>();
            r.getStringMap("consumed").forEach((k, v) -> consumed.put(k, Long.parseLong(v)));
            Instant triggeredAt = r.getParsed("triggeredAt", Instant::parse);
            return new PipelineState(consumed, triggeredAt);
        });
    }

    /** Records a finished run: its id, the versions it pinned and when it started; last writer wins. */
    static void write(
            ObjectStore store, String pipeline, RunId runId, Map<String, DatasetVersion> inputs, Instant triggeredAt) {
        Map<String, String> consumed = new LinkedHashMap<>();
        inputs.forEach((k, v) -> consumed.put(k, Long.toString(v.getNumber())));
        byte[] bytes = RecordWriter.create(FORMAT)
                .put("run", runId.value())
                .put("consumed", consumed)
                .put("triggeredAt", triggeredAt.toString())
                .toBytes();
        StoreKey key = key(pipeline);
        while (true) {
            ObjectTag tag = store.find(key).map(StoredObject::getTag).orElse(null);
            if (store.compareAndSet(key, tag, bytes).isPresent()) {
                return;
            }
        }
    }
}
