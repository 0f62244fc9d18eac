package org.mlops4j.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mlops4j.test.process.TestServers;

/**
 * A real Azure Blob endpoint for tests, started by the build itself: {@code azurite@}{@value #VERSION} from npm,
 * installed once per machine into a cache, served once per JVM on a free loopback port with in-memory persistence,
 * and stopped (with its process group) when the JVM exits.
 *
 * <ul>
 *   <li><b>Cache</b>: {@code $MLOPS4J_CACHE} or {@code $XDG_CACHE_HOME/mlops4j} or {@code ~/.cache/mlops4j}, then
 *       {@code azurite-<version>}. An install is complete only when its marker file, written last, names the version;
 *       a half-finished one is deleted and redone, under a file lock shared by JVMs that start together.
 *   <li><b>Node</b>: {@code node} and {@code npm} on the {@code PATH}, Node 18 or later (3.35.0 is the last Azurite
 *       whose engines accept Node 20; later ones need 21 or 22). npm reads its registry from its own settings.
 *   <li><b>Failure</b>: anything missing (Node, npm, the package, a server that does not answer) throws an
 *       {@link AssertionError} that says what and how to provide it. Azure tests never skip.
 * </ul>
 *
 * <p>The server runs under a small Node watchdog whose stdin is a pipe from this JVM: when the pipe closes (at
 * {@link #stop()}, or when the JVM dies, even by {@code SIGKILL}) the watchdog kills the server's process group, so no
 * server outlives its build. Thread-safe.
 */
public final class AzuriteServer {
    /** The pinned Azurite. */
    static final String VERSION = "3.35.0";

    /** Azurite's well-known development account (public, documented by Microsoft; not a secret of anyone's). */
    public static final String ACCOUNT = "devstoreaccount1";

