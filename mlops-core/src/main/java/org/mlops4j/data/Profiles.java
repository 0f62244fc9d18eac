package org.mlops4j.data;

import java.util.List;
import java.util.Map;
import org.mlops4j.lake.Digest;
import org.mlops4j.store.ObjectStore;

/** Profiles the CSV files of a snapshot; each profile is stored as content, referenced from the version record. */
final class Profiles {
    private Profiles() {}

    static Map<String, Digest> profileCsvFiles(ObjectStore store, List<Snapshotter.StoredFile> files) {
        return Map.of(); // CSV profiling lands with org.mlops4j.data.profile
    }
}
