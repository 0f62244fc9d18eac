package org.mlops4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.common.MlopsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The root command: the options every sub-command inherits ({@code --json}, {@code --verbose}, {@code --lake}), the
 * streams and terminal flag of this run, and the one place where failures become exit statuses and one-line messages.
 */
@Command(
        name = "mlops4j",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = "Versioned datasets, a model registry, comparison verdicts and lineage from the command line.%n"
                + "The lake and registry come from MLOPS4J_LAKE, MLOPS4J_REGISTRY (embedded | mlflow | mlflow+https://…),"
                + " MLOPS4J_HOME and the MLflow and Azure variables; see docs/cli.md.",
        subcommands = {
            DatasetCommands.class,
            ModelCommands.class,
            CompareCommand.class,
            LineageCommand.class,
            DeployCommands.class,
            PipelineCommands.class,
            CompletionCommand.class
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success; for compare: promote",
            "1:error (the message says what failed and what to do)",
            "2:usage error",
            "3:compare: reject",
            "4:compare: inconclusive"
        })
final class Cli extends Group {
    /** Exit status of a failure; picocli's own for an exception. */
    static final int ERROR = 1;
    /** Exit status of a usage error; picocli's own. */
    static final int USAGE = 2;

    final PrintStream out;
    final PrintStream err;
    /** Whether stdout is a terminal: progress bars only then. */
    final boolean terminal;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print one JSON document for machines (see docs/cli.md) instead of readable text.")
    boolean json;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure.")
    boolean verbose;

    @Option(
            names = "--lake",
            scope = ScopeType.INHERIT,
            paramLabel = "DIR",
            description = "The lake's directory; overrides MLOPS4J_LAKE (the registry still comes from"
                    + " MLOPS4J_REGISTRY).")
    @Nullable
    Path lake;

    private Cli(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments
     * @param out where results go
     * @param err where messages and progress go
     * @param terminal whether {@code out} is a terminal
     * @return the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        return commandLine(out, err, terminal).execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err, boolean terminal) {
        CommandLine line = new CommandLine(new Cli(out, err, terminal));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        line.setExecutionExceptionHandler(Cli::failed);
        line.setParameterExceptionHandler(Cli::misused);
        return line;
    }

    /** Opens the lake and registry: {@code --lake} with the registry of the environment, or all from it. */
    Mlops open() {
        if (lake == null) {
            return Mlops.fromEnvironment();
        }
        Mlops.Builder builder = Mlops.builder().localLake(lake);
        String registry = System.getenv(Mlops.REGISTRY_VARIABLE);
        if (registry != null && !registry.isBlank()) {
            builder.registry(registry);
        }
        return builder.build();
    }

    /** Progress of long work: a bar on stderr when stdout is a terminal and the output is text, else nothing. */
    Progress progress(String operation) {
        return terminal && !json ? Progress.bar(err, operation) : Progress.NONE;
    }

    private static int misused(ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        Cli root = (Cli) line.getCommandSpec().root().userObject();
        if (java.util.Arrays.asList(args).contains("--json")) { // parsing failed, so root.json may not be set yet
            Output.of(root, line.getCommandSpec()).failure("UsageError", String.valueOf(e.getMessage()));
        }
        PrintWriter err = line.getErr();
        err.println("mlops4j: " + e.getMessage());
        err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for the usage.");
        err.flush();
        return USAGE;
    }

    private static int failed(Exception e, CommandLine line, ParseResult parsed) {
        Cli root = (Cli) line.getCommandSpec().root().userObject();
        String message = oneLine(e);
        if (root.json) {
            Output.of(root, line.getCommandSpec()).failure(e.getClass().getSimpleName(), message);
        }
        root.err.println("mlops4j: " + message);
        if (root.verbose) {
            e.printStackTrace(root.err);
        } else if (!expected(e)) {
            root.err.println("(run with --verbose for the stack trace)");
        }
        return ERROR;
    }

    /** The failure's message on one line; the library's messages say what failed and what to do. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        } else if (!expected(e)) {
            message = e.getClass().getSimpleName() + ": " + message;
        }
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Whether a failure is one the library or this command documents (its message is the whole story): the library's
     * exception tree, the JDK's precondition exceptions it throws for bad values and states, and the CLI's own.
     */
    private static boolean expected(Throwable e) {
        return e instanceof MlopsException
                || e instanceof CliException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"mlops4j " + (version == null ? "(development build)" : version)};
        }
    }
}
