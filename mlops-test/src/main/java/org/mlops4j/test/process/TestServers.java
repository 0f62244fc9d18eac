package org.mlops4j.test.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the tests' real servers (MLflow in {@code mlops-mlflow}, Azurite in {@code mlops-azure}) share: the cache
 * their installs live in, installer runs that fail with their log's tail, a free loopback port, and a stop that takes
 * the server's whole process tree down. Each server keeps its own install and start-up. Stateless.
 */
public final class TestServers {
    private TestServers() {}

    /**
     * Returns the cache of installs: {@code $MLOPS4J_CACHE}, else {@code $XDG_CACHE_HOME/mlops4j}, else
     * {@code ~/.cache/mlops4j}.
     *
     * @return the directory (not created)
     */
    public static Path cacheRoot() {
        String explicit = System.getenv("MLOPS4J_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mlops4j");
    }

    /**
     * Runs an installer step with its standard input closed, appending its output to a log.
     *
     * @param command the command
     * @param environment variables to add
     * @param log the log file
     * @param timeout how long it may take
     * @param whatFailed the start of the message if it fails: what failed and what to do
     * @throws IOException if the log cannot be written or the command cannot start
     * @throws AssertionError if it times out or exits with another code than 0; the message ends with the log's tail
     */
    public static void run(
            List<String> command, Map<String, String> environment, Path log, Duration timeout, String whatFailed)
            throws IOException {
        Files.writeString(
                log,
                "$ " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process p = builder.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(
                        whatFailed + ": no result after " + timeout + "; see " + log + "\n" + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted: " + whatFailed, e);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(whatFailed + " (exit " + p.exitValue() + "); see " + log + "\n" + tail(log));
        }
    }

    /**
     * Returns a loopback port that was free a moment ago (a server may still lose it to another process: retry).
     *
     * @return the port
     */
    public static int freeLoopbackPort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops a server: closes its standard input (a watchdog's cue), then ends it and its descendants, forcibly after
     * ten seconds.
     *
     * @param process the server's process
     */
    public static void stop(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Returns the last 30 lines of a log, for a failure message.
     *
     * @param log the log
     * @return its tail, or what kept it from being read
     */
    public static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * Deletes a directory tree, if it exists.
     *
     * @param root the tree
     * @throws IOException if a file cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
