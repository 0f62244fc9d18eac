package org.mlops4j.data;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.Digest;

/**
 * An immutable, content-addressed snapshot of a dataset: its number, its digest (the root tree hash, the same for the
 * same bytes and names anywhere), its size, who made it and why, and where it came from.
 *
 * <p>Obtained from {@link Datasets}; never built by users. Immutable and thread-safe. A final class rather than a
 * record, so that fields can be added without breaking callers.
 */
public final class DatasetVersion {
    private final DatasetRef ref;
    private final Digest digest;
    private final long fileCount;
    private final long byteCount;
    private final Instant created;
    private final String author;
    private final String message;
    private final Map<String, String> tags;
    private final List<DatasetRef> parents;
    private final @Nullable Transform transform;
    private final Map<String, Digest> profiles;
    private final String commitId;

    DatasetVersion(
            DatasetRef ref,
            Digest digest,
            long fileCount,
            long byteCount,
            Instant created,
            String author,
            String message,
            Map<String, String> tags,
            List<DatasetRef> parents,
            @Nullable Transform transform,
            Map<String, Digest> profiles,
            String commitId) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.digest = Objects.requireNonNull(digest, "digest");
        this.fileCount = fileCount;
        this.byteCount = byteCount;
        this.created = Objects.requireNonNull(created, "created");
        this.author = Objects.requireNonNull(author, "author");
        this.message = Objects.requireNonNull(message, "message");
        this.tags = Map.copyOf(tags);
        this.parents = List.copyOf(parents);
        this.transform = transform;
        this.profiles = Map.copyOf(profiles);
        this.commitId = Objects.requireNonNull(commitId, "commitId");
    }

    /** Returns {@code name@number}. */
    public DatasetRef getRef() {
        return ref;
    }

    /** Returns the dataset's name. */
    public String getName() {
        return ref.name();
    }

    /** Returns the version number. */
    public long getNumber() {
        return ref.version();
    }

    /** Returns the root tree digest: equal for equal bytes and names, whatever the order or time of writing. */
    public Digest getDigest() {
        return digest;
    }

    /** Returns the number of files. */
    public long getFileCount() {
        return fileCount;
    }

    /** Returns the total size of the files in bytes. */
    public long getByteCount() {
        return byteCount;
    }

    /** Returns when the version was committed. */
    public Instant getCreated() {
        return created;
    }

    /** Returns who committed it. */
    public String getAuthor() {
        return author;
    }

    /** Returns the commit message (may be empty). */
    public String getMessage() {
        return message;
    }

    /** Returns the tags. */
    public Map<String, String> getTags() {
        return tags;
    }

    /** Returns the versions this one was derived from (empty for raw data). */
    public List<DatasetRef> getParents() {
        return parents;
    }

    /** Returns the transform that produced it, if it was derived. */
    public Optional<Transform> getTransform() {
        return Optional.ofNullable(transform);
    }

    /** Returns the digests of the profiles of its CSV files, by path. */
    public Map<String, Digest> getProfiles() {
        return profiles;
    }

    /** Returns the commit id written in its record (unique per commit). */
    public String getCommitId() {
        return commitId;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof DatasetVersion other && ref.equals(other.ref) && commitId.equals(other.commitId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ref, commitId);
    }

    @Override
    public String toString() {
        return ref + " " + digest + " (" + fileCount + " files, " + byteCount + " bytes"
                + (parents.isEmpty() ? "" : ", from " + parents) + ")";
    }
}
