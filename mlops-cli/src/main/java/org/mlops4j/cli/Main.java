package org.mlops4j.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Starts the {@code mlops4j} command (see {@code docs/cli.md}); the launcher script {@code mlops4j} runs this class.
 * Exit status: 0 success (and, for {@code compare}, promote), 1 error, 2 usage error, 3 reject, 4 inconclusive.
 */
public final class Main {
    private Main() {}

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // the library logs its wiring at INFO; a command's output is what it prints, so only warnings reach stderr
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        // Java 17: a console exists only when both stdin and stdout are terminals, so a pipe gets no progress bar
        System.exit(Cli.run(args, out, err, System.console() != null));
    }
}
