package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.lineage.LineageExport;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.ModelVersion;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlops4j lineage upstream|downstream}: what a version came from, or what was made from it. */
@Command(
        name = "lineage",
        description = "What a dataset or model version came from (upstream) or fed (downstream), as Mermaid, DOT or"
                + " JSON.")
final class LineageCommand extends Leaf {
    enum Direction {
        upstream,
        downstream
    }

    enum Format {
        mermaid,
        dot,
        json
    }

    @Parameters(index = "0", paramLabel = "DIRECTION", description = "upstream or downstream")
    Direction direction = Direction.upstream;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Start start = new Start();

    static final class Start {
        @Option(names = "--dataset", paramLabel = "NAME[@VERSION]", description = "Start at a dataset version.")
        @Nullable
        String dataset;

        @Option(names = "--model", paramLabel = "NAME@VERSION", description = "Start at a model version (or alias).")
        @Nullable
        String model;
    }

    @Option(names = "--format", description = "mermaid, dot or json (default: ${DEFAULT-VALUE}; --json implies json).")
    Format format = Format.mermaid;

    @Override
    int run(Mlops mlops, Cli cli, Output output) {
        LineageNode node;
        if (start.dataset != null) {
            DatasetVersion version = Refs.dataset(mlops.datasets(), start.dataset);
            node = LineageNode.dataset(version.getName(), version.getNumber());
        } else {
            ModelVersion version = Refs.model(mlops.registry(), null, requireModel());
            node = LineageNode.model(version.getName(), version.getVersion());
        }
        LineageGraph graph = direction == Direction.upstream
                ? mlops.lineage().upstream(node)
                : mlops.lineage().downstream(node);
        ObjectNode document = output.document();
        document.put("direction", direction.name());
        Views.graph(document.putObject("graph"), graph);
        if (output.isJson() || format == Format.json) {
            output.printJson(document);
            return 0;
        }
        String text = format == Format.dot ? LineageExport.toDot(graph) : LineageExport.toMermaid(graph);
        output.emit(document, out -> out.print(text.endsWith("\n") ? text : text + "\n"));
        return 0;
    }

    private String requireModel() {
        String model = start.model;
        if (model == null) {
            throw new IllegalStateException("neither --dataset nor --model is set");
        }
        return model;
    }
}
