package org.mlops4j.registry;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.ObjectTag;

/**
 * A driver whose backend keeps no aliases (Azure ML's MLflow endpoint), with the alias pointers kept in the lake by
 * the embedded driver instead: versions and artifacts go to the backend, aliases to the lake, moved there by
 * compare-and-set.
 */
final class LakeAliases implements RegistryDriver {
    private final RegistryDriver backend;
    private final RegistryDriver lake;
    private final RegistryCapabilities capabilities;

    LakeAliases(RegistryDriver backend, RegistryDriver lake) {
        this.backend = backend;
        this.lake = lake;
        RegistryCapabilities b = backend.capabilities();
        this.capabilities = new RegistryCapabilities(
                lake.capabilities().atomicAliasMove(), b.conditionalCreate(), b.metricSearch(), true);
    }

    @Override
    public RegistryCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber) {
        return backend.createVersion(model, requestId, recordForNumber);
    }

    @Override
    public Optional<ModelVersion> readVersion(ModelRef ref) {
        return backend.readVersion(ref);
    }

    @Override
    public Page<ModelVersion> listVersions(String model, @Nullable String continuationToken) {
        return backend.listVersions(model, continuationToken);
    }

    @Override
    public Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken) {
        return backend.searchVersions(query, continuationToken);
    }

    @Override
    public Optional<AliasPointer> readAlias(String model, String alias) {
        return lake.readAlias(model, alias);
    }

    @Override
    public boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last) {
        return lake.writeAlias(model, alias, expected, last);
    }

    @Override
    public StoredArtifacts storeArtifacts(String model, Path directory, ProgressListener progress) {
        return backend.storeArtifacts(model, directory, progress);
    }

    @Override
    public InputStream openArtifact(ArtifactLocation location, String path) {
        return backend.openArtifact(location, path);
    }

    @Override
    public long checkoutArtifacts(ArtifactLocation location, Path directory) {
        return backend.checkoutArtifacts(location, directory);
    }

    @Override
    public String toString() {
        return backend + " (aliases in the lake)";
    }
}
