package org.mlops4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;

/**
 * Issue 20, acceptance 4 ({@code scripts/bench-mlflow}): registers a model version with 10 MB of artifacts (10 files),
 * 20 metrics, 20 params, 2 dataset inputs and an alias, through this library and through MLflow's Python client
 * ({@code MlflowClient} calls in one long-lived process, so that neither side pays its start-up in the figures; the
 * version is created with {@code create_model_version(source=<run artifact root>/model, run_id)}, as this library
 * does; in 3.17.2 {@code mlflow.register_model("runs:/…/model")} refused this run: "Unable to find a logged_model with
 * artifact_path model under run …"), against the same server behind one
 * loopback counting proxy; rounds interleaved (Java, Python, Java, …, the first of each a warm-up, not counted).
 * Per round: wall time, requests and bytes at the proxy, and the client's CPU time (Java: this JVM's process CPU time,
 * JIT and GC included, less what the proxy's threads spent on the round's exchanges; Python: {@code
 * time.process_time()}). Writes the raw rounds and the medians as JSON.
 *
 * <p>Arguments: {@code [rounds (default 7)] [output directory (default benchmarks/results)]}.
 */
public final class MlflowBench {
    private static final int FILES = 10;
    private static final int FILE_BYTES = 1024 * 1024;
    /** {@code -Dmlops4j.bench.trace=true}: print each round's requests as the proxy saw them, with their times. */
    private static final boolean TRACE = Boolean.getBoolean("mlops4j.bench.trace");

    private static final String PYTHON = String.join(
            "\n",
            "import sys, os, time, json, mlflow",
            "from mlflow import MlflowClient",
            "from mlflow.data.meta_dataset import MetaDataset",
            "from mlflow.data.http_dataset_source import HTTPDatasetSource",
            "uri, model_dir = sys.argv[1], sys.argv[2]",
            "mlflow.set_tracking_uri(uri)",
            "client = MlflowClient(tracking_uri=uri, registry_uri=uri)",
            "print('READY', flush=True)",
            "for line in sys.stdin:",
            "    n = int(line)",
            "    t0, c0 = time.perf_counter(), time.process_time()",
            "    mlflow.set_experiment('bench-python')",
            "    with mlflow.start_run() as run:",
            "        mlflow.log_params({f'p{i}': str(i) for i in range(20)})",
            "        mlflow.log_metrics({f'm{i}': i / 20 for i in range(20)})",
            "        for name, ctx in (('bench-train', 'training'), ('bench-eval', 'evaluation')):",
            "            src = HTTPDatasetSource(url='file:///lake/' + name)",
            "            mlflow.log_input(MetaDataset(src, name=name, digest=(name + str(n))[:36]), context=ctx)",
            "        mlflow.log_artifacts(model_dir, 'model')",
            "    if n == 0:",
            "        client.create_registered_model('bench-python')",
            "    mv = client.create_model_version('bench-python', run.info.artifact_uri + '/model', run.info.run_id)",
            "    client.set_registered_model_alias('bench-python', 'champion', mv.version)",
            "    print('RESULT ' + json.dumps({'wall_ms': (time.perf_counter() - t0) * 1000,"
                    + " 'cpu_ms': (time.process_time() - c0) * 1000, 'version': mv.version}), flush=True)");

