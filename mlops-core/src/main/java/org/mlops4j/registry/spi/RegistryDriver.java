package org.mlops4j.registry.spi;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.ProgressListener;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.ArtifactLocation;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectTag;

/**
 * The I/O under a {@link org.mlops4j.registry.ModelRegistry}: stores and reads model version records, alias pointers
 * and artifacts in one backend, and reports what the backend can do ({@link #capabilities()}).
 *
 * <p>A driver keeps no guarantee of its own. The registry (core) enforces request-id idempotency and resolves twins
 * (the lowest version of a request wins; the others are hidden), writes the dataset&rarr;model lineage edges and the
 * append-only alias history in the lake, checks every alias expectation, and, where {@link
 * RegistryCapabilities#atomicAliasMove()} is false, holds a lease in the lake around each read-check-write of an alias.
 * A driver therefore returns what is stored, twins included, and never filters, retries or timestamps on its own.
 *
 * <p>Implementations: the lake driver ({@link org.mlops4j.registry.ModelRegistry#lakeDriver}, the default), {@code
 * InMemoryRegistryDriver} and {@code NonAtomicRegistryDriver} ({@code mlops-test}); each passes {@code
 * ModelRegistryContract}.
 *
 * <p><b>Thread-safety:</b> implementations are thread-safe, and where their backend is shared (a lake on a disk, a
 * server) they are safe across processes: their conditional operations are atomic in the backend, not in the JVM.
 *
 * <p><b>Exceptions:</b> names passed in are already valid ({@link ModelRef#requireValidName}, {@link
 * org.mlops4j.registry.ModelAlias#requireValidAlias}). Every method throws {@link MlopsException} (or a subclass, such
 * as {@link org.mlops4j.common.ServiceUnavailableException} for a transient failure) when the backend fails; a write
 * that fails may still have landed, which core is built to tolerate. No other exception type escapes, except as
 * listed per method.
 */
public interface RegistryDriver {
    /**
     * Says what the backend can do natively; read once, when the registry is created.
     *
     * @return the capabilities
     */
    RegistryCapabilities capabilities();

    /**
     * Receives the lake's datasets once, when the registry over this driver is created, before any other call; a
     * driver that tracks runs uses them to describe a version's input datasets and to read its artifact tree. The
     * default ignores them.
     *
     * @param environment the lake's datasets and location
     * @throws IllegalStateException if the driver is already attached to another registry and cannot serve two
     */
    default void attach(RegistryEnvironment environment) {}

    /**
     * Stores a new version of a model under the next free number {@code n}: the record is {@code
     * recordForNumber.apply(n)}, whose ref is {@code model@n} and whose request id is {@code requestId}.
     *
     * <p>With {@link RegistryCapabilities#conditionalCreate()}, the number is claimed atomically (concurrent calls get
     * distinct numbers, and numbers have no gaps), and if the highest version already carries {@code requestId} (an
     * earlier attempt whose response was lost) it is returned instead of a new one. Without it, the backend numbers
     * versions its own way and a retry may store a twin, which core resolves.
     *
     * @param model the model's name
     * @param requestId the registration's request id
     * @param recordForNumber builds the record for a number
     * @return the version as stored
     * @throws MlopsException if the backend fails; the version may have been stored
     */
    ModelVersion createVersion(String model, String requestId, LongFunction<ModelVersion> recordForNumber);

    /**
     * Reads a version record, whether or not core hides it as a twin.
     *
     * @param ref the version
     * @return the record, or empty if there is none
     * @throws MlopsException if the backend fails or the record is damaged
     */
    Optional<ModelVersion> readVersion(ModelRef ref);

    /**
     * Lists one page of a model's version records, newest first, twins included.
     *
     * @param model the model's name
     * @param continuationToken the previous page's token, or null for the first page
     * @return the page; empty for a model without versions
     * @throws IllegalArgumentException if the token is not one this driver issued
     * @throws MlopsException if the backend fails
     */
    Page<ModelVersion> listVersions(String model, @Nullable String continuationToken);

    /**
     * Lists one page of the version records that match a query's model, tags and metric bounds, twins included; each
     * model's versions newest first. Core passes metric bounds only to a driver with {@link
     * RegistryCapabilities#metricSearch()}.
     *
     * @param query the search
     * @param continuationToken the previous page's token, or null for the first page
     * @return the page
     * @throws IllegalArgumentException if the token is not one this driver issued
     * @throws UnsupportedOperationException if the query has metric bounds and the driver cannot search metrics
     * @throws MlopsException if the backend fails
     */
    Page<ModelVersion> searchVersions(ModelQuery query, @Nullable String continuationToken);

    /**
     * Reads an alias pointer.
     *
     * @param model the model's name
     * @param alias the alias
     * @return the pointer, or empty if the alias was never set
     * @throws MlopsException if the backend fails or the record is damaged
     */
    Optional<AliasPointer> readAlias(String model, String alias);

    /**
     * Writes an alias pointer: its new last move ({@code toVersion} 0 for a deletion).
     *
     * <p>With {@link RegistryCapabilities#atomicAliasMove()}, a compare-and-set: written only if the pointer's tag is
     * still {@code expected} ({@code null}: only if the alias was never set). Without it, a plain write of whatever is
     * there; {@code expected} is ignored and core holds the alias's lease.
     *
     * @param model the model's name
     * @param alias the alias
     * @param expected the tag read before, or null for a pointer read as absent
     * @param last the move to store
     * @return true if written; false if a compare-and-set found another tag (re-read and decide again)
     * @throws MlopsException if the backend fails; the write may have landed
     */
    boolean writeAlias(String model, String alias, @Nullable ObjectTag expected, AliasEvent last);

    /**
     * Uploads a directory's files as a model's artifacts (on the lake: a content-addressed tree, stored once however
     * often it is registered).
     *
     * @param model the model's name
     * @param directory the directory
     * @param progress receives progress
     * @return where they live now, and their counts
     * @throws MlopsException if the directory cannot be read or the backend fails; {@link
     *     org.mlops4j.data.UnsafePathException} if a path breaks the naming rules
     */
    StoredArtifacts storeArtifacts(String model, Path directory, ProgressListener progress);

    /**
     * Opens one artifact file at a location this driver's backend holds (never a tree in the lake: core reads those).
     * The stream checks the file's digest at its end where the backend records one.
     *
     * @param location where the artifacts live
     * @param path the file's path in the artifacts, {@code /}-separated
     * @return the stream; the caller closes it
     * @throws NotFoundException if the backend holds no such location or file
     * @throws MlopsException if the backend fails
     */
    InputStream openArtifact(ArtifactLocation location, String path);

    /**
     * Writes the artifacts at a location this driver's backend holds into an absent or empty directory, each file
     * verified before it is renamed where the backend records digests.
     *
     * @param location where the artifacts live
     * @param directory the target
     * @return the number of files written
     * @throws NotFoundException if the backend holds no such location
     * @throws IllegalStateException if the directory is not empty
     * @throws MlopsException if the backend fails
     */
    long checkoutArtifacts(ArtifactLocation location, Path directory);
}
