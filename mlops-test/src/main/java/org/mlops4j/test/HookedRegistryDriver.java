package org.mlops4j.test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.registry.spi.AliasPointer;
import org.mlops4j.registry.spi.RegistryCapabilities;
import org.mlops4j.registry.spi.RegistryDriver;
import org.mlops4j.registry.spi.StoredArtifacts;
import org.mlops4j.store.ObjectTag;

/**
 * A driver that passes everything to another one, running a hook before each alias write (where a test holds a mover
 * while another races it) and, if told to, claiming atomic alias moves the driver under it does not have, so that the
 * registry skips its alias lease: tests use that to show what the lease prevents. Thread-safe if the driver under it
 * and the hook are.
 *
 * <pre>{@code
 * RegistryDriver unprotected = new HookedRegistryDriver(driver, true, () -> {}); // the registry takes no lease
 * }</pre>
 */
public final class HookedRegistryDriver implements RegistryDriver {
    private final RegistryDriver delegate;
    private final boolean claimAtomicAliasMoves;
    private final Runnable beforeAliasWrite;

    /**
     * Wraps a driver.
     *
     * @param delegate the driver every call goes to
     * @param claimAtomicAliasMoves whether to claim atomic alias moves the driver may not have
     * @param beforeAliasWrite runs before each alias write
     */
    public HookedRegistryDriver(RegistryDriver delegate, boolean claimAtomicAliasMoves, Runnable beforeAliasWrite) {
        this.delegate = delegate;
        this.claimAtomicAliasMoves = claimAtomicAliasMoves;
        this.beforeAliasWrite = beforeAliasWrite;
    }

    @Override
    public RegistryCapabilities capabilities() {
        RegistryCapabilities real = delegate.capabilities();
        return new RegistryCapabilities(
                real.atomicAliasMove() || claimAtomicAliasMoves, real.conditionalCreate(), real.metricSearch());
    }

    @Override
    public ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber) {
        return delegate.createVersion(model, requestId, recordForNumber);
    }

    @Override
    public Optional<ModelVersion> readVersion(ModelRef ref) {
        return delegate.readVersion(ref);
    }

    @Override
    public Page<ModelVersion> listVersions(String model, @Nullable String continuationToken) {
        return delegate.listVersions(model, continuationToken);
    }

    @Override
    public Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken) {
        return delegate.searchVersions(query, continuationToken);
    }

    @Override
    public Optional<AliasPointer> readAlias(String model, String alias) {
        return delegate.readAlias(model, alias);
    }

    @Override
    public boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last) {
        beforeAliasWrite.run();
        return delegate.writeAlias(model, alias, expected, last);
    }

    @Override
    public StoredArtifacts storeArtifacts(String model, Path directory, ProgressListener progress) {
        return delegate.storeArtifacts(model, directory, progress);
    }

    @Override
    public InputStream openArtifact(ArtifactLocation location, String path) {
        return delegate.openArtifact(location, path);
    }

    @Override
    public long checkoutArtifacts(ArtifactLocation location, Path directory) {
        return delegate.checkoutArtifacts(location, directory);
    }

    @Override
    public String toString() {
        return (claimAtomicAliasMoves ? "Unleashed" : "Hooked") + delegate;
    }
}