    private MlflowBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/results");
        MlflowServer server = MlflowServer.shared();
        Path work = Files.createTempDirectory("mlops4j-bench-mlflow-");
        Path model = Files.createDirectories(work.resolve("model"));
        Random random = new Random(1);
        for (int i = 0; i < FILES; i++) {
            byte[] bytes = new byte[FILE_BYTES];
            random.nextBytes(bytes);
            Files.write(model.resolve("part-" + i + ".bin"), bytes);
        }
        Path train = Files.createDirectories(work.resolve("train"));
        Files.writeString(train.resolve("rows.csv"), "x,y\n1,0\n2,1\n");
        Path eval = Files.createDirectories(work.resolve("eval"));
        Files.writeString(eval.resolve("rows.csv"), "x,y\n3,1\n");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        com.sun.management.OperatingSystemMXBean process =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ExecutorService uploads = Executors.newFixedThreadPool(4);
        List<JsonNode> javaRounds = new ArrayList<>();
        List<JsonNode> pythonRounds = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.counting(server.getTrackingUri());
                Mlops mlops = Mlops.builder()
                        .localLake(work.resolve("lake"))
                        .cacheDirectory(null)
                        .registryDriver(MlflowRegistryDriver.builder(proxy.uri())
                                .experimentName("bench-java")
                                .uploadExecutor(uploads)
                                .build())
                        .build()) {
            DatasetVersion trainVersion =
                    mlops.datasets().snapshot("bench-train").directory(train).commit();
            DatasetVersion evalVersion =
                    mlops.datasets().snapshot("bench-eval").directory(eval).commit();
            ProcessBuilder pythonBuilder = new ProcessBuilder(
                            server.getPython().toString(), "-c", PYTHON, proxy.uri(), model.toString())
                    .redirectError(work.resolve("python.log").toFile());
            // no usage telemetry to the internet from the Python side (this library sends none)
            pythonBuilder.environment().put("MLFLOW_DISABLE_TELEMETRY", "true");
            pythonBuilder.environment().put("DO_NOT_TRACK", "true");
            Process python = pythonBuilder.start();
            BufferedReader fromPython =
                    new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            BufferedWriter toPython =
                    new BufferedWriter(new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8));
            String ready = fromPython.readLine();
            if (!"READY".equals(ready)) {
                throw new IllegalStateException(
                        "the Python client did not start: " + ready + "; see " + work.resolve("python.log"));
            }
            for (int round = 0; round <= rounds; round++) {
                // Java
                proxy.reset();
                long cpu0 = process.getProcessCpuTime() - proxy.cpuNanos();
                Instant started = Instant.now();
                long t0 = System.nanoTime();
                ModelRegistration registration = new ModelRegistration("bench-java").artifacts(model);
                for (int i = 0; i < 20; i++) {
                    registration.metric("m" + i, i / 20.0).param("p" + i, Integer.toString(i));
                }
                registration
                        .input(trainVersion.getRef(), ModelInput.TRAIN)
                        .input(evalVersion.getRef(), ModelInput.EVAL);
                ModelVersion v = mlops.registry().register(registration);
                var unused = mlops.registry()
                        .setAlias("bench-java", "champion", v.getVersion(), AliasUpdate.unconditionally());
                double wall = (System.nanoTime() - t0) / 1e6;
                double cpu = (process.getProcessCpuTime() - proxy.cpuNanos() - cpu0) / 1e6;
                ObjectNode j = json.createObjectNode()
                        .put("client", "java")
                        .put("round", round)
                        .put("warmup", round == 0)
                        .put("wall_ms", wall)
                        .put("cpu_ms", cpu)
                        .put("requests", proxy.requests())
                        .put("bytes_up", proxy.bytesUp())
                        .put("bytes_down", proxy.bytesDown())
                        .put("version", v.getVersion());
                javaRounds.add(j);
                List<String> javaTrace = proxy.trace();
                // Python
                proxy.reset();
                toPython.write(round + "\n");
                toPython.flush();
                String line = fromPython.readLine();
                while (line != null && !line.startsWith("RESULT ")) {
                    line = fromPython.readLine(); // MLflow prints links to the run on standard output
                }
                if (line == null) {
                    throw new IllegalStateException("the Python client stopped; see " + work.resolve("python.log"));
                }
                ObjectNode p = (ObjectNode) json.readTree(line.substring("RESULT ".length()));
                p.put("client", "python")
                        .put("round", round)
                        .put("warmup", round == 0)
                        .put("requests", proxy.requests())
                        .put("bytes_up", proxy.bytesUp())
                        .put("bytes_down", proxy.bytesDown());
                pythonRounds.add(p);
                if (TRACE) {
                    System.out.println("round " + round + ", java, started " + started + ":");
                    javaTrace.forEach(t -> System.out.println("  " + t));
                    System.out.println("round " + round + ", python:");
                    proxy.trace().forEach(t -> System.out.println("  " + t));
                }
                System.out.printf(
                        "round %d: java %.0f ms, %d requests, cpu %.0f ms | python %.0f ms, %d requests, cpu %.0f ms%n",
                        round,
                        wall,
                        j.path("requests").asLong(),
                        cpu,
                        p.path("wall_ms").asDouble(),
                        p.path("requests").asLong(),
                        p.path("cpu_ms").asDouble());
            }
            toPython.close();
            python.waitFor();
        } finally {
            uploads.shutdownNow();
        }
        ObjectNode result = json.createObjectNode();
        result.put("benchmark", "mlflow-register-version");
        result.put("workload", "10 files x 1 MiB, 20 metrics, 20 params, 2 dataset inputs, alias champion");
        result.put("mlflow", server.getVersion());
        result.put("time", Instant.now().toString());
        result.put("cores", Runtime.getRuntime().availableProcessors());
        ObjectNode medians = result.putObject("medians");
        for (String field : List.of("wall_ms", "cpu_ms", "requests", "bytes_up", "bytes_down")) {
            double jm = median(javaRounds, field);
            double pm = median(pythonRounds, field);
            medians.putObject(field).put("java", jm).put("python", pm).put("python_over_java", pm / jm);
        }
        ArrayNode raw = result.putArray("rounds");
        for (int i = 0; i < javaRounds.size(); i++) {
            raw.add(javaRounds.get(i));
            raw.add(pythonRounds.get(i));
        }
        Files.createDirectories(out);
        Path file = out.resolve("mlflow-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now())
                + ".json");
        json.writeValue(file.toFile(), result);
        System.out.println("medians (rounds 1.." + rounds + "): " + medians);
        System.out.println("raw rounds: " + file);
        server.stop();
        System.exit(0);
    }

    private static double median(List<JsonNode> rounds, String field) {
        double[] values = rounds.stream()
                .filter(r -> !r.path("warmup").asBoolean())
                .mapToDouble(r -> r.path(field).asDouble())
                .sorted()
                .toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
