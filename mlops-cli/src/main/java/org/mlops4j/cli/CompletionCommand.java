package org.mlops4j.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlops4j completion}: prints a bash (and zsh) completion script; {@code source <(mlops4j completion)}. */
@Command(
        name = "completion",
        description = "Print a bash/zsh completion script: source <(mlops4j completion), or save it under"
                + " /etc/bash_completion.d/.")
final class CompletionCommand implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() {
        if (spec == null) {
            throw new IllegalStateException("picocli did not inject the command spec");
        }
        Cli cli = (Cli) spec.root().userObject();
        String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
        Output output = Output.of(cli, spec);
        com.fasterxml.jackson.databind.node.ObjectNode document = output.document();
        document.put("shell", "bash").put("script", script);
        output.emit(document, out -> out.print(script));
        return 0;
    }
}
