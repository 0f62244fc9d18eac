package org.mlops4j.common;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception that MLOps4J throws for a failed operation (not for a bad argument: those are the
 * JDK's own {@link IllegalArgumentException}, {@link NullPointerException} and {@link IllegalStateException}).
 *
 * <p>Messages say what failed, with which value, and what to do next. They never contain secrets.
 */
public class MlopsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, with which value, and what to do
     */
    public MlopsException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed, with which value, and what to do
     * @param cause the underlying failure, kept for diagnosis
     */
    public MlopsException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Says whether the same call may succeed if tried again later, unchanged: a timeout, a dropped connection, a
     * throttled or briefly unavailable backend. The one retry policy retries idempotent calls only on such failures.
     *
     * @return {@code false} here; the storage and service exceptions answer for their cause
     */
    public boolean isTransient() {
        return false;
    }
}
