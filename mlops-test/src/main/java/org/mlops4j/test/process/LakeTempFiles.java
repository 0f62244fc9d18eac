package org.mlops4j.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;

/**
 * The temp files a dead writer left in a local lake, for the checks after each death of a crash test: count them,
 * then reopen the lake and check that opening removed exactly those. Stateless; thread-safe.
 *
 * <pre>{@code
 * long left = LakeTempFiles.count(lake);
 * try (LocalObjectStore store = LakeTempFiles.reopenRemoving(lake, left)) {
 *     // check the store
 * }
 * }</pre>
 */
public final class LakeTempFiles {
    private LakeTempFiles() {}

    /**
     * Returns how many temp files the lake's writers left behind.
     *
     * @param lake the lake's root
     * @return the count
     * @throws UncheckedIOException if the directory cannot be listed (a lake never opened has none)
     */
    public static long count(Path lake) {
        try (Stream<Path> files = Files.list(directory(lake))) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the temp files of " + lake, e);
        }
    }

    /**
     * Opens the lake and checks that opening removed the {@code left} stale temp files and no other.
     *
     * @param lake the lake's root
     * @param left what {@link #count} found before
     * @return the open store; close it
     * @throws AssertionError if opening removed another number of files, or some are left; the store is closed then
     */
    public static LocalObjectStore reopenRemoving(Path lake, long left) {
        LocalObjectStore store = LocalObjectStore.open(lake);
        try {
            if (store.getStaleTempFilesRemoved() != left) {
                throw new AssertionError("[stale temp files removed on open] expected " + left + " but "
                        + store.getStaleTempFilesRemoved() + " were removed from " + directory(lake));
            }
            long after = count(lake);
            if (after != 0) {
                throw new AssertionError(
                        "[temp files after reopening] expected none but found " + after + " in " + directory(lake));
            }
            return store;
        } catch (AssertionError | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static Path directory(Path lake) {
        return lake.resolve(StoreKey.RESERVED_ROOT).resolve("tmp");
    }
}
