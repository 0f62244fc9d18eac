package org.mlops4j.cli;

/**
 * A policy file that cannot be read or does not follow the schema of docs/cli.md. The message starts with
 * {@code file:line:column:} (1-based), as compilers write it, so editors and CI logs link to the spot.
 */
final class PolicyFileException extends CliException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    PolicyFileException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    PolicyFileException(String file, int line, int column, String problem, Throwable cause) {
        super(file + ":" + line + ":" + column + ": " + problem, cause);
        this.line = line;
        this.column = column;
    }

    /** Returns the 1-based line of the problem. */
    int getLine() {
        return line;
    }

    /** Returns the 1-based column of the problem. */
    int getColumn() {
        return column;
    }
}
