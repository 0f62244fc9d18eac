package org.mlops4j.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Finding;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * A run's journal: records {@code pipelines/<name>/runs/<run id>/journal/<8-digit sequence>.json}, each created
 * with create-if-absent and never changed, in canonical JSON. Not thread-safe: one process (the lease holder) appends.
 */
final class Journal {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.pipeline-journal", 1);

    private final ObjectStore store;
    private final String pipeline;
    private final RunId runId;
    private final List<JournalEntry> entries;

    private Journal(ObjectStore store, String pipeline, RunId runId, List<JournalEntry> entries) {
        this.store = store;
        this.pipeline = pipeline;
        this.runId = runId;
        this.entries = entries;
    }

    /** Reads a run's journal (empty if the run never started). */
    static Journal read(ObjectStore store, String pipeline, RunId runId) {
        List<JournalEntry> entries = new ArrayList<>();
        for (long seq = 1; ; seq++) {
            var found = store.find(key(pipeline, runId, seq));
            if (found.isEmpty()) {
                break;
            }
            entries.add(decode(found.get().getBytes(), found.get().getKey().toString()));
        }
        return new Journal(store, pipeline, runId, entries);
    }

    static boolean exists(ObjectStore store, String pipeline, RunId runId) {
        return store.exists(key(pipeline, runId, 1));
    }

    static StoreKey key(String pipeline, RunId runId, long sequence) {
        return StoreKey.of(
                runPrefix(pipeline, runId) + "journal/" + String.format(Locale.ROOT, "%08d", sequence) + ".json");
    }

    static String runPrefix(String pipeline, RunId runId) {
        return "pipelines/" + pipeline + "/runs/" + runId + "/";
    }

    List<JournalEntry> entries() {
        return List.copyOf(entries);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Returns the last record of a step with the given status. */
    Optional<JournalEntry> find(String step, String status) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (e.step().equals(step) && e.status().equals(status)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the record of a step's outcome ({@code done} or {@code skipped}); progress records such as a remote
     * training job's {@code submitted} are not outcomes.
     */
    Optional<JournalEntry> findDone(String step) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (e.step().equals(step)
                    && (e.status().equals(StepOutcome.DONE) || e.status().equals(StepOutcome.SKIPPED))) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    boolean isFinished() {
        return find(JournalEntry.RUN, JournalEntry.FINISHED).isPresent();
    }

    /**
     * Appends a record. If the next sequence number is taken (a record this process did not read: only possible if
     * the lease was lost), the record is not written and a conflict is reported by the caller's lease check.
     */
    JournalEntry append(
            String step,
            String status,
            Instant at,
            long token,
            Map<String, String> inputs,
            Map<String, String> outputs,
            @Nullable Decision decision,
            List<Finding> findings) {
        JournalEntry entry =
                new JournalEntry(entries.size() + 1L, step, status, at, token, inputs, outputs, decision, findings);
        StoreKey key = key(pipeline, runId, entry.sequence());
        if (!store.createIfAbsent(key, encode(entry))) {
            throw new org.mlops4j.common.ConflictException("journal record " + key + " was written by another process"
                    + " while this one held the lease of pipeline '" + pipeline + "'; the lease was lost (expired?):"
                    + " run the pipeline again to resume from the journal");
        }
        entries.add(entry);
        return entry;
    }

    static byte[] encode(JournalEntry entry) {
        RecordWriter writer = RecordWriter.create(FORMAT)
                .put("sequence", entry.sequence())
                .put("step", entry.step())
                .put("status", entry.status())
                .put("at", entry.at().toString())
                .put("token", entry.fencingToken())
                .put("inputs", entry.inputs())
                .put("outputs", entry.outputs());
        if (entry.decision() != null) {
            writer.put("decision", entry.decision().name());
            List<RecordWriter> findings = new ArrayList<>();
            for (Finding f : entry.findings()) {
                findings.add(RecordWriter.object()
                        .put("rule", f.rule())
                        .put("metric", f.metric())
                        .put("decision", f.decision().name())
                        .putIfNotNull("champion", text(f.champion()))
                        .putIfNotNull("challenger", text(f.challenger()))
                        .putIfNotNull("delta", text(f.delta()))
                        .putIfNotNull("lower", text(f.lower()))
                        .putIfNotNull("upper", text(f.upper()))
                        .putIfNotNull("pValue", text(f.pValue()))
                        .put("threshold", f.threshold())
                        .put("detail", f.detail()));
            }
            writer.put("findings", findings);
        }
        return writer.toBytes();
    }

    static JournalEntry decode(byte[] bytes, String source) {
        return RecordReader.decode(bytes, FORMAT, source, r -> {
            var unusedFormat = r.requireFormat(FORMAT);
            long sequence = r.getLong("sequence", 1, Long.MAX_VALUE);
            String step = r.getString("step");
            String status = r.getString("status");
            Instant at = r.getParsed("at", Instant::parse);
            long token = r.getLong("token");
            Map<String, String> inputs = r.getStringMap("inputs");
            Map<String, String> outputs = r.getStringMap("outputs");
            Decision decision = r.has("decision") ? r.getParsed("decision", Decision::valueOf) : null;
            List<Finding> findings = new ArrayList<>();
            if (decision != null) {
                for (RecordReader f : r.getObjectList("findings")) {
                    findings.add(new Finding(
                            f.getString("rule"),
                            f.getString("metric"),
                            f.getParsed("decision", Decision::valueOf),
                            number(f, "champion"),
                            number(f, "challenger"),
                            number(f, "delta"),
                            number(f, "lower"),
                            number(f, "upper"),
                            number(f, "pValue"),
                            f.getString("threshold"),
                            f.getString("detail")));
                }
            }
            return new JournalEntry(sequence, step, status, at, token, inputs, outputs, decision, findings);
        });
    }

    /** Doubles are journaled as their shortest round-tripping decimal text: canonical JSON holds no floating point. */
    static @Nullable String text(@Nullable Double value) {
        return value == null ? null : Double.toString(value);
    }

    private static @Nullable Double number(RecordReader r, String field) {
        return r.has(field) ? r.getParsed(field, Double::valueOf) : null;
    }

    static Map<String, String> outputs(Object... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i].toString(), keyValues[i + 1].toString());
        }
        return map;
    }

    @Override
    public String toString() {
        return "Journal{" + pipeline + " " + runId + ", " + entries.size() + " records}";
    }
}
