package org.mlops4j.pipeline;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a run ended. String-backed rather than an enum, so that later versions may add states that older readers of a
 * journal keep ({@link #fromString}).
 */
public final class RunStatus {
    /** The challenger became the champion (and was deployed, if the pipeline deploys). */
    public static final RunStatus PROMOTED = new RunStatus("promoted");
    /** The policy rejected the challenger; it is registered, the champion is untouched. */
    public static final RunStatus REJECTED = new RunStatus("rejected");
    /** Not enough evidence; the challenger is registered, the champion is untouched. */
    public static final RunStatus INCONCLUSIVE = new RunStatus("inconclusive");
    /** The challenger became the champion but its deployment rolled back or failed (see the deployment). */
    public static final RunStatus DEPLOYMENT_FAILED = new RunStatus("deployment-failed");
    /** A dry run: nothing was written; the steps say what would happen. */
    public static final RunStatus DRY_RUN = new RunStatus("dry-run");

    private static final RunStatus[] KNOWN = {PROMOTED, REJECTED, INCONCLUSIVE, DEPLOYMENT_FAILED, DRY_RUN};

    private final String value;

    private RunStatus(String value) {
        this.value = value;
    }

    /**
     * Returns the status with this name.
     *
     * @param value the name
     * @return a known constant, or a new status of that name
     */
    public static RunStatus fromString(String value) {
        Objects.requireNonNull(value, "value");
        for (RunStatus known : KNOWN) {
            if (known.value.equals(value.toLowerCase(Locale.ROOT))) {
                return known;
            }
        }
        return new RunStatus(value);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof RunStatus other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
