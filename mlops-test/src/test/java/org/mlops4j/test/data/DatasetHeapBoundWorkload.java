package org.mlops4j.test.data;

import java.nio.file.Path;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;

/**
 * The child of {@link DatasetHeapBoundTest}: snapshots a directory into a fresh lake with a stat cache, then again
 * (no change, so it must return version 1), and prints {@code DONE <files>}.
 *
 * <p>Arguments: lake directory, stat-cache directory, source directory.
 */
public final class DatasetHeapBoundWorkload {
    private DatasetHeapBoundWorkload() {}

    public static void main(String[] args) {
        try (Mlops mlops = Mlops.builder()
                .localLake(Path.of(args[0]))
                .cacheDirectory(Path.of(args[1]))
                .build()) {
            DatasetVersion cold = mlops.datasets()
                    .snapshot("bound")
                    .directory(Path.of(args[2]))
                    .profileCsv(false)
                    .commit();
            DatasetVersion again = mlops.datasets()
                    .snapshot("bound")
                    .directory(Path.of(args[2]))
                    .profileCsv(false)
                    .commit();
            if (cold.getNumber() != 1 || again.getNumber() != 1) {
                throw new IllegalStateException(
                        "expected version 1 twice, got " + cold.getNumber() + " and " + again.getNumber());
            }
            System.out.println("DONE " + cold.getFileCount());
        }
    }
}
