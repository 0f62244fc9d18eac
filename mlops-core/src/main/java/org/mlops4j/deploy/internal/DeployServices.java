package org.mlops4j.deploy.internal;

import org.mlops4j.deploy.DeploymentHistory;
import org.mlops4j.internal.Installed;
import org.mlops4j.lineage.Lineage;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.VersionAllocator;

/** How the facade builds the deployment history, whose constructor is not public. Not API. */
public final class DeployServices {
    /** Installed by {@link DeploymentHistory}. */
    public static final Installed<HistoryFactory> HISTORY = new Installed<>(DeploymentHistory.class);

    private DeployServices() {}

    /** Builds the deployment history on a lake. */
    @FunctionalInterface
    public interface HistoryFactory {
        /**
         * Creates the history on a lake.
         *
         * @param store the lake
         * @param versions the lake's version allocator
         * @param registry the registry the deployed model versions live in
         * @param lineage lineage queries, for the upstream of a live model
         * @param index the reverse-edge index the {@code deploy} edges are written to
         * @return the history
         */
        DeploymentHistory create(
                ObjectStore store,
                VersionAllocator versions,
                ModelRegistry registry,
                Lineage lineage,
                LineageIndex index);
    }
}
