package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.test.InMemoryObjectStore;

/**
 * MLflow's official Python client (from the test server's virtualenv) reads what this library wrote: the version by its
 * alias, its tags, and byte-identical files through {@code models:/<name>@<alias>}.
 */
class PythonClientInteropTest {
    @TempDir
    Path temp;

    @Test
    void shouldLetThePythonClientReadTheVersionItsAliasAndItsFilesWhenRegisteredHere() throws Exception {
        MlflowServer server = MlflowServer.shared();
        MlflowRegistryDriver driver =
                MlflowRegistryDriver.builder(server.getTrackingUri()).build();
        Path model = Files.createDirectories(temp.resolve("model/sub"));
        byte[] weights = new byte[300_000];
        new java.util.Random(7).nextBytes(weights);
        Files.write(model.resolve("weights.bin"), weights);
        Files.writeString(temp.resolve("model/MLmodel"), "flavors: {}\n");
        var executor = Executors.newFixedThreadPool(2);
        try (InMemoryObjectStore lake = new InMemoryObjectStore();
                Mlops mlops = Mlops.builder()
                        .objectStore(lake)
                        .executor(executor)
                        .cacheDirectory(null)
                        .registryDriver(driver)
                        .build()) {
            ModelVersion v = mlops.registry()
                    .register(new ModelRegistration("interop")
                            .artifacts(temp.resolve("model"))
                            .tag("team", "growth"));
            mlops.registry().setAlias("interop", "champion", v.getVersion(), AliasUpdate.unconditionally());

            Path out = temp.resolve("downloaded");
            String script = String.join(
                    "\n",
                    "import sys, mlflow",
                    "from mlflow import MlflowClient",
                    "uri, out = sys.argv[1], sys.argv[2]",
                    "c = MlflowClient(tracking_uri=uri, registry_uri=uri)",
                    "mv = c.get_model_version_by_alias('interop', 'champion')",
                    "print('VERSION', mv.version)",
                    "print('TEAM', mv.tags.get('team'))",
                    "mlflow.set_tracking_uri(uri)",
                    "mlflow.artifacts.download_artifacts(artifact_uri='models:/interop@champion', dst_path=out)",
                    "print('DONE')");
            Path log = temp.resolve("python.log");
            Process p = new ProcessBuilder(
                            server.getPython().toString(), "-c", script, server.getTrackingUri(), out.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            p.getOutputStream().close();
            assertThat(p.waitFor(3, TimeUnit.MINUTES))
                    .as("the Python client finished")
                    .isTrue();
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue())
                    .as("python exit; output:\n%s", String.join("\n", lines))
                    .isZero();
            assertThat(lines).contains("VERSION " + v.getVersion(), "TEAM growth", "DONE");
            assertThat(Files.readAllBytes(out.resolve("sub/weights.bin"))).isEqualTo(weights);
            assertThat(out.resolve("MLmodel")).hasContent("flavors: {}");
        } finally {
            executor.shutdownNow();
        }
    }
}
