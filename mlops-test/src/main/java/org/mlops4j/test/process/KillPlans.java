package org.mlops4j.test.process;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * Draws the kill plans of a crash test from one seeded {@link Random}: halts at named steps, each at a random
 * occurrence, and SIGKILLs after random delays, in a shuffled order. The same seed gives the same plans: steps are
 * drawn for in sorted order and the list is sorted before it is shuffled, so the order of a hash map does not matter.
 * Not thread-safe.
 *
 * <pre>{@code
 * List<KillPlan> plans = new KillPlans(random)
 *         .halts(Map.of("record.committed", 4, "pointer.moved", 2), 3)
 *         .sigkills(16, Duration.ofMillis(700))
 *         .shuffled();
 * }</pre>
 */
public final class KillPlans {
    private final Random random;
    private final List<KillPlan> plans = new ArrayList<>();

    /**
     * Starts an empty list.
     *
     * @param random the seeded source of every draw
     */
    public KillPlans(Random random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Adds halts at one step, each at an occurrence drawn from 1..{@code maxOccurrence}.
     *
     * @param step the step's name
     * @param maxOccurrence the highest occurrence to draw, from 1
     * @param count how many halts
     * @return this list
     * @throws IllegalArgumentException if {@code maxOccurrence} is below 1 or {@code count} is negative
     */
    @CanIgnoreReturnValue
    public KillPlans halts(String step, int maxOccurrence, int count) {
        Objects.requireNonNull(step, "step");
        if (maxOccurrence < 1 || count < 0) {
            throw new IllegalArgumentException(
                    "halts need maxOccurrence >= 1 and count >= 0, got " + maxOccurrence + " and " + count);
        }
        for (int i = 0; i < count; i++) {
            plans.add(KillPlan.halt(step, 1 + random.nextInt(maxOccurrence)));
        }
        return this;
    }

    /**
     * Adds {@code countPerStep} halts at each step of a map, in the steps' sorted order.
     *
     * @param maxOccurrenceByStep each step with the highest occurrence to draw for it
     * @param countPerStep how many halts per step
     * @return this list
     */
    @CanIgnoreReturnValue
    public KillPlans halts(Map<String, Integer> maxOccurrenceByStep, int countPerStep) {
        new TreeMap<>(maxOccurrenceByStep).forEach((step, max) -> halts(step, max, countPerStep));
        return this;
    }

    /**
     * Adds SIGKILLs, each after a delay drawn from 0..{@code maxDelay} (whole milliseconds).
     *
     * @param count how many
     * @param maxDelay the longest delay after the child's ready line
     * @return this list
     */
    @CanIgnoreReturnValue
    public KillPlans sigkills(int count, Duration maxDelay) {
        int maxMillis = Math.toIntExact(maxDelay.toMillis());
        for (int i = 0; i < count; i++) {
            plans.add(KillPlan.sigkillAfter(Duration.ofMillis(random.nextInt(maxMillis + 1))));
        }
        return this;
    }

    /**
     * Returns the plans in an order drawn from the random source.
     *
     * @return a new list
     */
    public List<KillPlan> shuffled() {
        List<KillPlan> out = new ArrayList<>(plans);
        out.sort(Comparator.comparing(KillPlan::toString));
        Collections.shuffle(out, random);
        return out;
    }

    @Override
    public String toString() {
        return "KillPlans{" + plans.size() + " plans}";
    }
}
