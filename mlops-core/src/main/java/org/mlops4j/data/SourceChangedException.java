package org.mlops4j.data;

import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;

/**
 * A source file changed while a snapshot read it: it grew, shrank, was rewritten or replaced between the walk that
 * listed it and the end of its read. The snapshot reads at most the size it saw when it listed the file, then compares
 * size and modification time again, as git does, and fails rather than store bytes nobody ever saw together. Nothing
 * of the snapshot becomes a version. Snapshot again when the writers are done.
 */
public class SourceChangedException extends ConflictException {
    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * Creates the exception.
     *
     * @param path the file's path in the snapshot, {@code /}-separated
     * @param message what changed, and what to do
     * @param cause the underlying failure, if any
     */
    public SourceChangedException(String path, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** Returns the file's path in the snapshot. */
    public String getPath() {
        return path;
    }
}
