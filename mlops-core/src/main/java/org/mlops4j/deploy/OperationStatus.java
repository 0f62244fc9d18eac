package org.mlops4j.deploy;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a deployment operation is. A string-backed value rather than an enum: remote backends may report states this
 * version does not know, and {@link #fromString} keeps them.
 */
public final class OperationStatus {
    /** Accepted, nothing changed yet. */
    public static final OperationStatus NOT_STARTED = new OperationStatus("NotStarted", false);
    /** Traffic is moving or a gate is watching. */
    public static final OperationStatus IN_PROGRESS = new OperationStatus("InProgress", false);
    /** The new version is live as planned. */
    public static final OperationStatus SUCCEEDED = new OperationStatus("Succeeded", true);
    /** A health gate failed and the previous state was restored. */
    public static final OperationStatus ROLLED_BACK = new OperationStatus("RolledBack", true);
    /** The operation could not be carried out; the previous state is live. */
    public static final OperationStatus FAILED = new OperationStatus("Failed", true);

    private final String value;
    private final boolean terminal;

    private OperationStatus(String value, boolean terminal) {
        this.value = value;
        this.terminal = terminal;
    }

    /**
     * Returns the status with this name, the known constants first (case-insensitive).
     *
     * @param value the status's name
     * @return the status; an unknown name gives a non-terminal status of that name
     */
    public static OperationStatus fromString(String value) {
        Objects.requireNonNull(value, "value");
        for (OperationStatus known : new OperationStatus[] {NOT_STARTED, IN_PROGRESS, SUCCEEDED, ROLLED_BACK, FAILED}) {
            if (known.value.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return known;
            }
        }
        return new OperationStatus(value, false);
    }

    /** Returns whether the operation has ended (succeeded, rolled back or failed). */
    public boolean isTerminal() {
        return terminal;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof OperationStatus other && other.value.equals(value);
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