    /** The well-known key of {@link #ACCOUNT}; tests check it never shows in a message. */
    static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final int MIN_NODE = 18;
    private static final String MARKER = ".mlops4j-install-complete";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("mlops4j.azurite.startTimeoutSeconds", 60));

    /** Runs the server in its own process group and kills the group when this JVM's end of stdin closes. */
    private static final String WATCHDOG = String.join(
            "\n",
            "const { spawn } = require('child_process');",
            "const p = spawn(process.argv[1], process.argv.slice(2), { detached: true, stdio: ['ignore', 'inherit',"
                    + " 'inherit'] });",
            "let stopping = false;",
            "function stop() {",
            "  if (stopping) return; stopping = true;",
            "  try { process.kill(-p.pid, 'SIGTERM'); } catch (e) { process.exit(0); }",
            "  setTimeout(() => { try { process.kill(-p.pid, 'SIGKILL'); } catch (e) {} process.exit(0); }, 5000);",
            "}",
            "process.stdin.on('data', () => {});",
            "process.stdin.on('end', stop);",
            "process.stdin.on('close', stop);",
            "process.stdin.on('error', stop);",
            "process.stdin.resume();",
            "p.on('exit', (code) => process.exit(code === null ? 1 : code));");

    private static @Nullable AzuriteServer shared;
    private static @Nullable AssertionError failure;

    private final Process process;
    private final Path directory;
    private final int port;

    private AzuriteServer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /**
     * Returns this JVM's server, installing Azurite and starting it on the first call.
     *
     * @return the running server
     * @throws AssertionError if Azurite cannot be installed or does not start; the message says why
     */
    public static synchronized AzuriteServer shared() {
        if (failure != null) {
            throw new AssertionError("Azurite failed to start earlier in this JVM: " + failure.getMessage(), failure);
        }
        if (shared == null || !shared.process.isAlive()) {
            long t0 = System.nanoTime();
            try {
                Path home = install();
                long installed = System.nanoTime();
                shared = start(home);
                System.out.println("Azurite " + VERSION + " at " + shared.getBlobEndpoint() + ": installed in "
                        + TimeUnit.NANOSECONDS.toMillis(installed - t0) + " ms, answered after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - installed) + " ms; log "
                        + shared.getLog());
            } catch (AssertionError | RuntimeException e) {
                failure = e instanceof AssertionError a ? a : new AssertionError(e.toString(), e);
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "azurite-stop"));
        }
        return shared;
    }

    /** Returns the blob endpoint of the development account, {@code http://127.0.0.1:<port>/devstoreaccount1}. */
    public String getBlobEndpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** Returns the connection string of the development account, key included (tests only). */
    public String getConnectionString() {
        return connectionString(port);
    }

    /** Returns the connection string of the development account on a loopback port (tests only). */
    static String connectionString(int port) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    /** Returns the server's port. */
    int getPort() {
        return port;
    }

    /** Returns the server's log file. */
    Path getLog() {
        return directory.resolve("azurite.log");
    }

    /** Stops the server and its process group; idempotent. */
    void stop() {
        TestServers.stop(process);
    }

    @Override
    public String toString() {
        return "AzuriteServer{version=" + VERSION + ", endpoint=" + getBlobEndpoint() + "}";
    }

    // --- installation --------------------------------------------------------------------------------------------

    private static Path blobBinary(Path home) {
        return home.resolve("node_modules").resolve(".bin").resolve("azurite-blob");
    }

    /** Finds a complete install or makes one, under a file lock shared with other JVMs. */
    static Path install() {
        Path home = TestServers.cacheRoot().resolve("azurite-" + VERSION);
        try {
            Files.createDirectories(home);
            try (FileChannel channel = FileChannel.open(
                            home.resolve("install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                requireNode();
                Path marker = home.resolve(MARKER);
                if (Files.isRegularFile(marker)
                        && Files.readString(marker, StandardCharsets.UTF_8)
                                .strip()
                                .equals(VERSION)
                        && Files.isExecutable(blobBinary(home))) {
                    return home;
                }
                TestServers.deleteTree(home.resolve("node_modules")); // a half-finished install: start again
                Path log = home.resolve("install.log");
                TestServers.run(
                        List.of(
                                "npm",
                                "install",
                                "--no-audit",
                                "--no-fund",
                                "--no-save",
                                "--prefix",
                                home.toString(),
                                "azurite@" + VERSION),
                        Map.of(),
                        log,
                        INSTALL_TIMEOUT,
                        "'npm install azurite@" + VERSION + "' failed; the Azure tests need the npm registry (or a"
                                + " mirror set in npm's config) and about 100 MB of disk under " + home);
                if (!Files.isExecutable(blobBinary(home))) {
                    throw new AssertionError("npm installed azurite@" + VERSION + " but " + blobBinary(home)
                            + " is missing; see " + home.resolve("install.log"));
                }
                Files.writeString(marker, VERSION + "\n", StandardCharsets.UTF_8); // last
                return home;
            }
        } catch (IOException e) {
            throw new AssertionError("cannot prepare Azurite under " + home + ": " + e, e);
        }
    }

    /** Fails with what to do when Node or npm is missing or Node is older than {@value #MIN_NODE}. */
    static void requireNode() {
        String node = output(List.of("node", "--version"), "node");
        Matcher m = Pattern.compile("v?(\\d+)\\..*").matcher(node.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) < MIN_NODE) {
            throw new AssertionError("the Azure tests run Azurite " + VERSION + ", which needs Node " + MIN_NODE
                    + " or later; 'node --version' says '" + node.strip() + "'. Install a newer Node.js (20.x works)");
        }
        output(List.of("npm", "--version"), "npm");
    }

    private static String output(List<String> command, String tool) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("'" + String.join(" ", command) + "' failed: " + out.strip()
                        + "; the Azure tests need Node.js " + MIN_NODE + "+ with npm on the PATH");
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(
                    "the Azure tests install and run Azurite with Node.js " + MIN_NODE + "+ and npm, and found no '"
                            + tool + "' on the PATH; install Node.js (20.x works) with npm",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    // --- the server ----------------------------------------------------------------------------------------------

    private static AzuriteServer start(Path home) {
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(home);
            } catch (PortTakenError e) {
                last = e; // another process took the free port between our probe and the server's bind
            }
        }
        throw last;
    }

    private static AzuriteServer startOnce(Path home) {
        Path directory;
        try {
            directory = Files.createTempDirectory("mlops4j-azurite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = TestServers.freeLoopbackPort();
        Path log = directory.resolve("azurite.log");
        List<String> command = List.of(
                "node",
                "-e",
                WATCHDOG,
                blobBinary(home).toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                Integer.toString(port),
                "--inMemoryPersistence",
                "--skipApiVersionCheck",
                "--loose",
                "--disableTelemetry"); // in memory: no --location (Azurite refuses both); the cwd is the temp dir
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start(); // its stdin stays open: the watchdog stops the server when it closes
        } catch (IOException e) {
            throw new AssertionError("cannot start Azurite with node: " + e, e);
        }
        AzuriteServer server = new AzuriteServer(process, directory, port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = TestServers.tail(log);
                if (tail.contains("EADDRINUSE")) {
                    throw new PortTakenError(tail);
                }
                throw new AssertionError("azurite-blob " + VERSION + " exited with " + process.exitValue()
                        + " before it listened on port " + port + "; its log " + log + " ends with:\n" + tail);
            }
            if (TestServers.tail(log).contains("successfully listens") && answers(port)) {
                return server;
            }
            try {
                Thread.sleep(100); // polling a child process whose only readiness signal is its log and its port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.stop();
                throw new AssertionError("interrupted while waiting for Azurite", e);
            }
        }
        server.stop();
        throw new AssertionError("azurite-blob " + VERSION + " did not listen on port " + port + " within "
                + START_TIMEOUT + " (raise -Dmlops4j.azurite.startTimeoutSeconds on a slow machine); its log " + log
                + " ends with:\n" + TestServers.tail(log));
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** The server could not bind the port we picked. */
    private static final class PortTakenError extends AssertionError {
        private static final long serialVersionUID = 1L;

        PortTakenError(String log) {
            super("Azurite could not bind its port:\n" + log);
        }
    }
}
