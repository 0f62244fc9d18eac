package org.mlops4j.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that does the work: opens the lake and registry, runs, closes them, and returns its exit status. */
abstract class Leaf implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public final Integer call() {
        CommandSpec own = requireSpec();
        Cli cli = (Cli) own.root().userObject();
        Output output = Output.of(cli, own);
        try (Mlops mlops = cli.open()) {
            return run(mlops, cli, output);
        }
    }

    /**
     * Runs the command.
     *
     * @param mlops the lake and registry
     * @param cli the streams and global options
     * @param output where the result goes
     * @return the exit status
     */
    abstract int run(Mlops mlops, Cli cli, Output output);

    final CommandSpec requireSpec() {
        if (spec == null) {
            throw new IllegalStateException("picocli did not inject the command spec");
        }
        return spec;
    }
}
