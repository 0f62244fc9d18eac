package org.mlops4j.cli;

import java.util.function.Function;
import org.mlops4j.Mlops;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.test.InMemoryDeployer;

/**
 * A deployment target as a user writes one for {@code mlops4j deploy --target}: the test kit's in-memory target,
 * keeping its books in the lake, so that separate commands see one endpoint.
 */
public final class LakeDeployer implements Function<Mlops, Deployer> {
    /** The constructor the command calls. */
    public LakeDeployer() {}

    @Override
    public Deployer apply(Mlops mlops) {
        return InMemoryDeployer.builder()
                .store(mlops.objectStore())
                .history(mlops.deployments())
                .build();
    }
}
