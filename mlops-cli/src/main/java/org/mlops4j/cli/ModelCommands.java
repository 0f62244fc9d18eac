package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelQuery;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mlops4j model …}: the model registry (DESIGN §3.3), embedded or MLflow as MLOPS4J_REGISTRY says. */
@Command(
        name = "model",
        description = "Register, list and show model versions; move aliases.",
        subcommands = {
            ModelCommands.Register.class,
            ModelCommands.ListVersions.class,
            ModelCommands.Show.class,
            ModelCommands.Alias.class
        })
final class ModelCommands extends Group {

    @Command(name = "register", description = "Register a model version (idempotent with --request-id).")
    static final class Register extends Leaf {
        @Parameters(paramLabel = "NAME", description = "The model's name.")
        String name = "";

        @Option(names = "--artifacts", paramLabel = "DIR", description = "The model's files.")
        @Nullable
        Path artifacts;

        @Option(names = "--metric", paramLabel = "KEY=VALUE", description = "A metric; repeatable.")
        Map<String, Double> metrics = new LinkedHashMap<>();

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A parameter; repeatable.")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeatable.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(
                names = "--input",
                paramLabel = "NAME@VERSION[:ROLE]",
                description = "A dataset version it was trained or evaluated on (role train, eval, …; default"
                        + " train); repeatable.")
        List<String> inputs = new ArrayList<>();

        @Option(names = "--code-revision", description = "The training code's revision.")
        @Nullable
        String codeRevision;

        @Option(names = "--pipeline-run", description = "The pipeline run that made it.")
        @Nullable
        String pipelineRun;

        @Option(names = "--description", description = "A description.")
        @Nullable
        String description;

