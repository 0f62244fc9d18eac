package org.mlops4j.azure;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlops4j.store.Digest;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

/**
 * The stores of the Azurite run of the dataset, registry and pipeline tests ({@code mlops4j.test.stores}): a container
 * on this JVM's Azurite per lake directory, named after the directory, so that opening a directory again gives the
 * same lake, as reopening a local store does. Damage is done with the Azure SDK directly, as a failing disk or a
 * careless tool would.
 */
public final class AzuriteStores implements TestStores.Factory {
    /** Creates the factory; the lakes live as long as this JVM's Azurite. */
    public AzuriteStores() {}

    @Override
    public ObjectStore open(Path directory) {
        return AzureBlobObjectStore.builder()
                .location("azblob://" + AzuriteServer.ACCOUNT + "/" + containerOf(directory))
                .connectionString(AzuriteServer.shared().getConnectionString())
                .createContainerIfMissing(true)
                .build();
    }

    @Override
    public void damageContent(ObjectStore store, Digest content, long offset, byte[] bytes) {
        if (!(store instanceof AzureBlobObjectStore azure)) {
            throw new IllegalArgumentException(store + " was not opened by " + this);
        }
        String location = azure.getLocation();
        String container = location.substring(location.lastIndexOf('/') + 1);
        BlobClient blob = new BlobServiceClientBuilder()
                .connectionString(AzuriteServer.shared().getConnectionString())
                .buildClient()
                .getBlobContainerClient(container)
                .getBlobClient(ObjectStore.contentKey(content).value());
        byte[] stored = blob.downloadContent().toBytes();
        System.arraycopy(bytes, 0, stored, (int) offset, bytes.length);
        blob.upload(new ByteArrayInputStream(stored), stored.length, true);
    }

    /** A container name that is a function of the directory: lower-case hex of a hash of its path. */
    static String containerOf(Path directory) {
        String path = directory.toAbsolutePath().normalize().toString();
        return "lake-" + Digest.of(path.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 40);
    }
}
