package org.mlops4j.deploy;

import java.time.Clock;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.store.ObjectStore;

/**
 * What a deployer needs from the lake it keeps its books in: the store, the registry it reads model artifacts from,
 * the deployment history it records events in, and the clock. {@code org.mlops4j.Mlops} is one, so
 * {@code LocalDeployer.builder().mlops(mlops)} reads as before, while nothing in this package depends on the facade.
 */
public interface DeploymentServices {
    /**
     * Returns the lake's store.
     *
     * @return the store
     */
    ObjectStore objectStore();

    /**
     * Returns the registry that model versions and their artifacts are read from.
     *
     * @return the registry
     */
    ModelRegistry registry();

    /**
     * Returns the deployment history that records every change as an event with lineage.
     *
     * @return the history
     */
    DeploymentHistory deployments();

    /**
     * Returns the clock for timestamps.
     *
     * @return the clock
     */
    Clock clock();
}
