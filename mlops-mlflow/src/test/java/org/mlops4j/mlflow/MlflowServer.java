package org.mlops4j.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.mlops4j.test.process.TestServers;

/**
 * A real MLflow tracking server for tests, started by the build itself: {@code mlflow==}{@value #DEFAULT_VERSION} from
 * PyPI, installed once per machine into a cached virtualenv, served once per JVM on a free loopback port over a fresh
 * SQLite database and artifact directory, and stopped (with its whole process tree) when the JVM exits.
 *
 * <ul>
 *   <li><b>Cache</b>: {@code $MLOPS4J_CACHE} or {@code $XDG_CACHE_HOME/mlops4j} or {@code ~/.cache/mlops4j}, then
 *       {@code mlflow-<version>/venv}. An install is complete only when its marker file, written last, names the
 *       version; a half-finished one (a killed build) is deleted and redone. A file lock ({@code install.lock}) keeps two
 *       JVMs from installing at once: the second waits, then reuses.
 *   <li><b>Python</b>: {@code $MLOPS4J_PYTHON}, else {@code python3}, else {@code python} on the {@code PATH}; it needs
 *       the {@code venv} module and PyPI (or a mirror named by pip's own settings, e.g. {@code PIP_INDEX_URL}).
 *   <li><b>Version</b>: system property {@code mlops4j.mlflow.version} (a second lane runs {@code 2.22.5}).
 *   <li><b>Failure</b>: anything missing (Python, venv, pip, the package, a server that does not answer) throws an
 *       {@link AssertionError} that says what is missing and how to provide it. MLflow tests never skip.
 * </ul>
 *
 * <p>No process reads the build's standard input: the installers' stdin is closed at once, and the server runs under a
 * small Python watchdog whose stdin is a pipe from this JVM; when the pipe closes (at {@link #stop()}, or when the JVM
 * dies, even by {@code SIGKILL}) the watchdog kills the server's process group. A build without a terminal (CI) neither
 * hangs nor leaves a server behind. Thread-safe.
 *
 * <pre>{@code
 * String trackingUri = MlflowServer.shared().getTrackingUri();   // http://127.0.0.1:<port>
 * }</pre>
 */
public final class MlflowServer {
    /** The MLflow version installed unless {@code -Dmlops4j.mlflow.version} says otherwise. */
    public static final String DEFAULT_VERSION = "3.17.2";

