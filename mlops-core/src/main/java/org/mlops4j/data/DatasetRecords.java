package org.mlops4j.data;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.lake.LakeFormatException;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;
import org.mlops4j.store.VersionAllocator;

/** The dataset version record, {@code datasets/<name>/v/<n>.json}, in canonical JSON (docs/lake-format.md). */
final class DatasetRecords {
    static final RecordFormat FORMAT = RecordFormat.of("mlops4j.dataset-version", 1);

    private DatasetRecords() {}

    static byte[] encode(DatasetVersion v) {
        RecordWriter record = RecordWriter.create(FORMAT)
                .put("name", v.getName())
                .put("version", v.getNumber())
                .put("commit", v.getCommitId())
                .put("tree", v.getDigest())
                .put("files", v.getFileCount())
                .put("bytes", v.getByteCount())
                .put("created", v.getCreated().toString())
                .put("author", v.getAuthor())
                .put("message", v.getMessage())
                .put("tags", v.getTags());
        List<RecordWriter> parents = new ArrayList<>();
        for (DatasetRef parent : v.getParents()) {
            parents.add(RecordWriter.object().put("name", parent.name()).put("version", parent.version()));
        }
        record.put("parents", parents);
        v.getTransform()
                .ifPresent(t -> record.put(
                        "transform",
                        RecordWriter.object()
                                .put("name", t.name())
                                .put("codeRevision", t.codeRevision())
                                .put("params", t.params())));
        record.put("profiles", new LinkedHashMap<>(v.getProfiles()));
        return record.toBytes();
    }

    static DatasetVersion decode(byte[] bytes, DatasetRef expected) {
        String source = VersionAllocator.versionKey(LakeLayout.datasetVersions(expected.name()), expected.version())
                .value();
        return RecordReader.decode(bytes, FORMAT, source, r -> {
            DatasetRef ref = new DatasetRef(r.getString("name"), r.getLong("version", 1, Long.MAX_VALUE));
            if (!ref.equals(expected)) {
                throw new IntegrityException(
                        "the record at " + expected + " says it is " + ref + "; the lake is damaged");
            }
            List<DatasetRef> parents = new ArrayList<>();
            for (RecordReader parent : r.getObjectList("parents")) {
                parents.add(new DatasetRef(parent.getString("name"), parent.getLong("version", 1, Long.MAX_VALUE)));
                parent.finish();
            }
            Transform transform = r.findObject("transform")
                    .map(t -> {
                        Transform value = new Transform(
                                t.getString("name"), t.getString("codeRevision"), t.getStringMap("params"));
                        t.finish();
                        return value;
                    })
                    .orElse(null);
            Map<String, Digest> profiles = new LinkedHashMap<>();
            r.getStringMap("profiles").forEach((path, digest) -> profiles.put(path, Digest.parse(digest)));
            DatasetVersion version = new DatasetVersion(
                    ref,
                    r.getDigest("tree"),
                    r.getLong("files", 0, Long.MAX_VALUE),
                    r.getLong("bytes", 0, Long.MAX_VALUE),
                    r.getParsed("created", Instant::parse),
                    r.getString("author"),
                    r.getString("message"),
                    r.getStringMap("tags"),
                    parents,
                    transform,
                    profiles,
                    r.getString("commit"));
            return version;
        });
    }

    static String commitIdOf(byte[] bytes) {
        try {
            return RecordReader.parse(bytes, FORMAT, "a dataset version record").getString("commit");
        } catch (LakeFormatException e) {
            return ""; // not ours: the allocator treats it as another writer's record
        }
    }
}
