package org.mlops4j.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups sub-commands ({@code dataset}, {@code model}): run alone, it is a usage error. */
abstract class Group implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public final Integer call() {
        if (spec == null) {
            throw new IllegalStateException("picocli did not inject the command spec");
        }
        throw new ParameterException(
                spec.commandLine(),
                "'" + spec.qualifiedName() + "' needs a sub-command: "
                        + spec.subcommands().keySet());
    }
}
