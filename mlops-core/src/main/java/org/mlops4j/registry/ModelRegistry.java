package org.mlops4j.registry;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Paged;

/**
 * A model registry (DESIGN §3.3): versions with artifacts, metrics and inputs; aliases such as {@code champion} moved
 * by compare-and-set with an append-only history. Backends: {@link LakeModelRegistry} (embedded, on the lake),
 * {@code MlflowModelRegistry} ({@code mlops-mlflow}), {@code InMemoryModelRegistry} ({@code mlops-test}); each passes
 * the contract suite in {@code mlops-test}, parameterised by {@link #capabilities()}.
 *
 * <p>Implementations are thread-safe.
 */
public interface ModelRegistry {
    /** Returns what this backend can do natively. */
    RegistryCapabilities capabilities();

    /**
     * Registers a new version; idempotent by the registration's request id: a repeated request returns the version the
     * first one made. Should a stalled request still create a twin, the lowest version wins and the other is hidden.
     *
     * @param registration what to register
     * @return the version
     * @throws NotFoundException if an input dataset version does not exist
     * @throws org.mlops4j.common.MlopsException if the backend fails
     */
    @CanIgnoreReturnValue
    ModelVersion register(ModelRegistration registration);

    /**
     * Looks up a version.
     *
     * @param ref the version
     * @return the version, or empty
     */
    Optional<ModelVersion> find(ModelRef ref);

    /**
     * Reads a version.
     *
     * @param ref the version
     * @return the version
     * @throws NotFoundException if it does not exist
     */
    default ModelVersion get(ModelRef ref) {
        return find(ref)
                .orElseThrow(() -> new NotFoundException("model version " + ref
                        + " does not exist; list versions with versions(\"" + ref.name() + "\")"));
    }

    /**
     * Lists a model's versions, newest first, page by page.
     *
     * @param name the model's name
     * @return the versions
     */
    Paged<ModelVersion> versions(String name);

    /**
     * Finds versions by name, tags and metric bounds.
     *
     * @param query the search
     * @return the matching versions
     * @throws UnsupportedOperationException if the query uses metrics and the backend cannot search them
     */
    Paged<ModelVersion> search(ModelQuery query);

    /**
     * Moves an alias to a version, if the alias is as the caller expects ({@link AliasUpdate}); the move is appended
     * to the alias's history.
     *
     * @param model the model's name
     * @param alias the alias: lower-case letters, digits, {@code _} and {@code -}
     * @param version the version to point to
     * @param update the expectation and who, which run, why
     * @return the alias after the move
     * @throws org.mlops4j.common.ConflictException if the alias is not as expected (re-read and decide again)
     * @throws NotFoundException if the version does not exist
     */
    @CanIgnoreReturnValue
    ModelAlias setAlias(String model, String alias, long version, AliasUpdate update);

    /**
     * Looks up an alias.
     *
     * @param model the model's name
     * @param alias the alias
     * @return where it points, or empty if it does not exist
     */
    Optional<ModelAlias> findAlias(String model, String alias);

    /**
     * Deletes an alias, if it is as the caller expects; recorded in the history.
     *
     * @param model the model's name
     * @param alias the alias
     * @param update the expectation and who, which run, why
     * @throws org.mlops4j.common.ConflictException if the alias is not as expected
     */
    void deleteAlias(String model, String alias, AliasUpdate update);

    /**
     * Lists an alias's moves, oldest first.
     *
     * @param model the model's name
     * @param alias the alias
     * @return the history
     */
    Paged<AliasEvent> aliasHistory(String model, String alias);

    /**
     * Opens one artifact file of a version; the stream checks its digest at the end.
     *
     * @param version the version
     * @param path the file's path in the artifacts, {@code /}-separated
     * @return the stream; the caller closes it
     * @throws NotFoundException if there is no such file
     */
    InputStream openArtifact(ModelVersion version, String path);

    /**
     * Writes a version's artifacts into an absent or empty directory, each file verified before it is renamed.
     *
     * @param version the version
     * @param directory the target
     * @return the number of files written
     */
    @CanIgnoreReturnValue
    long checkoutArtifacts(ModelVersion version, Path directory);
}
