package org.mlops4j.deploy;

import java.nio.file.Path;
import org.mlops4j.registry.ModelVersion;

/**
 * Turns a model version's artifacts into a {@link Predictor}. Loaders read documented formats (ONNX is the portable
 * one) and never use Java serialization, which would run code from the artifact. A deployer asks its loaders in order
 * and uses the first that {@link #supports} the version.
 */
public interface ModelLoader {
    /**
     * Returns whether this loader can serve the version (usually by its {@code flavor} tag or artifact names).
     *
     * @param version the model version
     * @return whether {@link #load} would accept it
     */
    boolean supports(ModelVersion version);

    /**
     * Loads a model.
     *
     * @param version the model version
     * @param artifacts a directory holding its checked-out artifacts (verified against their digest)
     * @return a thread-safe predictor
     * @throws IllegalArgumentException if the artifacts are not in this loader's format; the message names the file
     * @throws org.mlops4j.common.StorageException if an artifact cannot be read (an I/O failure, not a bad format);
     *     a loader throws no {@link java.io.UncheckedIOException} or other exception outside MLOps4J's tree
     */
    Predictor load(ModelVersion version, Path artifacts);
}
