package org.mlops4j.cli;

/** A failure the command itself detects (a file it cannot read, a reference that resolves to nothing). Exit 1. */
class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with which value, and what to do
     */
    CliException(String message) {
        super(message);
    }

    /**
     * @param message what failed, with which value, and what to do
     * @param cause the cause
     */
    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
