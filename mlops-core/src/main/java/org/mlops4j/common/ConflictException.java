package org.mlops4j.common;

import org.jspecify.annotations.Nullable;

/**
 * A concurrent writer won: a create found the key taken, or a compare-and-set found another tag. Re-read and decide again.
 */
public class ConflictException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with which value, and what to do
     */
    public ConflictException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed, with which value, and what to do
     * @param cause the underlying failure
     */
    public ConflictException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