    private static final String MARKER = ".mlops4j-install-complete";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("mlops4j.mlflow.startTimeoutSeconds", 180));

    /**
     * Runs the server in a session of its own and kills that whole process group when this JVM's end of the
     * watchdog's stdin closes: at {@link #stop()}, and also when the JVM dies without running its shutdown hooks (a
     * killed fork), so no server outlives its build.
     */
    private static final String WATCHDOG = String.join(
            "\n",
            "import os, signal, subprocess, sys, threading, time",
            "p = subprocess.Popen(sys.argv[1:], start_new_session=True, stdin=subprocess.DEVNULL)",
            "def stop():",
            "    try:",
            "        while os.read(0, 4096):",
            "            pass",
            "    except Exception:",
            "        pass",
            "    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 0)):",
            "        try:",
            "            os.killpg(p.pid, sig)",
            "        except ProcessLookupError:",
            "            return",
            "        deadline = time.time() + wait",
            "        while time.time() < deadline and p.poll() is None:",
            "            time.sleep(0.1)",
            "threading.Thread(target=stop, daemon=True).start()",
            "os._exit(p.wait())"); // no interpreter shutdown: the reader thread may still block on stdin

    private static @Nullable MlflowServer shared;
    private static @Nullable AssertionError failure;

    private final String version;
    private final Process process;
    private final Path directory;
    private final String trackingUri;
    private final Duration installTime;
    private final Duration startTime;

    private MlflowServer(
            String version,
            Process process,
            Path directory,
            String trackingUri,
            Duration installTime,
            Duration startTime) {
        this.version = version;
        this.process = process;
        this.directory = directory;
        this.trackingUri = trackingUri;
        this.installTime = installTime;
        this.startTime = startTime;
    }

    /**
     * Returns this JVM's server, installing MLflow and starting the server on the first call.
     *
     * @return the running server
     * @throws AssertionError if MLflow cannot be installed or the server does not start; the message says why
     */
    public static synchronized MlflowServer shared() {
        if (failure != null) {
            // every MLflow test fails at once with the first cause, instead of installing and starting again
            throw new AssertionError(
                    "the MLflow test server failed to start earlier in this JVM: " + failure.getMessage(), failure);
        }
        if (shared == null || !shared.process.isAlive()) {
            try {
                shared = start(System.getProperty("mlops4j.mlflow.version", DEFAULT_VERSION));
            } catch (AssertionError | RuntimeException e) {
                failure = e instanceof AssertionError a ? a : new AssertionError(e.toString(), e);
                throw e;
            }
            MlflowServer server = shared;
            System.out.println("MLflow " + server.version + " at " + server.trackingUri + ": virtualenv ready in "
                    + server.installTime.toMillis() + " ms, server answered /health after "
                    + server.startTime.toMillis() + " ms; log " + server.getLog());
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "mlflow-server-stop"));
        }
        return shared;
    }

    /** Returns the server's base URL, {@code http://127.0.0.1:<port>}. */
    public String getTrackingUri() {
        return trackingUri;
    }

    /** Returns the MLflow version served. */
    public String getVersion() {
        return version;
    }

    /** Returns how long finding or installing the virtualenv took in this JVM. */
    public Duration getInstallTime() {
        return installTime;
    }

    /** Returns how long the server took to answer {@code /health}. */
    public Duration getStartTime() {
        return startTime;
    }

    /** Returns the directory the server stores artifacts in ({@code --artifacts-destination}). */
    public Path getArtifactsDirectory() {
        return directory.resolve("artifacts");
    }

    /** Returns the server's log file. */
    public Path getLog() {
        return directory.resolve("server.log");
    }

    /** Returns the Python interpreter of the virtualenv (tests may run the official client with it). */
    public Path getPython() {
        return venv(version).resolve("bin").resolve("python");
    }

    /** Stops the server and every process it started, and deletes its database and artifacts (not its log); idempotent. */
    public void stop() {
        TestServers.stop(process);
        try (Stream<Path> children = Files.list(directory)) {
            for (Path child : children.toList()) {
                if (!child.equals(getLog())) {
                    deleteTree(child); // the database and the artifacts; the log stays for a post-mortem
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a temp directory; the OS cleans up what is left
        }
    }

    @Override
    public String toString() {
        return "MlflowServer{version=" + version + ", uri=" + trackingUri + ", dir=" + directory + "}";
    }

    // --- installation --------------------------------------------------------------------------------------------

    private static Path venv(String version) {
        return TestServers.cacheRoot().resolve("mlflow-" + version).resolve("venv");
    }

    /** Finds a complete virtualenv or makes one, under a file lock shared with other JVMs. */
    static Path install(String version) {
        Path home = venv(version).getParent();
        Path venv = venv(version);
        try {
            Files.createDirectories(home);
            try (FileChannel channel = FileChannel.open(
                            home.resolve("install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (isComplete(venv, version)) {
                    return venv;
                }
                deleteTree(venv); // a half-finished install: start again
                String python = findPython();
                Path log = home.resolve("install.log");
                run(
                        List.of(python, "-m", "venv", venv.toString()),
                        log,
                        Duration.ofMinutes(5),
                        "creating a virtualenv with '" + python + " -m venv' failed; install Python's venv module"
                                + " (on Debian/Ubuntu: apt-get install python3-venv)");
                Path venvPython = venv.resolve("bin").resolve("python");
                List<String> pip = new ArrayList<>(List.of(
                        venvPython.toString(), "-m", "pip", "install", "--no-input", "--disable-pip-version-check"));
                pip.addAll(requirements(version));
                run(
                        pip,
                        log,
                        INSTALL_TIMEOUT,
                        "'pip install " + String.join(" ", requirements(version))
                                + "' failed; the MLflow tests need PyPI (or a mirror set"
                                + " with PIP_INDEX_URL) and about 1 GB of disk under " + home);
                run(
                        List.of(
                                venvPython.toString(),
                                "-c",
                                "import mlflow, sys; sys.exit(0 if mlflow.__version__ == '" + version + "' else 3)"),
                        log,
                        Duration.ofMinutes(2),
                        "the installed package does not import as mlflow " + version);
                Files.writeString(
                        venv.resolve(MARKER),
                        String.join(" ", requirements(version)) + "\n",
                        StandardCharsets.UTF_8); // last
                return venv;
            }
        } catch (IOException e) {
            throw new AssertionError("cannot prepare the MLflow virtualenv under " + home + ": " + e, e);
        }
    }

    /**
     * What pip installs for a version: the package, plus pins its own metadata lacks (MLflow 2.x declares {@code
     * sqlalchemy<3} but fails on SQLAlchemy 2.1, which dropped {@code FallbackAsyncAdaptedQueuePool}).
     */
    static List<String> requirements(String version) {
        return version.startsWith("2.")
                ? List.of("mlflow==" + version, "sqlalchemy<2.1")
                : List.of("mlflow==" + version);
    }

    private static boolean isComplete(Path venv, String version) throws IOException {
        Path marker = venv.resolve(MARKER);
        return Files.isRegularFile(marker)
                && Files.readString(marker, StandardCharsets.UTF_8)
                        .strip()
                        .equals(String.join(" ", requirements(version)))
                && Files.isExecutable(venv.resolve("bin").resolve("mlflow"));
    }

    private static String findPython() {
        List<String> candidates = new ArrayList<>();
        String explicit = System.getenv("MLOPS4J_PYTHON");
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(explicit);
        } else {
            candidates.add("python3");
            candidates.add("python");
        }
        return findPython(candidates);
    }

    /** The first candidate that runs Python 3.9+ with venv; an AssertionError naming them all if none does. */
    static String findPython(List<String> candidates) {
        for (String candidate : candidates) {
            try {
                Process p = new ProcessBuilder(
                                candidate, "-c", "import venv, sys; sys.exit(0 if sys.version_info >= (3, 9) else 3)")
                        .redirectErrorStream(true)
                        .start();
                p.getOutputStream().close();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not on the PATH: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while looking for Python", e);
            }
        }
        throw new AssertionError("the MLflow tests need Python 3.9 or later with its venv module to install mlflow from"
                + " PyPI, and found none of " + candidates + " on the PATH; install python3 (and python3-venv), or set"
                + " MLOPS4J_PYTHON to an interpreter");
    }

    private static void run(List<String> command, Path log, Duration timeout, String whatFailed) throws IOException {
        TestServers.run(command, Map.of("PIP_NO_INPUT", "1"), log, timeout, whatFailed);
    }

    // --- the server ----------------------------------------------------------------------------------------------

    private static MlflowServer start(String version) {
        long t0 = System.nanoTime();
        Path venv = install(version);
        Duration installTime = Duration.ofNanos(System.nanoTime() - t0);
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(version, venv, installTime);
            } catch (PortTakenError e) {
                last = e; // another process took the free port between our probe and the server's bind
            }
        }
        throw last;
    }

    private static MlflowServer startOnce(String version, Path venv, Duration installTime) {
        long t0 = System.nanoTime();
        Path directory;
        int port;
        try {
            directory = Files.createTempDirectory("mlops4j-mlflow-");
            Files.createDirectories(directory.resolve("artifacts"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = TestServers.freeLoopbackPort();
        Path log = directory.resolve("server.log");
        List<String> command = List.of(
                venv.resolve("bin").resolve("python").toString(),
                "-c",
                WATCHDOG,
                venv.resolve("bin").resolve("mlflow").toString(),
                "server",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--workers",
                "1",
                "--backend-store-uri",
                "sqlite:///" + directory.resolve("mlflow.db").toAbsolutePath(),
                "--artifacts-destination",
                directory.resolve("artifacts").toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("MLFLOW_"));
        env.put("MLFLOW_DISABLE_TELEMETRY", "true");
        env.put("DO_NOT_TRACK", "true");
        env.put("PYTHONUNBUFFERED", "1");
        Process process;
        try {
            process = builder.start(); // its stdin stays open: the watchdog stops the server when it closes
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command.get(0) + ": " + e, e);
        }
        String uri = "http://127.0.0.1:" + port;
        MlflowServer server = new MlflowServer(version, process, directory, uri, installTime, Duration.ZERO);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = tail(log);
                if (tail.contains("Address already in use") || tail.contains("address already in use")) {
                    throw new PortTakenError(tail);
                }
                throw new AssertionError("mlflow server " + version + " exited with " + process.exitValue()
                        + " before it answered /health; its log " + log + " ends with:\n" + tail);
            }
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(uri + "/health"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return new MlflowServer(
                            version, process, directory, uri, installTime, Duration.ofNanos(System.nanoTime() - t0));
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.stop();
                throw new AssertionError("interrupted while waiting for the MLflow server", e);
            }
            try {
                Thread.sleep(250); // polling a child process that has no readiness signal but /health
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.stop();
                throw new AssertionError("interrupted while waiting for the MLflow server", e);
            }
        }
        server.stop();
        throw new AssertionError("mlflow server " + version + " did not answer " + uri + "/health within "
                + START_TIMEOUT + " (raise -Dmlops4j.mlflow.startTimeoutSeconds on a slow machine); its log " + log
                + " ends with:\n" + tail(log));
    }

    private static String tail(Path log) {
        return TestServers.tail(log);
    }

    private static void deleteTree(Path root) throws IOException {
        TestServers.deleteTree(root);
    }

    /** The server could not bind the port we picked. */
    private static final class PortTakenError extends AssertionError {
        private static final long serialVersionUID = 1L;

        PortTakenError(String log) {
            super("the MLflow server could not bind its port:\n" + log);
        }
    }
}
