package org.mlops4j.store.spi;

import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.ObjectStore;

/**
 * Opens the {@link ObjectStore} of a lake a URI names, found through {@link java.util.ServiceLoader} by the URI's
 * scheme: {@link org.mlops4j.Mlops#fromEnvironment()} reads {@code MLOPS4J_LAKE} (and {@link
 * org.mlops4j.Mlops.Builder#lake(String)} takes the same setting) and asks the provider whose {@link #schemes()} hold
 * its scheme (e.g. {@code azblob}). Paths and {@code file:} URIs are core's local store and need no provider. A module
 * that ships a store lists its provider in {@code META-INF/services/org.mlops4j.store.spi.ObjectStoreProvider}.
 *
 * <p>Implementations are stateless, thread-safe and have a public no-argument constructor.
 */
public interface ObjectStoreProvider {
    /**
     * Names the URI schemes this provider opens, lower case (e.g. {@code azblob}, {@code https}).
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Opens the store; the caller closes it.
     *
     * @param location the lake's URI; it may hold a secret (a SAS in its query), which the store must never show
     * @param env the environment variables (for credentials, by the backend's own conventions)
     * @return the store
     * @throws IllegalArgumentException if the location or a variable it needs is malformed (the message says which
     *     and what it should hold, never a secret)
     * @throws org.mlops4j.common.MlopsException if the store cannot be reached or opened
     */
    ObjectStore open(String location, Function<String, @Nullable String> env);
}
