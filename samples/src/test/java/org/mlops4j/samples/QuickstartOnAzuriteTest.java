package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.azure.AzuriteServer;

/**
 * Issue 21, acceptance 5: the README's quickstart ({@link Quickstart#main}, what {@code -Pquickstart} runs) in its
 * own JVM with {@code MLOPS4J_LAKE=azblob://…} and {@code AZURE_STORAGE_CONNECTION_STRING} pointing at a container on
 * a real Blob endpoint (Azurite): the whole story, with every record of the lake in the container and none on disk.
 */
class QuickstartOnAzuriteTest {
    @TempDir
    Path work;

    @Test
    void shouldTellTheStoryWithTheLakeInTheContainerWhenMlopsLakeNamesIt() throws Exception {
        AzuriteServer azurite = AzuriteServer.shared();
        String container = "quickstart-" + ProcessHandle.current().pid();
        String lake = "azblob://" + AzuriteServer.ACCOUNT + "/" + container + "/team-a";
        Path out = work.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                        Quickstart.class.getName(),
                        work.resolve("runs").toString())
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile());
        builder.environment().put(Mlops.LAKE_VARIABLE, lake);
        builder.environment().put("AZURE_STORAGE_CONNECTION_STRING", azurite.getConnectionString());
        builder.environment().remove(Mlops.REGISTRY_VARIABLE);
        builder.environment().remove(Mlops.HOME_VARIABLE);
        builder.environment().put("LANG", "C.UTF-8");

        Process process = builder.start();
        boolean finished = process.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String story = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(finished).as(story).isTrue();
        assertThat(process.exitValue()).as(story).isZero();
        assertThat(story)
                .contains("lake AzureBlobObjectStore{" + lake + "/run-")
                .contains("Summary: 3 pipeline runs, 2 promoted and deployed by canary, 1 rejected; churn-classifier@2")
                .contains(", 0 failed;")
                .doesNotContain(azurite.getConnectionString().replaceAll(".*AccountKey=([^;]*);.*", "$1"));
        BlobContainerClient blobs = new BlobServiceClientBuilder()
                .connectionString(azurite.getConnectionString())
                .buildClient()
                .getBlobContainerClient(container);
        List<String> names = blobs.listBlobs().stream()
                .map(BlobItem::getName)
                .map(name -> name.replaceFirst("^team-a/run-[0-9-]+/", ""))
                .toList();
        assertThat(names)
                .contains(
                        "lake.json",
                        "datasets/churn-raw/v/00000002.json",
                        "models/churn-classifier/v/00000003.json",
                        "models/churn-classifier/aliases/champion.json")
                .anyMatch(name -> name.startsWith("deployments/"))
                .anyMatch(name -> name.startsWith("pipelines/churn-retrain/runs/"));
        try (Stream<Path> local = Files.walk(work.resolve("runs"))) {
            assertThat(local.filter(p -> p.getFileName().toString().equals("lake.json")))
                    .as("no lake on the local disk")
                    .isEmpty();
        }
    }
}
