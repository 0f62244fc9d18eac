package org.mlops4j.pipeline.spi;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a training job is. String-backed rather than an enum: backends report states this version does not know, and
 * {@link #fromString} keeps them as states that have not ended.
 */
public final class TrainingStatus {
    /** Accepted, waiting for compute. */
    public static final TrainingStatus QUEUED = new TrainingStatus("Queued", false);
    /** Training. */
    public static final TrainingStatus RUNNING = new TrainingStatus("Running", false);
    /** Ended with artifacts to fetch. */
    public static final TrainingStatus SUCCEEDED = new TrainingStatus("Succeeded", true);
    /** Ended without artifacts; the job's detail says why. */
    public static final TrainingStatus FAILED = new TrainingStatus("Failed", true);
    /** Stopped by someone before it ended. */
    public static final TrainingStatus CANCELED = new TrainingStatus("Canceled", true);

    private static final List<TrainingStatus> KNOWN = List.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED);

    private final String value;
    private final boolean ended;

    private TrainingStatus(String value, boolean ended) {
        this.value = value;
        this.ended = ended;
    }

    /**
     * Returns the status with this name, a known constant first (case-insensitive).
     *
     * @param value the status's name
     * @return the status; an unknown name gives a status of that name that has not ended
     * @throws IllegalArgumentException if the name is blank
     */
    public static TrainingStatus fromString(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a training status has a name, got blank");
        }
        return KNOWN.stream()
                .filter(known -> known.value.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseGet(() -> new TrainingStatus(value, false));
    }

    /** Returns whether the job has ended (succeeded, failed or canceled): polling it again changes nothing. */
    public boolean isEnded() {
        return ended;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TrainingStatus other && other.value.equals(value);
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
