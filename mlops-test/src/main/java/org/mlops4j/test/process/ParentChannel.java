package org.mlops4j.test.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child side of the link to the parent: lines on standard output go to the parent ({@link #ready()},
 * {@link #send(String)}), lines the parent sends arrive on standard input ({@link #awaitLine(Duration)}).
 *
 * <p>When the parent dies, standard input ends and the child halts with {@value #ORPHAN_EXIT_CODE}: a crash workload
 * that loops until it is killed never outlives its test. Open it once, first thing in {@code main}. Thread-safe.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     ParentChannel parent = ParentChannel.open();
 *     // ... set up
 *     parent.ready();
 *     parent.awaitLine("GO", Duration.ofMinutes(1));
 *     // ... work
 *     parent.send("RESULT allocations=" + n);
 * }
 * }</pre>
 */
public final class ParentChannel {
    /** The line a child prints once it is set up; {@link ChildProcess#awaitReady(Duration)} waits for it. */
    public static final String READY = "READY";

    /** The start of the one line a child of a {@link ChildGroup#race race} sends with its figures. */
    public static final String RESULT_PREFIX = "RESULT ";

    /** The system property naming the file {@link #reportAndExit} writes; set by {@link ChildJvm}. */
    public static final String LINES_FILE_PROPERTY = "mlops4j.test.linesFile";

    /** The exit code of a child whose parent went away. */
    public static final int ORPHAN_EXIT_CODE = 112;

    private final LinkedBlockingQueue<String> incoming = new LinkedBlockingQueue<>();

    private ParentChannel() {}

    /**
     * Starts listening to the parent on standard input.
     *
     * @return the channel
     */
    public static ParentChannel open() {
        ParentChannel channel = new ParentChannel();
        Thread reader = new Thread(channel::readStdin, "parent-channel");
        reader.setDaemon(true);
        reader.start();
        return channel;
    }

    private void readStdin() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                incoming.add(line);
            }
        } catch (IOException e) {
            // the parent is gone either way
        }
        Runtime.getRuntime().halt(ORPHAN_EXIT_CODE);
    }

    /** Tells the parent that the child is set up. */
    public void ready() {
        send(READY);
    }

    /**
     * Sends a line to the parent.
     *
     * @param line the line, without a line break
     */
    public void send(String line) {
        Objects.requireNonNull(line, "line");
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /**
     * Waits for the parent's next line.
     *
     * @param timeout how long to wait
     * @return the line
     * @throws IllegalStateException if no line came in time
     */
    public String awaitLine(Duration timeout) {
        try {
            String line = incoming.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("the parent sent nothing within " + timeout);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the parent", e);
        }
    }

    /**
     * Waits for the parent's {@value ChildGroup#GO}, which starts a race; at most two minutes.
     *
     * @throws IllegalStateException if another line came, or none in time
     */
    public void awaitGo() {
        awaitLine(ChildGroup.GO, Duration.ofMinutes(2));
    }

    /**
     * Ends a race child: writes its lines to the file the parent reads them from
     * ({@link ChildProcess#readReportedLines()}), sends the parent {@code RESULT <fields>} and exits the JVM with 0.
     *
     * @param lines the lines, e.g. from {@link WorkerThreads#runAll}
     * @param fields the figures, {@code <field>=<value>} separated by spaces, which {@link ChildGroup.RaceResults#sum}
     *     adds up
     * @throws UncheckedIOException if the file cannot be written
     * @throws IllegalStateException if the child was not started by a {@link ChildJvm}
     */
    public void reportAndExit(List<String> lines, String fields) {
        String file = System.getProperty(LINES_FILE_PROPERTY, "");
        if (file.isEmpty()) {
            throw new IllegalStateException(
                    "no lines file: -D" + LINES_FILE_PROPERTY + " is not set; start the child with ChildJvm");
        }
        Path linesFile = Path.of(file);
        try {
            Files.write(linesFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + linesFile, e);
        }
        send(RESULT_PREFIX + fields);
        // Exit now: the code under test may have left non-daemon threads behind.
        System.exit(0);
    }

    /**
     * Waits for a given line from the parent.
     *
     * @param expected the line
     * @param timeout how long to wait
     * @throws IllegalStateException if another line came, or none in time
     */
    public void awaitLine(String expected, Duration timeout) {
        String line = awaitLine(timeout);
        if (!line.equals(expected)) {
            throw new IllegalStateException("expected '" + expected + "' from the parent, got '" + line + "'");
        }
    }
}
