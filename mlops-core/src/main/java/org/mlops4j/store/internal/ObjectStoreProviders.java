package org.mlops4j.store.internal;

import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.internal.Redaction;
import org.mlops4j.internal.SchemeProviders;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.spi.ObjectStoreProvider;

/**
 * Finds the store a lake URI such as {@code azblob://account/container} names, by its scheme, among the {@link
 * ObjectStoreProvider}s on the class path. Never falls back to the local store: an unknown scheme or a missing module
 * is an error that names the providers found and the artifact to add. Not API.
 */
public final class ObjectStoreProviders {
    private static final String AZURE = "org.mlops4j:mlops-azure";

    /** The modules that ship a provider, by scheme: what the error tells the user to add. */
    private static final Map<String, String> ARTIFACTS = Map.of("azblob", AZURE, "https", AZURE, "http", AZURE);

    private ObjectStoreProviders() {}

    /**
     * Opens the store a lake URI names.
     *
     * @param variable the variable or setting the URI came from, for messages
     * @param location the URI
     * @param env the environment, passed to the provider
     * @param loader where providers are looked up
     * @return the store; the caller closes it
     * @throws IllegalArgumentException if no provider on the class path opens the URI's scheme (the message names the
     *     schemes found and the Maven artifact to add, and shows the URI redacted), or the provider refuses the URI
     */
    public static ObjectStore open(
            String variable, String location, Function<String, @Nullable String> env, ClassLoader loader) {
        String scheme = SchemeProviders.scheme(location);
        TreeSet<String> found = new TreeSet<>();
        var provider =
                SchemeProviders.find(ObjectStoreProvider.class, ObjectStoreProvider::schemes, scheme, loader, found);
        if (provider.isPresent()) {
            return provider.get().open(location.strip(), env);
        }
        String artifact = ARTIFACTS.get(scheme);
        throw new IllegalArgumentException(variable + "=" + Redaction.redact(location) + " names the lake scheme '"
                + scheme + "', but no lake provider on the class path opens it (found: "
                + (found.isEmpty() ? "none" : String.join(", ", found)) + "); "
                + (artifact == null
                        ? "known lakes are a directory (a path or file: URI) and Azure Blob (azblob://account/container"
                                + " or an https://account.blob.core.windows.net/container URL, module " + AZURE + ")"
                        : "add the Maven artifact " + artifact + " to the class path")
                + ", or name a local directory");
    }
}
