package org.mlops4j.data;

import org.mlops4j.common.MlopsException;

/**
 * A file name or path that MLOps4J will not store or write: {@code ..}, an absolute path, NUL or another control
 * character, a name that is not valid UTF-8 in NFC, a symbolic link that leaves the dataset's directory, or names
 * that would collide on a case-insensitive filesystem. The message names the path and says what to change.
 */
public class UnsafePathException extends MlopsException {
    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * Creates the exception.
     *
     * @param path the offending path, as given
     * @param problem what is wrong and what to do
     */
    public UnsafePathException(String path, String problem) {
        super("unsafe path '" + printable(path) + "': " + problem);
        this.path = path;
    }

    /** Returns the offending path as given. */
    public String getPath() {
        return path;
    }

    private static String printable(String path) {
        return org.mlops4j.internal.Redaction.abbreviate(path, 300);
    }
}
