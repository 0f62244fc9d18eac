package org.mlops4j.common;

import org.jspecify.annotations.Nullable;

/**
 * A {@code get…} call named something that does not exist; {@code find…} calls return an empty {@code Optional} instead.
 */
public class NotFoundException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with which value, and what to do
     */
    public NotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed, with which value, and what to do
     * @param cause the underlying failure
     */
    public NotFoundException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
