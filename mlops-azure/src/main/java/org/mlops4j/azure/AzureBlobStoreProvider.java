package org.mlops4j.azure;

import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.spi.ObjectStoreProvider;

/**
 * Lets {@code MLOPS4J_LAKE} (and {@code Mlops.builder().lake(…)}) name a lake on Azure Blob Storage: {@code
 * azblob://<account>/<container>[/prefix]}, an {@code https://<account>.blob.core.windows.net/…} URL (a SAS in its
 * query is a credential), or a path-style {@code http(s)://host:port/<account>/<container>} URL (Azurite, private
 * endpoints). Credentials come from the environment as {@link AzureBlobObjectStore#fromEnvironment()} reads them; the
 * container is created if missing. Found by {@link java.util.ServiceLoader}.
 */
public final class AzureBlobStoreProvider implements ObjectStoreProvider {
    /** Public for {@link java.util.ServiceLoader}. */
    public AzureBlobStoreProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("azblob", "https", "http");
    }

    @Override
    public ObjectStore open(String location, Function<String, @Nullable String> env) {
        return AzureBlobObjectStore.Builder.fromEnvironment(location, env).build();
    }

    @Override
    public String toString() {
        return "AzureBlobStoreProvider" + schemes();
    }
}
