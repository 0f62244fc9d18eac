package org.mlops4j.registry.internal;

import java.time.Clock;
import java.util.function.BiFunction;
import org.mlops4j.data.ContentTrees;
import org.mlops4j.data.Datasets;
import org.mlops4j.internal.Installed;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.store.ObjectStore;

/** How the facade builds the registry and its embedded driver, whose constructors are not public. Not API. */
public final class RegistryServices {
    /** Installed by {@link ModelRegistry}. */
    public static final Installed<RegistryFactory> REGISTRY = new Installed<>(ModelRegistry.class);

    /**
     * Installed by {@link ModelRegistry}: the embedded driver, which keeps every record in the lake next to the
     * datasets, given the lake and content trees on it.
     */
    public static final Installed<BiFunction<ObjectStore, ContentTrees, RegistryDriver>> LAKE_DRIVER =
            new Installed<>(ModelRegistry.class);

    private RegistryServices() {}

    /** Builds the registry over a driver. */
    @FunctionalInterface
    public interface RegistryFactory {
        /**
         * Creates the registry over a driver.
         *
         * @param driver the backend's driver
         * @param lake the lake, where lineage edges, request claims, alias history and alias leases live
         * @param datasets the lake's datasets
         * @param clock timestamps versions and alias moves, and times alias leases
         * @return the registry
         */
        ModelRegistry create(RegistryDriver driver, ObjectStore lake, Datasets datasets, Clock clock);
    }
}
