package org.mlops4j.registry.spi;

import java.util.Objects;
import org.mlops4j.registry.ArtifactLocation;

/**
 * Artifacts a {@link RegistryDriver} stored: where they live now, and how many files and bytes.
 *
 * @param location where they live
 * @param files how many files
 * @param bytes their total size
 */
public record StoredArtifacts(ArtifactLocation location, long files, long bytes) {
    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public StoredArtifacts {
        Objects.requireNonNull(location, "location");
        if (files < 0 || bytes < 0) {
            throw new IllegalArgumentException("file and byte counts are at least 0, got " + files + " and " + bytes);
        }
    }
}
