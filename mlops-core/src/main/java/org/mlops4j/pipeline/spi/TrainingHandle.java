package org.mlops4j.pipeline.spi;

import java.util.Objects;

/**
 * A submitted training job, as text its {@link RemoteTrainer} understands again in another process (a job name, a
 * workspace and job name, a URL path). The pipeline journals it ({@code train}/{@code submitted}), so it must hold no
 * secret: never a token or a signed URL.
 *
 * @param value the handle's text: 1..1024 characters, no control characters
 */
public record TrainingHandle(String value) {
    /** The longest handle the journal takes. */
    public static final int MAX_LENGTH = 1024;

    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if it is blank, longer than {@value #MAX_LENGTH} characters or holds a control
     *     character
     */
    public TrainingHandle {
        Objects.requireNonNull(value, "value");
        if (value.isBlank() || value.length() > MAX_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a training job handle is 1.." + MAX_LENGTH
                    + " characters without control characters; the trainer returned '"
                    + value.substring(0, Math.min(value.length(), 80)) + "' (" + value.length() + " characters)");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
