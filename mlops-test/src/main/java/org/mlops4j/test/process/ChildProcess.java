package org.mlops4j.test.process;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A running child JVM, started by {@link ChildJvm#start()}: wait for its output lines or its exit, send it lines,
 * kill it with SIGKILL, and read the last step it reached. Every failure message describes the child: its exit
 * code, its last lines of output and the tail of its standard error.
 *
 * <p>Closing it kills the child if it still runs. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Duration REAP_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_CHARS = 4000;

    private final String id;
    private final Process process;
    private final List<String> command;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final Path trailFile;
    private final Writer stdin;
    private final Thread drainer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private boolean stdoutClosed;

    ChildProcess(String id, Process process, List<String> command, Path stdoutFile, Path stderrFile, Path trailFile) {
        this.id = id;
        this.process = process;
        this.command = List.copyOf(command);
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.trailFile = trailFile;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.drainer = new Thread(this::drainStdout, "child-stdout-" + id);
        drainer.setDaemon(true);
        drainer.start();
    }

    private void drainStdout() {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(stdoutFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                lock.lock();
                try {
                    lines.add(line);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // the child is gone or the stream was closed by close(); what was read is kept
        } finally {
            lock.lock();
            try {
                stdoutClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Returns the child's name and start number, as in its output files' names. */
    public String getId() {
        return id;
    }

    /** Returns the child's process id. */
    public long getPid() {
        return process.pid();
    }

    /** Returns the file with the child's standard output. */
    public Path getStdoutFile() {
        return stdoutFile;
    }

    /**
     * Returns the lines the child wrote with {@link ParentChannel#reportAndExit}.
     *
     * @return the lines
     * @throws AssertionError if the child wrote none (no file)
     */
    public List<String> readReportedLines() {
        Path file = linesFileBeside(trailFile);
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new AssertionError("child " + id + " reported no lines (no " + file + "); " + describe(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Returns the lines file of a start, next to its step trail. */
    static Path linesFileBeside(Path trailFile) {
        String name = trailFile.getFileName().toString();
        return trailFile.resolveSibling(name.substring(0, name.length() - ".steps".length()) + ".lines");
    }

    /** Returns the file with the child's standard error. */
    public Path getStderrFile() {
        return stderrFile;
    }

    /** Returns true while the child runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the first line of standard output (so far or to come) that matches.
     *
     * @param matcher the test a line must pass
     * @param description what is awaited, for the failure message
     * @param timeout how long to wait
     * @return the line
     * @throws AssertionError if the child's output ends, or the time runs out, before such a line
     */
    public String awaitLine(Predicate<String> matcher, String description, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        lock.lock();
        try {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (matcher.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                if (stdoutClosed) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "child " + id + " printed no " + description + " within " + timeout + "; " + describe());
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + description + " from child " + id, e);
        } finally {
            lock.unlock();
        }
        var unused = waitFor(REAP_TIMEOUT);
        throw new AssertionError("child " + id + " ended its output without printing " + description
                + "; it could not start or it failed; " + describe());
    }

    /**
     * Waits for the first line that starts with a prefix.
     *
     * @param prefix the prefix
     * @param timeout how long to wait
     * @return the line
     * @throws AssertionError if no such line comes in time
     */
    public String awaitLineStartingWith(String prefix, Duration timeout) {
        return awaitLine(line -> line.startsWith(prefix), "line starting with '" + prefix + "'", timeout);
    }

    /**
     * Waits for the child's {@link ParentChannel#READY} line.
     *
     * @param timeout how long to wait
     * @throws AssertionError if the child dies or the time runs out first
     */
    public void awaitReady(Duration timeout) {
        var unused = awaitLine(ParentChannel.READY::equals, "'" + ParentChannel.READY + "' line", timeout);
    }

    /**
     * Sends a line to the child's standard input ({@link ParentChannel#awaitLine(Duration)}).
     *
     * @param line the line, without a line break
     * @throws AssertionError if the child no longer reads its input
     */
    public void send(String line) {
        Objects.requireNonNull(line, "line");
        try {
            synchronized (stdin) {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot send '" + line + "' to child " + id + ": " + e + "; " + describe(), e);
        }
    }

    /**
     * Closes the child's standard input, as the death of the parent would; a child with a {@link ParentChannel}
     * halts with {@link ParentChannel#ORPHAN_EXIT_CODE}.
     */
    public void closeInput() {
        try {
            synchronized (stdin) {
                stdin.close();
            }
        } catch (IOException e) {
            // the child is gone already
        }
    }

    /**
     * Waits for the child to exit, at most {@code timeout}; a kill delay may use this instead of a sleep.
     *
     * @param timeout how long to wait
     * @return true if the child has exited
     */
    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + id, e);
        }
    }

    /**
     * Waits for the child to exit by itself.
     *
     * @param timeout how long to wait
     * @return its exit code
     * @throws AssertionError if it still runs after {@code timeout}; it is killed then
     */
    public int awaitExit(Duration timeout) {
        if (!waitFor(timeout)) {
            int code = kill();
            throw new AssertionError("child " + id + " did not exit within " + timeout + " and was killed (exit " + code
                    + "); " + describe());
        }
        awaitStdoutDrained();
        return process.exitValue();
    }

    /**
     * Kills the child with SIGKILL ({@link Process#destroyForcibly()} on Linux and macOS) and waits until it is
     * gone.
     *
     * @return its exit code: 137 (128 + 9) if the kill ended it, or the code it exited with before
     * @throws AssertionError if it is still not gone after 30 seconds
     */
    public int kill() {
        process.destroyForcibly();
        if (!waitFor(REAP_TIMEOUT)) {
            throw new AssertionError("child " + id + " survived SIGKILL for " + REAP_TIMEOUT + "; " + describe());
        }
        awaitStdoutDrained();
        return process.exitValue();
    }

    private void awaitStdoutDrained() {
        try {
            drainer.join(REAP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns the lines of standard output read so far. */
    public List<String> getStdoutLines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** Returns the child's standard error so far. */
    public String getStderr() {
        try {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stderrFile, e);
        }
    }

    /**
     * Returns the last step the child reached, as recorded by its {@link StepTracker}; readable after a SIGKILL.
     *
     * @return the step, or empty if the child reached none (or tracks none)
     */
    public Optional<String> findLastStep() {
        return StepTrail.read(trailFile);
    }

    /** Returns a description for failure messages: exit code, command, last output lines, stderr tail. */
    public String describe() {
        String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
        List<String> out = getStdoutLines();
        List<String> lastOut = out.subList(Math.max(0, out.size() - 20), out.size());
        String err = getStderr();
        String errTail = err.length() > TAIL_CHARS ? "…" + err.substring(err.length() - TAIL_CHARS) : err;
        return "child " + id + " (pid " + process.pid() + ", " + exit + ")\n  command: " + String.join(" ", command)
                + "\n  last stdout lines: " + lastOut + "\n  stderr (" + stderrFile + "):\n" + errTail.indent(4);
    }

    /** Kills the child if it still runs, and releases its streams. */
    @Override
    public void close() {
        if (process.isAlive()) {
            var unused = kill();
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // the child is gone; nothing to flush
        }
        awaitStdoutDrained();
    }

    @Override
    public String toString() {
        return "ChildProcess{id=" + id + ", pid=" + process.pid() + ", alive=" + process.isAlive() + "}";
    }
}
