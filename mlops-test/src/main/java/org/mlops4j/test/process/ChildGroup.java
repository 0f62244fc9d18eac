package org.mlops4j.test.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The parent side of a concurrency test: children started together, each awaited until it is set up, then released at
 * the same moment. Closing the group kills the children that still run. Not thread-safe; one group per test.
 *
 * <p>The race protocol ({@link #race}): the parent sends {@value #GO} to every child, each child does its work,
 * prints one {@code RESULT <field>=<value> …} line ({@link ParentChannel#reportAndExit}) and exits 0.
 *
 * <pre>{@code
 * RaceResults results = ChildGroup.race(2, p -> writer(p), Duration.ofMinutes(1), Duration.ofMinutes(2));
 * long allocations = results.sum("allocations");
 * List<String> allocated = results.reportedLines();
 * }</pre>
 */
public final class ChildGroup implements AutoCloseable {
    /** The line that starts the race in every child. */
    public static final String GO = "GO";

    private final List<ChildProcess> children;

    private ChildGroup(List<ChildProcess> children) {
        this.children = children;
    }

    /**
     * Starts children in order and waits until each has printed its {@link ParentChannel#READY} line.
     *
     * @param jvms the children
     * @param startTimeout how long each may take to be ready
     * @return the group of running children
     * @throws AssertionError if a child fails to start or dies first; every child started is killed then
     */
    public static ChildGroup startReady(List<ChildJvm> jvms, Duration startTimeout) {
        ChildGroup group = new ChildGroup(new ArrayList<>());
        try {
            for (ChildJvm jvm : jvms) {
                group.children.add(jvm.start());
            }
            for (ChildProcess child : group.children) {
                child.awaitReady(startTimeout);
            }
            return group;
        } catch (AssertionError | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /**
     * Runs a whole race: starts {@code count} children, waits until all are ready, then {@link #race races} them.
     *
     * @param count how many children
     * @param child describes child {@code p}, from 0
     * @param startTimeout how long each may take to be ready
     * @param runTimeout how long each may take after {@value #GO}
     * @return what the children reported
     * @throws AssertionError if a child fails; every child is killed then
     */
    public static RaceResults race(int count, IntFunction<ChildJvm> child, Duration startTimeout, Duration runTimeout) {
        List<ChildJvm> jvms = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            jvms.add(child.apply(p));
        }
        try (ChildGroup children = startReady(jvms, startTimeout)) {
            return children.race(runTimeout);
        }
    }

    /** Returns how many children there are. */
    public int size() {
        return children.size();
    }

    /**
     * Returns a child.
     *
     * @param index its place in the list given to {@link #startReady}, from 0
     * @return the child
     */
    public ChildProcess get(int index) {
        return children.get(index);
    }

    /**
     * Waits for every child to exit with 0.
     *
     * @param timeout how long each may take
     * @throws AssertionError if a child exits otherwise or runs too long; the message describes it
     */
    public void awaitCleanExits(Duration timeout) {
        for (ChildProcess child : children) {
            int exit = child.awaitExit(timeout);
            if (exit != 0) {
                throw new AssertionError("child exited with " + exit + " instead of 0: " + child.describe());
            }
        }
    }

    /**
     * Runs the race: sends {@value #GO} to every child, waits for each to exit 0, and collects each one's
     * {@code RESULT} line.
     *
     * @param runTimeout how long each child may take after {@value #GO}
     * @return the result lines and reported lines, in the children's order, and the time from {@value #GO} to the
     *     last exit
     * @throws AssertionError if a child fails, runs too long or prints no result line
     */
    public RaceResults race(Duration runTimeout) {
        long started = System.nanoTime();
        for (ChildProcess child : children) {
            child.send(GO);
        }
        awaitCleanExits(runTimeout);
        List<String> results = new ArrayList<>();
        List<String> reported = new ArrayList<>();
        for (ChildProcess child : children) {
            // The child printed it before it exited: no wait beyond the drained output.
            results.add(child.awaitLineStartingWith(ParentChannel.RESULT_PREFIX, Duration.ofSeconds(10)));
            reported.addAll(child.readReportedLines());
        }
        return new RaceResults(results, reported, Duration.ofNanos(System.nanoTime() - started));
    }

    /** Kills the children that still run. */
    @Override
    public void close() {
        children.forEach(ChildProcess::close);
    }

    @Override
    public String toString() {
        return "ChildGroup" + children;
    }

    /**
     * What the children of a race reported.
     *
     * @param results each child's {@code RESULT <field>=<value> …} line, in the children's order
     * @param reportedLines the lines the children wrote with {@link ParentChannel#reportAndExit}, child after child
     * @param elapsed the time from {@value ChildGroup#GO} until the last child exited
     */
    public record RaceResults(List<String> results, List<String> reportedLines, Duration elapsed) {
        /** Copies the lines. */
        public RaceResults {
            results = List.copyOf(results);
            reportedLines = List.copyOf(reportedLines);
            Objects.requireNonNull(elapsed, "elapsed");
        }

        /**
         * Sums a field over the children's result lines.
         *
         * @param field the field's name, as in {@code <field>=<value>}
         * @return the sum
         * @throws AssertionError if a line lacks the field
         * @throws NumberFormatException if a value is not a whole number
         */
        public long sum(String field) {
            long total = 0;
            for (String line : results) {
                boolean found = false;
                for (String part :
                        line.substring(ParentChannel.RESULT_PREFIX.length()).split(" ")) {
                    if (part.startsWith(field + "=")) {
                        total += Long.parseLong(part.substring(field.length() + 1));
                        found = true;
                    }
                }
                if (!found) {
                    throw new AssertionError("no field " + field + " in the child's result line '" + line + "'");
                }
            }
            return total;
        }

        /** Returns the elapsed time in seconds, for printed figures. */
        public double seconds() {
            return elapsed.toNanos() / 1e9;
        }
    }
}
