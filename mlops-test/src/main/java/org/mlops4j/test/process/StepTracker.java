package org.mlops4j.test.process;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The child side of halt points: counts each step the child reaches, records the latest one where the parent can
 * read it after a kill, and halts the JVM ({@code Runtime.halt(}{@value HaltPoint#EXIT_CODE}{@code )}) at the halt
 * point the parent asked for. Without a halt point it only counts and records.
 *
 * <p>Feed it the steps of the code under test, e.g. {@code StoreSteps.reporting(LocalObjectStore.builder(), tracker.listener())},
 * and the workload's own steps with {@link #reach(String)}. Thread-safe; cheap enough for every write. A workload
 * may reach steps from several threads: once one thread reaches the halt point, no other records a step before the
 * JVM halts, so the last step the parent reads is the halt point.
 *
 * <pre>{@code
 * StepTracker steps = StepTracker.fromSystemProperties();
 * try (LocalObjectStore store = StoreSteps.reporting(LocalObjectStore.builder().root(root), steps.listener()).build()) {
 *     steps.reach("workload.put-content");
 *     store.putContent(in);
 * }
 * }</pre>
 */
public final class StepTracker {
    /** The system property holding the halt point, {@code <step>:<occurrence>}; set by {@link ChildJvm}. */
    public static final String HALT_AT_PROPERTY = "mlops4j.test.haltAt";

    /** The system property holding the path of the step trail file; set by {@link ChildJvm}. */
    public static final String TRAIL_PROPERTY = "mlops4j.test.stepTrail";

    private final @Nullable HaltPoint haltAt;
    private final @Nullable StepTrail trail;
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private StepTracker(@Nullable HaltPoint haltAt, @Nullable StepTrail trail) {
        this.haltAt = haltAt;
        this.trail = trail;
    }

    /**
     * Creates the tracker the parent configured through {@link #HALT_AT_PROPERTY} and {@link #TRAIL_PROPERTY}; both
     * are optional.
     *
     * @return the tracker
     * @throws IllegalArgumentException if the halt point does not parse
     */
    public static StepTracker fromSystemProperties() {
        String halt = System.getProperty(HALT_AT_PROPERTY, "");
        String trail = System.getProperty(TRAIL_PROPERTY, "");
        return new StepTracker(
                halt.isEmpty() ? null : HaltPoint.parse(halt), trail.isEmpty() ? null : StepTrail.open(Path.of(trail)));
    }

    /**
     * Creates a tracker that halts at a point and records nothing; for tests of the tracker itself.
     *
     * @param haltAt where to halt, or {@code null} never to halt
     * @return the tracker
     */
    public static StepTracker haltingAt(@Nullable HaltPoint haltAt) {
        return new StepTracker(haltAt, null);
    }

    /**
     * Notes that the child reached a step; halts the JVM if this is the halt point.
     *
     * @param step the step's name
     */
    public void reach(String step) {
        Objects.requireNonNull(step, "step");
        long occurrence = counts.computeIfAbsent(step, s -> new AtomicLong()).incrementAndGet();
        boolean halt = haltAt != null
                && haltAt.occurrence() == occurrence
                && haltAt.step().equals(step);
        if (trail == null && !halt) {
            return;
        }
        // Under one lock, so that when a workload writes from several threads, none records a later step between
        // the halting thread's record and the halt: the halting thread holds the lock until the JVM is gone.
        synchronized (this) {
            if (trail != null) {
                trail.write(step);
            }
            if (halt) {
                Runtime.getRuntime().halt(HaltPoint.EXIT_CODE);
            }
        }
    }

    /**
     * Returns a listener for code that reports steps with a second argument (a key, a path), such as
     * {@code LocalObjectStore.Builder.stepListener}; the second argument is ignored.
     *
     * @param <T> the type of the second argument
     * @return the listener
     */
    public <T> BiConsumer<String, T> listener() {
        return (step, ignored) -> reach(step);
    }

    /**
     * Returns a listener like {@link #listener()} that reports each step under a phase derived from its second
     * argument, as {@code <phase>/<step>}: e.g. {@code record/record.committed} for a store write whose key is a
     * version record. Crash tests halt at such names to tell apart the same store step in different phases.
     *
     * @param phaseOf the phase of a step's second argument (a store key, a path)
     * @param <T> the type of the second argument
     * @return the listener
     */
    public <T> BiConsumer<String, T> phasedListener(Function<? super T, String> phaseOf) {
        Objects.requireNonNull(phaseOf, "phaseOf");
        return (step, argument) -> reach(phaseOf.apply(argument) + "/" + step);
    }

    /**
     * Returns how often a step was reached.
     *
     * @param step the step's name
     * @return the count
     */
    public long count(String step) {
        AtomicLong count = counts.get(step);
        return count == null ? 0 : count.get();
    }

    @Override
    public String toString() {
        return "StepTracker{haltAt=" + haltAt + ", counts=" + counts + "}";
    }
}
