package org.mlops4j.test.process;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs a crash workload again and again, ending each child as planned, and checks the survivors' state after each
 * death: the loop driver of crash tests.
 *
 * <p>For each {@link KillPlan} it starts the child that {@link Builder#child} describes for that plan, then:
 *
 * <ul>
 *   <li>{@link KillPlan.Halt}: waits for the child to halt itself (exit code {@value HaltPoint#EXIT_CODE}) and
 *       checks that its last step is the planned one;
 *   <li>{@link KillPlan.Sigkill}: waits for its {@link ParentChannel#READY} line, waits the delay (on the process,
 *       not in a sleep) and kills it with SIGKILL; the child must not exit by itself before that.
 * </ul>
 *
 * <p>Where the child died is counted in a {@link KillHistogram} (a SIGKILL lands after the last step the child's
 * {@link StepTracker} recorded), and {@link Builder#afterEach} then checks the state it left. Not thread-safe; one
 * loop per test.
 *
 * <pre>{@code
 * long seed = CrashLoop.seed("mlops4j.crash.seed", "store crash test");
 * List<KillPlan> plans = new KillPlans(new Random(seed)).halts(steps, 3).sigkills(10, maxDelay).shuffled();
 * KillHistogram histogram = CrashLoop.builder()
 *         .child(plan -> ChildJvm.builder(Workload.class).outputDirectory(dir).haltAsPlanned(plan).build())
 *         .afterEach(outcome -> assertStoreIsClean(outcome))
 *         .report("store crash test", System.out)
 *         .build()
 *         .run(plans);
 * }</pre>
 */
public final class CrashLoop {
    /** The place of a SIGKILL that landed before the child reached any step. */
    public static final String NO_STEP = "(before any step)";

    /** The histogram column of halts. */
    public static final String HALT = "halt";

    /** The histogram column of SIGKILLs. */
    public static final String SIGKILL = "SIGKILL";

    private final Function<KillPlan, ChildJvm> child;
    private final Consumer<KillOutcome> afterEach;
    private final Duration startTimeout;
    private final Duration haltTimeout;
    private final @Nullable PrintStream log;
    private final @Nullable String reportTitle;
    private final @Nullable PrintStream report;

    private CrashLoop(Builder builder, Function<KillPlan, ChildJvm> child) {
        this.child = child;
        this.afterEach = builder.afterEach;
        this.startTimeout = builder.startTimeout;
        this.haltTimeout = builder.haltTimeout;
        this.log = builder.log;
        this.reportTitle = builder.reportTitle;
        this.report = builder.report;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the seed of a crash test's random choices and prints it as the option that replays the run: the value
     * of a system property if it is set, a fresh one otherwise.
     *
     * @param property the system property, e.g. {@code mlops4j.crash.seed}
     * @param testName the test's name in the printed line
     * @return the seed (a property that is not a number is ignored, as by {@link Long#getLong})
     */
    public static long seed(String property, String testName) {
        long seed = Long.getLong(property, System.nanoTime());
        System.out.println(testName + " seed: -D" + property + "=" + seed);
        return seed;
    }

    /**
     * Runs one child per plan, in order.
     *
     * @param plans how each child ends
     * @return where the kills landed
     * @throws AssertionError if a child fails to start, exits by itself, halts elsewhere than planned, or
     *     {@code afterEach} finds a problem; the message describes the child and the iteration
     */
    public KillHistogram run(List<KillPlan> plans) {
        long started = System.nanoTime();
        KillHistogram histogram = new KillHistogram();
        for (int i = 0; i < plans.size(); i++) {
            KillPlan plan = plans.get(i);
            KillOutcome outcome = runOne(i, plan);
            histogram.record(outcome.landedAt(), outcome.isHalt() ? HALT : SIGKILL);
            if (log != null) {
                log.printf(
                        "crash loop %d/%d: %s -> died after %s (exit %d)%n",
                        i + 1, plans.size(), plan, outcome.landedAt(), outcome.exitCode());
            }
            try {
                afterEach.accept(outcome);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "the check after iteration " + i + " (" + plan + ", died after " + outcome.landedAt()
                                + ") failed: " + e.getMessage() + "\n  child output: " + outcome.stdout() + ", "
                                + outcome.stderr(),
                        e);
            }
        }
        if (report != null) {
            report.printf(
                    Locale.ROOT,
                    "%s: %d deaths (%d halts, %d SIGKILLs) in %.1f s%n%s",
                    reportTitle,
                    histogram.total(),
                    histogram.countOf(HALT),
                    histogram.countOf(SIGKILL),
                    (System.nanoTime() - started) / 1e9,
                    histogram.toTable());
        }
        return histogram;
    }

    private KillOutcome runOne(int iteration, KillPlan plan) {
        ChildJvm jvm = child.apply(plan);
        try (ChildProcess process = jvm.start()) {
            int exit;
            String landedAt;
            if (plan instanceof KillPlan.Halt halt) {
                exit = process.awaitExit(haltTimeout);
                landedAt = process.findLastStep().orElse(NO_STEP);
                if (exit != HaltPoint.EXIT_CODE) {
                    throw new AssertionError("iteration " + iteration + ": the child was to halt at " + halt.point()
                            + " (exit code " + HaltPoint.EXIT_CODE + ") but exited with " + exit
                            + "; does the workload feed its steps to StepTracker.fromSystemProperties() and loop"
                            + " long enough?; " + process.describe());
                }
                if (!landedAt.equals(halt.point().step())) {
                    throw new AssertionError("iteration " + iteration + ": the child halted, but its last step was "
                            + landedAt + ", not " + halt.point().step() + "; " + process.describe());
                }
            } else if (plan instanceof KillPlan.Sigkill sigkill) {
                process.awaitReady(startTimeout);
                if (process.waitFor(sigkill.delay())) {
                    throw new AssertionError("iteration " + iteration + ": the child exited by itself before the"
                            + " planned " + plan + "; a crash workload must run until it is killed; "
                            + process.describe());
                }
                exit = process.kill();
                landedAt = process.findLastStep().orElse(NO_STEP);
            } else {
                throw new IllegalArgumentException("unknown kill plan " + plan);
            }
            return new KillOutcome(iteration, plan, landedAt, exit, process.getStdoutFile(), process.getStderrFile());
        }
    }

    @Override
    public String toString() {
        return "CrashLoop{startTimeout=" + startTimeout + ", haltTimeout=" + haltTimeout + "}";
    }

    /** Configures a {@link CrashLoop}. */
    public static final class Builder {
        private @Nullable Function<KillPlan, ChildJvm> child;
        private Consumer<KillOutcome> afterEach = outcome -> {};
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration haltTimeout = Duration.ofSeconds(120);
        private @Nullable PrintStream log;
        private @Nullable String reportTitle;
        private @Nullable PrintStream report;

        private Builder() {}

        /**
         * Describes the child for each plan (required); a plan that is a {@link KillPlan.Halt} needs a child
         * configured with {@link ChildJvm.Builder#haltAt}.
         *
         * @param child the plan → child function
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder child(Function<KillPlan, ChildJvm> child) {
            this.child = Objects.requireNonNull(child, "child");
            return this;
        }

        /**
         * Checks the state a dead child left, after each iteration; throw (or fail an assertion) to stop the loop.
         *
         * @param afterEach the check
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder afterEach(Consumer<KillOutcome> afterEach) {
            this.afterEach = Objects.requireNonNull(afterEach, "afterEach");
            return this;
        }

        /**
         * Sets how long a child may take to print its ready line; 60 seconds by default.
         *
         * @param timeout the time
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = requirePositive(timeout, "startTimeout");
            return this;
        }

        /**
         * Sets how long a child may take to reach its halt point; 120 seconds by default.
         *
         * @param timeout the time
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder haltTimeout(Duration timeout) {
            this.haltTimeout = requirePositive(timeout, "haltTimeout");
            return this;
        }

        /**
         * Prints one line per iteration to a stream.
         *
         * @param log the stream, e.g. {@code System.out}
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder log(PrintStream log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * Prints, after the last iteration, a line {@code <title>: <n> deaths (<h> halts, <k> SIGKILLs) in <t> s}
         * and the {@link KillHistogram#toTable() table} of where the kills landed: a crash test's acceptance figures.
         *
         * @param title the test's name
         * @param out the stream, e.g. {@code System.out}
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder report(String title, PrintStream out) {
            this.reportTitle = Objects.requireNonNull(title, "title");
            this.report = Objects.requireNonNull(out, "out");
            return this;
        }

        private static Duration requirePositive(Duration timeout, String name) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + timeout);
            }
            return timeout;
        }

        /**
         * Creates the loop.
         *
         * @return the loop
         * @throws IllegalStateException if no child was described
         */
        public CrashLoop build() {
            if (child == null) {
                throw new IllegalStateException("child is required: CrashLoop.builder().child(plan -> jvm).build()");
            }
            return new CrashLoop(this, child);
        }
    }
}
