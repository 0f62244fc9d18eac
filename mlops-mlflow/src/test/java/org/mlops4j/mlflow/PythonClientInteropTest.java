package org.mlops4j.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;

/**
 * Issue 20, acceptance 2, both ways, with MLflow's official Python client from the test server's virtualenv: it reads
 * what this library wrote (the version by its alias, its tags, the run's params, metrics and dataset inputs, and
 * byte-identical files through {@code models:/<name>@<alias>}); and this library reads versions and an alias the Python
 * client registered, files included, marked unverified since they carry no MLOps4J manifest.
 */
class PythonClientInteropTest {
    @TempDir
    Path temp;

    @Test
    void shouldLetThePythonClientReadTheVersionItsAliasItsRunAndItsFilesWhenRegisteredHere() throws Exception {
        MlflowServer server = MlflowServer.shared();
        MlflowRegistryDriver driver =
                MlflowRegistryDriver.builder(server.getTrackingUri()).build();
        Path model = Files.createDirectories(temp.resolve("model/sub"));
        byte[] weights = new byte[300_000];
        new java.util.Random(7).nextBytes(weights);
        Files.write(model.resolve("weights.bin"), weights);
        Files.writeString(temp.resolve("model/MLmodel"), "flavors: {}\n");
        Path trainDir = Files.createDirectories(temp.resolve("train"));
        Files.writeString(trainDir.resolve("rows.csv"), "tenure,plan,churned\n3,basic,true\n40,pro,false\n");
        Path evalDir = Files.createDirectories(temp.resolve("eval"));
        Files.writeString(evalDir.resolve("rows.csv"), "tenure,plan,churned\n7,pro,false\n");
        var executor = Executors.newFixedThreadPool(2);
        try (Mlops mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .executor(executor)
                .cacheDirectory(null)
                .registryDriver(driver)
                .build()) {
            DatasetVersion train = mlops.datasets()
                    .snapshot("interop-train")
                    .directory(trainDir)
                    .commit();
            DatasetVersion eval =
                    mlops.datasets().snapshot("interop-eval").directory(evalDir).commit();
            ModelVersion v = mlops.registry()
                    .register(new ModelRegistration("interop")
                            .artifacts(temp.resolve("model"))
                            .tag("team", "growth")
                            .metric("auc", 0.875)
                            .metric("logloss", 0.25)
                            .param("depth", "6")
                            .param("optimizer", "sgd")
                            .input(train.getRef(), ModelInput.TRAIN)
                            .input(eval.getRef(), ModelInput.EVAL));
            mlops.registry().setAlias("interop", "champion", v.getVersion(), AliasUpdate.unconditionally());

            Path out = temp.resolve("downloaded");
            List<String> lines = python(
                    server,
                    String.join(
                            "\n",
                            "import sys, json, mlflow",
                            "from mlflow import MlflowClient",
                            "uri, out = sys.argv[1], sys.argv[2]",
                            "c = MlflowClient(tracking_uri=uri, registry_uri=uri)",
                            "mv = c.get_model_version_by_alias('interop', 'champion')",
                            "print('VERSION', mv.version)",
                            "print('TEAM', mv.tags.get('team'))",
                            "run = c.get_run(mv.run_id)",
                            "for k, v in sorted(run.data.params.items()): print('PARAM', k, v)",
                            "for k, v in sorted(run.data.metrics.items()): print('METRIC', k, v)",
                            "for di in sorted(run.inputs.dataset_inputs, key=lambda d: d.dataset.name):",
                            "    tags = {t.key: t.value for t in di.tags}",
                            "    cols = [c['name'] for c in json.loads(di.dataset.schema)['mlflow_colspec']]",
                            "    rows = json.loads(di.dataset.profile)['num_rows']",
                            "    print('INPUT', di.dataset.name, di.dataset.digest, tags['mlflow.data.context'],"
                                    + " tags['mlops4j.dataset.digest'], ','.join(cols), rows)",
                            "mlflow.set_tracking_uri(uri)",
                            "mlflow.artifacts.download_artifacts(artifact_uri='models:/interop@champion', dst_path=out)",
                            "print('DONE')"),
                    server.getTrackingUri(),
                    out.toString());

            assertThat(lines)
                    .contains(
                            "VERSION " + v.getVersion(),
                            "TEAM growth",
                            "PARAM depth 6",
                            "PARAM optimizer sgd",
                            "METRIC auc 0.875",
                            "METRIC logloss 0.25",
                            "INPUT interop-eval " + eval.getDigest().hex().substring(0, 36) + " evaluation "
                                    + eval.getDigest() + " tenure,plan,churned 1",
                            "INPUT interop-train " + train.getDigest().hex().substring(0, 36) + " training "
                                    + train.getDigest() + " tenure,plan,churned 2",
                            "DONE");
            assertThat(Files.readAllBytes(out.resolve("sub/weights.bin"))).isEqualTo(weights);
            assertThat(out.resolve("MLmodel")).hasContent("flavors: {}");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void shouldReadVersionsAndTheAliasThePythonClientRegisteredWhenTheyHaveNoManifest() throws Exception {
        MlflowServer server = MlflowServer.shared();
        byte[] weights = new byte[25_600];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) i;
        }
        List<String> lines = python(
                server,
                String.join(
                        "\n",
                        "import sys, os, tempfile, mlflow",
                        "from mlflow import MlflowClient",
                        "uri = sys.argv[1]",
                        "mlflow.set_tracking_uri(uri)",
                        "c = MlflowClient(tracking_uri=uri, registry_uri=uri)",
                        "d = tempfile.mkdtemp()",
                        "os.makedirs(d + '/sub')",
                        "open(d + '/sub/w.bin', 'wb').write(bytes(range(256)) * 100)",
                        "open(d + '/MLmodel', 'w').write('flavors: {}\\n')",
                        "mlflow.set_experiment('python-side')",
                        "with mlflow.start_run() as run:",
                        "    mlflow.log_param('lr', '0.1')",
                        "    mlflow.log_artifacts(d, 'model')",
                        "mv = mlflow.register_model(f'runs:/{run.info.run_id}/model', 'pyreg', tags={'team': 'py'})",
                        "c.set_registered_model_alias('pyreg', 'champion', mv.version)",
                        "class Echo(mlflow.pyfunc.PythonModel):",
                        "    def predict(self, context, model_input):",
                        "        return model_input",
                        "with mlflow.start_run():",
                        "    info = mlflow.pyfunc.log_model(name='model', python_model=Echo(),"
                                + " registered_model_name='pyreg')",
                        "print('FIRST', mv.version, mv.run_id)",
                        "print('LOGGED', info.registered_model_version, info.model_id)",
                        "print('DONE')"),
                server.getTrackingUri());
        assertThat(lines).contains("DONE");
        String[] first = line(lines, "FIRST ").split(" ");
        String[] logged = line(lines, "LOGGED ").split(" ");

        MlflowRegistryDriver driver =
                MlflowRegistryDriver.builder(server.getTrackingUri()).build();
        try (Mlops mlops = Mlops.builder()
                .localLake(temp.resolve("lake"))
                .cacheDirectory(null)
                .registryDriver(driver)
                .build()) {
            ModelAlias champion =
                    mlops.registry().findAlias("pyreg", "champion").orElseThrow();
            assertThat(champion.ref()).isEqualTo(new ModelRef("pyreg", Long.parseLong(first[1])));
            ModelVersion v1 = mlops.registry().get(champion.ref());
            assertThat(v1.getTags()).containsEntry("team", "py").containsEntry("mlops4j.verified", "false");
            assertThat(v1.getPipelineRun()).isEqualTo(first[2]);
            assertThat(v1.getArtifacts())
                    .as("no digest: nothing to verify against")
                    .isEmpty();
            try (InputStream in = mlops.registry().openArtifact(v1, "sub/w.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(weights);
            }
            Path checkout = temp.resolve("checkout");
            assertThat(mlops.registry().checkoutArtifacts(v1, checkout)).isEqualTo(2);
            assertThat(Files.readAllBytes(checkout.resolve("sub/w.bin"))).isEqualTo(weights);
            assertThat(checkout.resolve("MLmodel")).hasContent("flavors: {}");

            ModelVersion v2 = mlops.registry().get(new ModelRef("pyreg", Long.parseLong(logged[1])));
            assertThat(v2.getArtifactLocation().flatMap(l -> l.getUri())).contains("models:/" + logged[2]);
            Path logged2 = temp.resolve("logged");
            assertThat(mlops.registry().checkoutArtifacts(v2, logged2)).isPositive();
            assertThat(logged2.resolve("MLmodel")).exists();
            assertThat(mlops.registry().versions("pyreg").stream().map(ModelVersion::getVersion))
                    .contains(v1.getVersion(), v2.getVersion());
        }
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "…' in\n" + String.join("\n", lines)));
    }

    private List<String> python(MlflowServer server, String script, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(server.getPython().toString(), "-c", script));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(temp, "python", ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(5, TimeUnit.MINUTES))
                .as("the Python client finished")
                .isTrue();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("python exit; output:\n%s", String.join("\n", lines))
                .isZero();
        return lines;
    }
}
