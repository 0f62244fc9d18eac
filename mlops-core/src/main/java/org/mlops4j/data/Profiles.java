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
        Optional<Digest> known = store.find(index).map(o -> Digest.parse(o.getText()));
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
        boolean unused = store.createIfAbsent(index, digest.toString().getBytes(StandardCharsets.US_ASCII));
        return Optional.of(digest);
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
