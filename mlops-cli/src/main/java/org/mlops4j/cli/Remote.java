package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.mlops4j.Mlops;
import org.mlops4j.azure.AzureBlobObjectStore;
import org.mlops4j.azure.LakeTransfer;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.data.Datasets;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;

/**
 * The other lake of a push or pull: a directory or {@code file:} URI, or an Azure Blob container
 * ({@code azblob://account/container[/prefix]}, {@code https://account.blob.core.windows.net/container[?sas]}) with
 * credentials from a SAS in the URL, {@code AZURE_STORAGE_CONNECTION_STRING}, {@code AZURE_STORAGE_SAS_TOKEN} or
 * {@code DefaultAzureCredential}, in that order (as {@link AzureBlobObjectStore#fromEnvironment()} reads them).
 */
final class Remote implements AutoCloseable {
    private final ObjectStore store;
    private final Mlops view;

    private Remote(ObjectStore store) {
        this.store = store;
        try {
            this.view = Mlops.builder().objectStore(store).build();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    static Remote open(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("azblob://") || lower.startsWith("https://")) {
            return new Remote(azure(location));
        }
        Path directory = lower.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        return new Remote(LocalObjectStore.open(directory));
    }

    private static ObjectStore azure(String location) {
        AzureBlobObjectStore.Builder builder =
                AzureBlobObjectStore.builder().location(location).createContainerIfMissing(true);
        if (location.contains("?")) {
            return builder.build(); // the URL's SAS
        }
        String connection = System.getenv("AZURE_STORAGE_CONNECTION_STRING");
        String sas = System.getenv("AZURE_STORAGE_SAS_TOKEN");
        if (connection != null && !connection.isBlank()) {
            builder.connectionString(connection);
        } else if (sas != null && !sas.isBlank()) {
            builder.sasToken(sas);
        } else {
            builder.credential(new com.azure.identity.DefaultAzureCredentialBuilder().build());
        }
        return builder.build();
    }

    ObjectStore store() {
        return store;
    }

    Datasets datasets() {
        return view.datasets();
    }

    /** Copies one version between the lakes and reports what moved. */
    static int copy(Cli cli, Output output, String verb, ObjectStore from, ObjectStore to, DatasetRef ref) {
        LakeTransfer.Result result;
        try (Progress progress = cli.progress(verb + " " + ref)) {
            result = LakeTransfer.copyDataset(from, to, ref.name(), ref.version(), progress);
        }
        ObjectNode document = output.document();
        document.put("version", ref.toString());
        document.put("from", from.toString());
        document.put("to", to.toString());
        document.put("objectsCopied", result.objectsCopied());
        document.put("bytesCopied", result.bytesCopied());
        document.put("objectsPresent", result.objectsPresent());
        output.emit(
                document,
                out -> out.println(verb + " " + ref + ": " + result.objectsCopied() + " objects ("
                        + Text.bytes(result.bytesCopied()) + ") copied, " + result.objectsPresent()
                        + " already there"));
        return 0;
    }

    @Override
    public void close() {
        try {
            view.close();
        } finally {
            store.close();
        }
    }
}
