package org.mlops4j.test.process;

import java.util.Objects;

/**
 * Where a child JVM halts itself: at the {@code occurrence}-th time it reaches {@code step}. Written
 * {@code <step>:<occurrence>}, e.g. {@code record.committed:3}; the step is any name a {@link StepTracker} is told
 * about, such as a {@code StoreSteps.STEP_*} constant.
 *
 * @param step the step's name
 * @param occurrence which time the step is reached, from 1
 */
public record HaltPoint(String step, long occurrence) {
    /**
     * The exit code of a child that halted at its halt point. It differs from 137 (128 + SIGKILL), so a parent can
     * tell a halt from a kill or an out-of-memory kill.
     */
    public static final int EXIT_CODE = 113;

    /**
     * Validates the point.
     *
     * @throws IllegalArgumentException if the step is blank or contains ':', or the occurrence is below 1
     */
    public HaltPoint {
        Objects.requireNonNull(step, "step");
        if (step.isBlank() || step.contains(":")) {
            throw new IllegalArgumentException("a halt step must be a non-blank name without ':', got '" + step + "'");
        }
        if (occurrence < 1) {
            throw new IllegalArgumentException("a halt occurrence counts from 1, got " + occurrence);
        }
    }

    /**
     * Parses {@code <step>:<occurrence>}.
     *
     * @param text the text
     * @return the point
     * @throws IllegalArgumentException if the text is not of that form
     */
    public static HaltPoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a halt point is '<step>:<occurrence>', got '" + text + "'");
        }
        long occurrence;
        try {
            occurrence = Long.parseLong(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "a halt point is '<step>:<occurrence>' with a whole number, got '" + text + "'", e);
        }
        return new HaltPoint(text.substring(0, colon), occurrence);
    }

    @Override
    public String toString() {
        return step + ":" + occurrence;
    }
}