        @Option(
                names = "--request-id",
                description = "Makes the registration idempotent: a retry with the same id returns the same version.")
        @Nullable
        String requestId;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            ModelRegistration registration = new ModelRegistration(name);
            if (requestId != null) {
                registration.requestId(requestId);
            }
            if (artifacts != null) {
                registration.artifacts(artifacts);
            }
            registration.metrics(metrics);
            params.forEach(registration::param);
            tags.forEach(registration::tag);
            for (String input : inputs) {
                int colon = input.lastIndexOf(':');
                String ref = colon < 0 ? input : input.substring(0, colon);
                String role = colon < 0 ? ModelInput.TRAIN : input.substring(colon + 1);
                registration.input(Refs.dataset(mlops.datasets(), ref).getRef(), role);
            }
            if (codeRevision != null) {
                registration.codeRevision(codeRevision);
            }
            if (pipelineRun != null) {
                registration.pipelineRun(pipelineRun);
            }
            if (description != null) {
                registration.description(description);
            }
            ModelVersion version;
            try (Progress progress = cli.progress("register " + name)) {
                version = mlops.registry().register(registration.progress(progress));
            }
            ObjectNode document = output.document();
            Views.model(document.putObject("model"), version);
            output.emit(
                    document,
                    out -> out.println(
                            "registered " + version.getRef() + "  metrics: " + Text.pairs(version.getMetrics())));
            return 0;
        }
    }

    @Command(name = "list", description = "List model versions, each model's newest first.")
    static final class ListVersions extends Leaf {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Only this model.")
        @Nullable
        String name;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Only versions with this tag; repeatable.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(
                names = {"-n", "--limit"},
                description = "At most this many versions (default: ${DEFAULT-VALUE}).")
        int limit = 50;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            ModelQuery query = name == null ? ModelQuery.all() : ModelQuery.forModel(name);
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                query = query.tag(tag.getKey(), tag.getValue());
            }
            List<ModelVersion> versions =
                    mlops.registry().search(query).stream().limit(limit).toList();
            ObjectNode document = output.document();
            ArrayNode list = document.putArray("versions");
            versions.forEach(v -> Views.model(list.addObject(), v));
            output.emit(document, out -> {
                if (versions.isEmpty()) {
                    out.println("no model versions" + (name == null ? "" : " of '" + name + "'"));
                }
                versions.forEach(
                        v -> out.println(v.getRef() + "  " + v.getCreated() + "  " + Text.pairs(v.getMetrics())));
            });
            return 0;
        }
    }

    @Command(name = "show", description = "Show a model version: name@7 or name@alias.")
    static final class Show extends Leaf {
        @Parameters(paramLabel = "VERSION", description = "name@7 or name@alias")
        String version = "";

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            ModelVersion v = Refs.model(mlops.registry(), null, version);
            ObjectNode document = output.document();
            Views.model(document.putObject("model"), v);
            output.emit(document, out -> {
                out.println(v.getRef() + (v.getDescription().isEmpty() ? "" : "  " + v.getDescription()));
                out.println("created    " + v.getCreated() + " by " + v.getAuthor());
                v.getArtifacts()
                        .ifPresent(d -> out.println("artifacts  " + d + "  " + v.getArtifactFiles() + " files, "
                                + Text.bytes(v.getArtifactBytes())));
                out.println("metrics    " + Text.pairs(v.getMetrics()));
                out.println("params     " + Text.pairs(v.getParams()));
                out.println("tags       " + Text.pairs(v.getTags()));
                v.getInputs().forEach(i -> out.println("input      " + i.dataset() + " (" + i.role() + ")"));
                if (!v.getCodeRevision().isEmpty()) {
                    out.println("code       " + v.getCodeRevision());
                }
                if (!v.getPipelineRun().isEmpty()) {
                    out.println("run        " + v.getPipelineRun());
                }
            });
            return 0;
        }
    }

    @Command(
            name = "alias",
            description =
                    "Point an alias (champion, challenger, …) at a version, show, delete it or list its" + " history.")
    static final class Alias extends Leaf {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model's name.")
        String name = "";

        @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias.")
        String alias = "";

        @Parameters(
                index = "2",
                arity = "0..1",
                paramLabel = "VERSION",
                description = "Move the alias to this version; without it, show where the alias points.")
        @Nullable
        Long version;

        @ArgGroup(exclusive = true)
        @Nullable
        Expect expect;

        @Option(names = "--delete", description = "Delete the alias.")
        boolean delete;

        @Option(names = "--history", description = "List the alias's moves, oldest first.")
        boolean history;

        @Option(names = "--reason", description = "Why it moves (kept in the history).")
        @Nullable
        String reason;

        static final class Expect {
            @Option(
                    names = "--expect",
                    paramLabel = "VERSION",
                    description = "Move only if the alias points at this version now (compare-and-set).")
            @Nullable
            Long version;

            @Option(names = "--expect-absent", description = "Move only if the alias does not exist yet.")
            boolean absent;
        }

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            ModelRegistry registry = mlops.registry();
            int modes = (version != null ? 1 : 0) + (delete ? 1 : 0) + (history ? 1 : 0);
            if (modes > 1) {
                throw new picocli.CommandLine.ParameterException(
                        requireSpec().commandLine(), "give one of VERSION, --delete and --history");
            }
            ObjectNode document = output.document();
            if (history) {
                List<AliasEvent> events =
                        registry.aliasHistory(name, alias).stream().toList();
                ArrayNode list = document.putArray("history");
                for (AliasEvent e : events) {
                    list.addObject()
                            .put("sequence", e.sequence())
                            .put("fromVersion", e.fromVersion())
                            .put("toVersion", e.toVersion())
                            .put("at", e.at().toString())
                            .put("by", e.by())
                            .put("runId", e.runId())
                            .put("reason", e.reason());
                }
                output.emit(
                        document,
                        out -> events.forEach(e -> out.println("#" + e.sequence() + "  " + e.at()
                                + "  " + (e.fromVersion() > 0 ? e.fromVersion() : "-") + " -> "
                                + (e.toVersion() > 0 ? e.toVersion() : "deleted") + "  " + e.by() + "  "
                                + e.reason())));
                return 0;
            }
            AliasUpdate update = update();
            if (delete) {
                registry.deleteAlias(name, alias, update);
                document.put("model", name).put("alias", alias).put("deleted", true);
                output.emit(document, out -> out.println("deleted " + name + "@" + alias));
                return 0;
            }
            ModelAlias result;
            if (version != null) {
                result = registry.setAlias(name, alias, version, update);
            } else {
                result = registry.findAlias(name, alias)
                        .orElseThrow(() -> new org.mlops4j.common.NotFoundException("model '" + name
                                + "' has no alias '" + alias + "'; set it with 'mlops4j model alias " + name + " "
                                + alias + " VERSION'"));
            }
            Views.alias(document.putObject("alias"), result);
            output.emit(
                    document,
                    out -> out.println(result.model() + "@" + result.alias() + " -> "
                            + result.ref() + "  (move #" + result.sequence() + ", " + result.movedAt() + " by "
                            + result.movedBy() + ")"));
            return 0;
        }

        private AliasUpdate update() {
            AliasUpdate update = expect == null
                    ? AliasUpdate.unconditionally()
                    : expect.absent ? AliasUpdate.expectingAbsent() : AliasUpdate.expecting(requireExpected());
            update = update.by(System.getProperty("user.name", "mlops4j"));
            return reason == null ? update : update.reason(reason);
        }

        private long requireExpected() {
            Expect e = expect;
            if (e == null || e.version == null) {
                throw new IllegalStateException("--expect has no version");
            }
            return e.version;
        }
    }
}
