package org.mlops4j.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.common.StorageException;
import org.mlops4j.data.profile.CsvProfiler;
import org.mlops4j.data.profile.MalformedCsvException;
import org.mlops4j.data.profile.TableProfile;
import org.mlops4j.lake.LakeLayout;
import org.mlops4j.lake.internal.CanonicalJson;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles the CSV files of a snapshot. Each profile is canonical JSON stored as content (so identical profiles are
 * stored once) and referenced from the version record by path. A file's bytes are profiled once per lake: an index
 * {@code profiles/csv-v2/<ab>/<file digest>.json} remembers the profile of each CSV content, so re-snapshots and other
 * datasets holding the same file reuse it.
 */
// The index is per profile format: csv-v1 entries name csv-profile/1 profiles, whose drift summaries are approximate,
// so a file first profiled by an older version is profiled again (once) in the current format.
final class Profiles {
    private static final Logger LOG = LoggerFactory.getLogger(Profiles.class);
    private static final CsvProfiler PROFILER = CsvProfiler.ofDefaults();
    static final RecordFormat INDEX_FORMAT = RecordFormat.of("mlops4j.csv-profile-ref", 1);

    private Profiles() {}

    static boolean isCsv(String path) {
        return path.toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    static Map<String, Digest> profileCsvFiles(
            ObjectStore store, ContentPacks contents, List<Snapshotter.StoredFile> files) {
        Map<String, Digest> profiles = new LinkedHashMap<>();
        for (Snapshotter.StoredFile file : files) {
            if (!isCsv(file.path())) {
                continue;
            }
            profileOf(store, contents, file.entry().digest()).ifPresent(digest -> profiles.put(file.path(), digest));
        }
        return profiles;
    }

    /** Returns the digest of the profile of one CSV content, profiling it on first sight; empty if it is not CSV. */
    private static Optional<Digest> profileOf(ObjectStore store, ContentPacks contents, Digest content) {
        StoreKey index = LakeLayout.csvProfile(content);
        Optional<Digest> known = store.find(index).map(o -> readIndex(o.getBytes(), index));
        if (known.isPresent()) {
            return known;
        }
        TableProfile profile;
        try (InputStream in = contents.open(content)) {
            profile = PROFILER.profile(in);
        } catch (MalformedCsvException e) {
            LOG.debug("not profiling {}: {}", content, e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read content " + content + " from " + store + " to profile it: " + e
                            + "; check that the store is reachable, then snapshot again",
                    e);
        }
        byte[] bytes = CanonicalJson.write(profile.toMap());
        Digest digest = Digest.of(bytes);
        var unusedInfo = store.putContent(digest, new ByteArrayInputStream(bytes));
        boolean unused = store.createIfAbsent(index, encodeIndex(digest));
        return Optional.of(digest);
    }

    /** Encodes an index record: a {@code mlops4j.csv-profile-ref/1} record, with its checksum. */
    static byte[] encodeIndex(Digest profile) {
        return RecordWriter.create(INDEX_FORMAT).put("profile", profile).toBytes();
    }

    /**
     * Reads an index record: a {@code mlops4j.csv-profile-ref/1} record, or the ASCII digest that writers before
     * record checksums wrote (lake format §13).
     *
     * @throws IntegrityException naming the key if the record is damaged
     */
    static Digest readIndex(byte[] bytes, StoreKey key) {
        if (bytes.length > 0 && bytes[0] == '{') {
            return RecordReader.decode(bytes, INDEX_FORMAT, key.value(), r -> r.getDigest("profile"));
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException(
                    "profile index record " + key + " holds no digest: " + e.getMessage()
                            + "; the lake is damaged: delete the record, and the next snapshot profiles the file again",
                    e);
        }
    }

    static TableProfile read(ObjectStore store, Digest profile, String where) {
        try (InputStream in = store.openContent(profile)) {
            byte[] bytes = in.readAllBytes();
            if (!Digest.of(bytes).equals(profile)) {
                throw new IntegrityException("profile " + profile + " of " + where + " is damaged in the lake");
            }
            return TableProfile.fromMap(CanonicalJson.readObject(bytes));
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot read profile " + profile + " of " + where + " from " + store + ": " + e
                            + "; check that the store is reachable, then read it again",
                    e);
        }
    }
}
