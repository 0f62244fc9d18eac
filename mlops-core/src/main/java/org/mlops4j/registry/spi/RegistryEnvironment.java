package org.mlops4j.registry.spi;

import java.util.Objects;
import org.mlops4j.data.Datasets;

/**
 * What the registry hands its driver once, when it is created ({@link RegistryDriver#attach}): the lake's datasets,
 * so that a driver that tracks runs can describe a version's input datasets (digest, profile) and read a version's
 * artifact tree from the lake, and the lake's location as a URI-like text without credentials.
 *
 * @param datasets the lake's datasets (and its content trees, {@link Datasets#contentTrees()})
 * @param lakeUri where the lake is, e.g. {@code file:///srv/lake}; never holds a credential
 */
public record RegistryEnvironment(Datasets datasets, String lakeUri) {
    /** Checks the values. */
    public RegistryEnvironment {
        Objects.requireNonNull(datasets, "datasets");
        Objects.requireNonNull(lakeUri, "lakeUri");
    }
}
