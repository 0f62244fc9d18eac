package org.mlops4j.common;

import org.jspecify.annotations.Nullable;

/**
 * Stored bytes do not match their digest, or a record breaks the lake format: the data must not be trusted.
 */
public class IntegrityException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with which value, and what to do
     */
    public IntegrityException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed, with which value, and what to do
     * @param cause the underlying failure
     */
    public IntegrityException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
