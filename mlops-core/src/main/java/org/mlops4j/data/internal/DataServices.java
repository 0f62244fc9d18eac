package org.mlops4j.data.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.mlops4j.data.Datasets;
import org.mlops4j.internal.Installed;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.VersionAllocator;

/** How the facade builds the dataset API, whose constructor is not public. Not API. */
public final class DataServices {
    /** Installed by {@link Datasets}. */
    public static final Installed<DatasetsFactory> DATASETS = new Installed<>(Datasets.class);

    /** Installed by {@link Datasets}: reads a tree's bytes in either encoding. */
    public static final Installed<TreeDecoder> TREES = new Installed<>(Datasets.class);

    private DataServices() {}

    /** Decodes a stored directory tree whose bytes the caller has already checked against its digest. */
    @FunctionalInterface
    public interface TreeDecoder {
        /**
         * Decodes a tree, {@code tree/1} JSON or {@code tree/2} binary, with the strict reader's checks.
         *
         * @param bytes the tree's bytes
         * @param tree the tree's digest, for messages
         * @param where what the tree belongs to, for messages
         * @return the entries in name order
         * @throws org.mlops4j.lake.LakeFormatException if the bytes are not a valid tree
         */
        List<TreeEntry> decode(byte[] bytes, Digest tree, String where);
    }

    /** Builds the dataset API on a lake. */
    @FunctionalInterface
    public interface DatasetsFactory {
        /**
         * Creates the dataset API on a lake.
         *
         * @param store the lake
         * @param versions the lake's version allocator
         * @param executor runs hashing and transfers in parallel
         * @param parallelism the bound on files in flight per worker
         * @param clock timestamps records
         * @param statCacheDirectory where stat caches live; null switches them off
         * @return the API
         */
        Datasets create(
                ObjectStore store,
                VersionAllocator versions,
                ExecutorService executor,
                int parallelism,
                Clock clock,
                @Nullable Path statCacheDirectory);
    }
}
