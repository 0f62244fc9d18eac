package org.mlops4j.data;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlops4j.IntegrityException;
import org.mlops4j.lake.Digest;

/** The dataset version record, {@code datasets/<name>/v/<n>.json}, in canonical JSON (docs/lake-format.md). */
final class DatasetRecords {
    private DatasetRecords() {}

    static byte[] encode(DatasetVersion v) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("format", Datasets.RECORD_FORMAT);
        record.put("name", v.getName());
        record.put("version", v.getNumber());
        record.put("commit", v.getCommitId());
        record.put("tree", v.getDigest().toString());
        record.put("files", v.getFileCount());
        record.put("bytes", v.getByteCount());
        record.put("created", v.getCreated().toString());
        record.put("author", v.getAuthor());
        record.put("message", v.getMessage());
        record.put("tags", v.getTags());
        List<Map<String, Object>> parents = new ArrayList<>();
        for (DatasetRef parent : v.getParents()) {
            parents.add(Map.of("name", parent.name(), "version", parent.version()));
        }
        record.put("parents", parents);
        v.getTransform()
                .ifPresent(t -> record.put(
                        "transform", Map.of("name", t.name(), "codeRevision", t.codeRevision(), "params", t.params())));
        Map<String, Object> profiles = new LinkedHashMap<>();
        v.getProfiles().forEach((path, digest) -> profiles.put(path, digest.toString()));
        record.put("profiles", profiles);
        return Json.write(record);
    }

    @SuppressWarnings("unchecked")
    static DatasetVersion decode(byte[] bytes, DatasetRef expected) {
        Map<String, Object> r = Json.read(bytes, "dataset version " + expected);
        try {
            if (!Datasets.RECORD_FORMAT.equals(r.get("format"))) {
                throw new IntegrityException("dataset version " + expected + " has format '" + r.get("format")
                        + "'; this MLOps4J reads '" + Datasets.RECORD_FORMAT + "', upgrade to read newer lakes");
            }
            DatasetRef ref = new DatasetRef((String) r.get("name"), ((Number) r.get("version")).longValue());
            if (!ref.equals(expected)) {
                throw new IntegrityException(
                        "the record at " + expected + " says it is " + ref + "; the lake is damaged");
            }
            List<DatasetRef> parents = new ArrayList<>();
            for (Object p : (List<Object>) r.get("parents")) {
                Map<String, Object> parent = (Map<String, Object>) p;
                parents.add(new DatasetRef((String) parent.get("name"), ((Number) parent.get("version")).longValue()));
            }
            Transform transform = null;
            if (r.get("transform") instanceof Map<?, ?> t) {
                transform = new Transform(
                        (String) t.get("name"), (String) t.get("codeRevision"), (Map<String, String>) t.get("params"));
            }
            Map<String, Digest> profiles = new LinkedHashMap<>();
            ((Map<String, Object>) r.get("profiles"))
                    .forEach((path, d) -> profiles.put(path, Digest.parse((String) d)));
            return new DatasetVersion(
                    ref,
                    Digest.parse((String) r.get("tree")),
                    ((Number) r.get("files")).longValue(),
                    ((Number) r.get("bytes")).longValue(),
                    Instant.parse((String) r.get("created")),
                    (String) r.get("author"),
                    (String) r.get("message"),
                    (Map<String, String>) r.get("tags"),
                    parents,
                    transform,
                    profiles,
                    (String) r.get("commit"));
        } catch (ClassCastException
                | NullPointerException
                | IllegalArgumentException
                | java.time.format.DateTimeParseException e) {
            throw new IntegrityException(
                    "dataset version " + expected + " has a malformed record: " + e.getMessage(), e);
        }
    }

    static String commitIdOf(byte[] bytes) {
        Object commit = Json.read(bytes, "a dataset version record").get("commit");
        return commit instanceof String s ? s : "";
    }
}
