package org.mlops4j.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.StorageException;
import org.mlops4j.deploy.LinearModelLoader;
import org.mlops4j.deploy.ModelLoader;
import org.mlops4j.internal.FileTrees;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads registered model versions for the local target: checks a version's artifacts out of the registry once
 * into a cache directory (into a temp directory, then renamed into place, so that a crash leaves no half checkout)
 * and gives them to the first loader that supports the version. Thread-safe: two loads of one version may check it
 * out twice, and one rename wins.
 */
final class ModelArtifacts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelArtifacts.class);

    private final ModelRegistry registry;
    private final List<ModelLoader> loaders;
    private final Path cache;
    /** Whether the cache is a temp directory of ours, deleted on close; a directory the host gave stays. */
    private final boolean ownCache;

    private ModelArtifacts(ModelRegistry registry, List<ModelLoader> loaders, Path cache, boolean ownCache) {
        this.registry = registry;
        this.loaders = List.copyOf(loaders);
        this.cache = cache;
        this.ownCache = ownCache;
    }

    /**
     * @param cache the host's cache directory (created if needed), or null for a temp directory deleted on close
     * @throws StorageException if the directory cannot be created
     */
    static ModelArtifacts open(ModelRegistry registry, List<ModelLoader> loaders, @Nullable Path cache) {
        try {
            return cache != null
                    ? new ModelArtifacts(registry, loaders, Files.createDirectories(cache), false)
                    : new ModelArtifacts(registry, loaders, Files.createTempDirectory("mlops4j-deploy-"), true);
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot create the artifact cache " + (cache != null ? cache : "(a temp directory)") + ": " + e
                            + "; give LocalDeployer.builder().artifactCache(…) a writable directory",
                    e);
        }
    }

    /** Loads a version: its artifacts checked out, its loader's predictor. */
    LoadedModel load(ModelRef ref) {
        ModelVersion version = registry.get(ref);
        ModelLoader loader = loaderFor(version);
        Path artifacts = checkout(version);
        return new LoadedModel(ref, Objects.requireNonNull(loader.load(version, artifacts), "predictor"));
    }

    /** The first loader that supports a version; a plan calls it to refuse, before anything moves, what none loads. */
    ModelLoader loaderFor(ModelVersion version) {
        for (ModelLoader loader : loaders) {
            if (loader.supports(version)) {
                return loader;
            }
        }
        if (!version.getTags().containsKey(LinearModelLoader.FLAVOR_TAG)) {
            // the usual cause: a model registered without saying its format, which every loader here goes by
            throw new IllegalArgumentException("cannot serve " + version.getRef() + ": it has no '"
                    + LinearModelLoader.FLAVOR_TAG + "' tag (tags " + version.getTags() + "), and the loaders of this"
                    + " deployer " + loaders + " choose a model by that tag. Tag the model with its format when you"
                    + " register it: new ModelRegistration(\"" + version.getName() + "\").artifacts(dir).tag(\""
                    + LinearModelLoader.FLAVOR_TAG + "\", \"" + LinearModelLoader.FLAVOR + "\") for a "
                    + LinearModelLoader.FILE + " (format in docs/linear-models.md), or .tag(\""
                    + LinearModelLoader.FLAVOR_TAG + "\", \"onnx\") for an ONNX model served by mlops-onnx's"
                    + " OnnxModelLoader");
        }
        throw new IllegalArgumentException("no loader of this deployer supports " + version.getRef() + " (tags "
                + version.getTags() + "); loaders: " + loaders + "; add one with LocalDeployer.builder()…loader(…)");
    }

    private Path checkout(ModelVersion version) {
        Path target = cache.resolve(version.getName()).resolve(Long.toString(version.getVersion()));
        if (Files.isDirectory(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(version.getVersion() + ".tmp-" + UUID.randomUUID());
            if (version.getArtifacts().isPresent()) {
                var unused = registry.checkoutArtifacts(version, temp);
            } else {
                Files.createDirectories(temp);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                deleteTree(temp);
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
            return target;
        } catch (IOException e) {
            throw StorageException.of(
                    "cannot check out the artifacts of " + version.getRef() + " into " + target + ": " + e
                            + "; check that the artifact cache is writable and has space",
                    e);
        }
    }

    /** Deletes the cache if it is a temp directory of ours. */
    @Override
    public void close() {
        if (ownCache) {
            deleteTree(cache);
        }
    }

    @Override
    public String toString() {
        return "ModelArtifacts{" + cache + ", loaders " + loaders + "}";
    }

    private static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", root, e);
        }
    }
}
