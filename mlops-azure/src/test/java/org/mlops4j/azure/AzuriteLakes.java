package org.mlops4j.azure;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.mlops4j.resilience.RetryPolicy;

/** Fresh containers on this JVM's Azurite, one per lake a test opens. */
final class AzuriteLakes {
    private static final AtomicLong CONTAINERS = new AtomicLong();
    private static final long RUN = ProcessHandle.current().pid();

    private AzuriteLakes() {}

    /** Returns a name no other lake of this JVM (or of another JVM on the same Azurite) has. */
    static String newContainerName(String what) {
        String base =
                what.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (base.length() > 30) {
            base = base.substring(0, 30).replaceAll("-+$", "");
        }
        return (base.isEmpty() ? "lake" : base) + "-" + RUN + "-" + CONTAINERS.incrementAndGet();
    }

    /** Returns a builder for a new, created container on Azurite, authenticated by the development account's key. */
    static AzureBlobObjectStore.Builder newLake(String what) {
        AzuriteServer azurite = AzuriteServer.shared();
        return AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/" + newContainerName(what))
                .connectionString(azurite.getConnectionString())
                .retryPolicy(RetryPolicy.custom().maxAttempts(3).build())
                .createContainerIfMissing(true);
    }

    /** Opens a new, empty lake on Azurite. */
    static AzureBlobObjectStore open(String what) {
        return newLake(what).build();
    }
}
