package org.mlops4j.registry;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.Objects;

/**
 * Options of one alias move: what the caller expects the alias to be now (the compare in compare-and-set), and who
 * moves it, in which run, why. Create one per call.
 *
 * <pre>{@code
 * registry.setAlias("churn", "champion", 7, AliasUpdate.expecting(6).by("retrain-bot").run("run-42").reason("auc +0.8pt"));
 * }</pre>
 */
public final class AliasUpdate {
    private static final long ANY = -1;
    private static final long ABSENT = 0;

    private final long expectedVersion;
    private String by = System.getProperty("user.name", "unknown");
    private String runId = "";
    private String reason = "";

    private AliasUpdate(long expectedVersion) {
        this.expectedVersion = expectedVersion;
    }

    /** Moves the alias whatever it points to now (last writer wins; still recorded in the history). */
    public static AliasUpdate unconditionally() {
        return new AliasUpdate(ANY);
    }

    /** Creates the alias only if it does not exist yet. */
    public static AliasUpdate expectingAbsent() {
        return new AliasUpdate(ABSENT);
    }

    /**
     * Moves the alias only if it points to {@code version} now.
     *
     * @param version the version the caller read
     * @return the options
     * @throws IllegalArgumentException if {@code version < 1}
     */
    public static AliasUpdate expecting(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("an expected version starts at 1, got " + version);
        }
        return new AliasUpdate(version);
    }

    /**
     * Names who moves the alias (default: the {@code user.name} system property).
     *
     * @param actor a person or service
     * @return these options
     */
    @CanIgnoreReturnValue
    public AliasUpdate by(String actor) {
        this.by = Objects.requireNonNull(actor, "actor");
        return this;
    }

    /**
     * Names the pipeline run that moves it.
     *
     * @param runId the run id
     * @return these options
     */
    @CanIgnoreReturnValue
    public AliasUpdate run(String runId) {
        this.runId = Objects.requireNonNull(runId, "runId");
        return this;
    }

    /**
     * Says why.
     *
     * @param reason a short text, e.g. a verdict's summary
     * @return these options
     */
    @CanIgnoreReturnValue
    public AliasUpdate reason(String reason) {
        this.reason = Objects.requireNonNull(reason, "reason");
        return this;
    }

    /** Returns true when any current state is accepted. */
    public boolean isUnconditional() {
        return expectedVersion == ANY;
    }

    /** Returns true when the alias must not exist yet. */
    public boolean expectsAbsent() {
        return expectedVersion == ABSENT;
    }

    /** Returns the version the alias must point to now; meaningful only when neither of the above holds. */
    public long getExpectedVersion() {
        return expectedVersion;
    }

    /** Returns who moves it. */
    public String getBy() {
        return by;
    }

    /** Returns the run id, or empty. */
    public String getRunId() {
        return runId;
    }

    /** Returns the reason, or empty. */
    public String getReason() {
        return reason;
    }

    /**
     * Tells whether the alias's current version satisfies the expectation.
     *
     * @param current the current version, 0 if the alias does not exist
     * @return true if the move may go ahead
     */
    public boolean accepts(long current) {
        return expectedVersion == ANY || expectedVersion == current;
    }

    @Override
    public String toString() {
        String expectation =
                expectedVersion == ANY ? "any" : expectedVersion == ABSENT ? "absent" : "v" + expectedVersion;
        return "AliasUpdate{expecting=" + expectation + ", by=" + by + ", run=" + runId + ", reason=" + reason + "}";
    }
}
