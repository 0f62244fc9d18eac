package org.mlops4j.cli;

/**
 * A YAML file (a policy, a rollout) that is not valid YAML or does not follow its schema in docs/cli.md. The message starts with
 * {@code file:line:column:} (1-based), as compilers write it, so editors and CI logs link to the spot.
 */
final class YamlFileException extends CliException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    YamlFileException(String file, int line, int column, String problem) {
        super(file + ":" + line + ":" + column + ": " + problem);
        this.line = line;
        this.column = column;
    }

    YamlFileException(String file, int line, int column, String problem, Throwable cause) {
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
