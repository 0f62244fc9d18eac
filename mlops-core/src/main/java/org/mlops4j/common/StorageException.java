package org.mlops4j.common;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reading or writing a store failed: a local file system or a remote object store, at an I/O level below any answer
 * from a service (a full disk, a denied permission, a dropped connection). It says whether the failure is transient
 * ({@link #isTransient()}): a dropped connection or a timeout is, a full disk or a denied permission is not.
 */
public class StorageException extends MlopsException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    /**
     * Creates the exception.
     *
     * @param message what failed, on which key or path, and what to do
     * @param transientFailure whether the same call may succeed when tried again unchanged
     * @param cause the underlying failure, if any
     */
    public StorageException(String message, boolean transientFailure, @Nullable Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /**
     * Wraps an I/O failure, judging from its type whether it is transient: timeouts, interrupted and refused or reset
     * connections are; file-system errors (missing file, denied access, no space) are not.
     *
     * @param message what failed, on which key or path, and what to do
     * @param cause the I/O failure
     * @return the exception, to throw
     */
    public static StorageException of(String message, IOException cause) {
        Objects.requireNonNull(cause, "cause");
        return new StorageException(message, isTransient(cause), cause);
    }

    private static boolean isTransient(IOException e) {
        return e instanceof InterruptedIOException // includes SocketTimeoutException
                || e instanceof HttpTimeoutException
                || e instanceof ConnectException
                || e instanceof SocketException;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
