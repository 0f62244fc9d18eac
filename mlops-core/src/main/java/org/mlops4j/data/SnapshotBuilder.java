package org.mlops4j.data;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ProgressListener;

/**
 * Collects what goes into one dataset version, then {@link #commit()}s it. Obtained from
 * {@link Datasets#snapshot(String)} or {@link Datasets#derive(String)}; one builder per commit, not thread-safe.
 *
 * <pre>{@code
 * DatasetVersion raw = datasets.snapshot("churn-raw").directory(Path.of("data/raw")).message("weekly export").commit();
 * DatasetVersion train = datasets.derive("churn-train")
 *         .from(raw)
 *         .transform("split", "git:4f2a9c1", Map.of("ratio", "0.8", "seed", "7"))
 *         .file(Path.of("out"), Path.of("out/train.csv"))
 *         .commit();
 * }</pre>
 */
public final class SnapshotBuilder {
    private final Datasets datasets;
    private final String name;
    final List<Snapshotter.Source> sources = new ArrayList<>();
    final List<DatasetRef> parents = new ArrayList<>();

    @Nullable
    Transform transform;

    @Nullable
    String message;

    @Nullable
    String author;

    final Map<String, String> tags = new LinkedHashMap<>();
    ProgressListener progress = ProgressListener.NONE;
    boolean statCache = true;
    boolean profileCsv = true;

    SnapshotBuilder(Datasets datasets, String name) {
        this.datasets = datasets;
        this.name = DatasetRef.requireValidName(name);
    }

    String name() {
        return name;
    }

    /**
     * Adds every file and empty directory under a directory (its contents, not the directory's own name).
     *
     * @param directory the directory
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder directory(Path directory) {
        sources.add(new Snapshotter.DirectorySource(Objects.requireNonNull(directory, "directory")));
        return this;
    }

    /**
     * Adds one file, stored under its path relative to {@code base}.
     *
     * @param base the directory paths are relative to
     * @param file the file, inside {@code base}
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder file(Path base, Path file) {
        sources.add(
                new Snapshotter.FileSource(Objects.requireNonNull(base, "base"), Objects.requireNonNull(file, "file")));
        return this;
    }

    /**
     * Adds files, each stored under its path relative to {@code base}.
     *
     * @param base the directory paths are relative to
     * @param files the files, inside {@code base}
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder files(Path base, Collection<Path> files) {
        files.forEach(file -> file(base, file));
        return this;
    }

    /**
     * Adds a stream's bytes as a file at {@code path}; the opener is called once, during {@link #commit()}.
     *
     * @param path the file's path in the dataset, {@code /}-separated
     * @param opener opens the stream (closed by MLOps4J)
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder stream(String path, StreamOpener opener) {
        Objects.requireNonNull(opener, "opener");
        sources.add(new Snapshotter.StreamSource(Objects.requireNonNull(path, "path"), opener::open, false));
        return this;
    }

    /**
     * Records the versions this one is derived from.
     *
     * @param parents the parent versions
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder from(DatasetVersion... parents) {
        for (DatasetVersion parent : parents) {
            this.parents.add(parent.getRef());
        }
        return this;
    }

    /**
     * Records the versions this one is derived from, by reference (they must exist at commit).
     *
     * @param parents the parent versions
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder from(DatasetRef... parents) {
        this.parents.addAll(List.of(parents));
        return this;
    }

    /**
     * Records the transform that produced this version.
     *
     * @param name the step's name
     * @param codeRevision the code's revision (a git commit)
     * @param params its parameters
     * @return this builder
     * @throws IllegalStateException if set before
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder transform(String name, String codeRevision, Map<String, String> params) {
        if (transform != null) {
            throw new IllegalStateException("transform was already set to " + transform);
        }
        this.transform = new Transform(name, codeRevision, params);
        return this;
    }

    /**
     * Sets the commit message.
     *
     * @param message the message
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder message(String message) {
        this.message = Objects.requireNonNull(message, "message");
        return this;
    }

    /**
     * Sets the author (default: the {@code user.name} system property).
     *
     * @param author the author
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder author(String author) {
        this.author = Objects.requireNonNull(author, "author");
        return this;
    }

    /**
     * Adds a tag.
     *
     * @param key the tag's key
     * @param value its value
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder tag(String key, String value) {
        tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Reports progress while files are hashed and stored.
     *
     * @param listener the listener
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder progress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Switches the stat cache on (default) or off; off re-hashes every file, with the same digests.
     *
     * @param enabled false to re-hash everything
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder statCache(boolean enabled) {
        this.statCache = enabled;
        return this;
    }

    /**
     * Profiles CSV files (schema, statistics, samples) while committing; on by default.
     *
     * @param enabled false to skip profiling
     * @return this builder
     */
    @CanIgnoreReturnValue
    public SnapshotBuilder profileCsv(boolean enabled) {
        this.profileCsv = enabled;
        return this;
    }

    /**
     * Stores the files and commits the version. When nothing changed since the latest version (same digest, parents
     * and transform), no version is made and the latest one is returned: compare its number to tell.
     *
     * @return the new version, or the unchanged latest one
     * @throws IllegalStateException if no source was given
     * @throws UnsafePathException if a path breaks the naming rules, a link leads to anything but a regular file
     *     inside the directory, or a directory has more entries than one tree can list; nothing is read then
     * @throws SourceChangedException if a file changed while it was read (size or modification time); nothing is
     *     committed: snapshot again when writers are done
     * @throws org.mlops4j.common.NotFoundException if a parent, or a directory to snapshot, does not exist
     * @throws IllegalArgumentException if a directory to snapshot is a file
     * @throws org.mlops4j.common.MlopsException if reading the sources or writing the lake fails
     * @throws org.mlops4j.common.StorageException if the store cannot be read or written; it says whether
     *     trying again may help
     */
    public DatasetVersion commit() {
        if (sources.isEmpty()) {
            throw new IllegalStateException(
                    "dataset '" + name + "': give a directory(), file() or stream() to snapshot");
        }
        return datasets.commit(this);
    }

    /** Opens a stream to snapshot. */
    @FunctionalInterface
    public interface StreamOpener {
        /**
         * Opens the stream.
         *
         * @return the stream
         * @throws java.io.IOException if it cannot be opened
         */
        InputStream open() throws java.io.IOException;
    }
}
