package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Finding;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetRef;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.report.StoryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlops4j compare}: the verdict of a YAML policy on a challenger against the champion, as an exit status a CI
 * step can gate on — 0 promote, 3 reject, 4 inconclusive (1 error, 2 usage).
 */
@Command(
        name = "compare",
        description = "Compare a challenger with the champion under a policy (docs/cli.md). Exit status 0 promote,"
                + " 3 reject, 4 inconclusive.")
final class CompareCommand extends Leaf {
    /** Exit status of a reject verdict. */
    static final int REJECT = 3;
    /** Exit status of an inconclusive verdict. */
    static final int INCONCLUSIVE = 4;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy, in YAML.")
    Path policy = Path.of("policy.yaml");

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "The model, when the versions are written without it (7, @champion).")
    @Nullable
    String model;

    @Option(
            names = "--champion",
            paramLabel = "VERSION",
            description = "The champion: @alias, a number, or name@…; an alias that does not exist yet means no"
                    + " champion (only absolute rules apply). Without it, there is no champion.")
    @Nullable
    String champion;

    @Option(names = "--challenger", required = true, paramLabel = "VERSION", description = "The challenger.")
    String challenger = "";

    @Option(
            names = "--dataset",
            paramLabel = "NAME@VERSION",
            description = "The evaluation dataset; default: each model's input with role 'eval'.")
    @Nullable
    String dataset;

    @Option(
            names = "--champion-outcomes",
            paramLabel = "CSV",
            description = "The champion's per-example outcomes (label,prediction[,score][,slice:DIM…]), for"
                    + " significance and slice rules.")
    @Nullable
    Path championOutcomes;

    @Option(names = "--challenger-outcomes", paramLabel = "CSV", description = "The challenger's outcomes.")
    @Nullable
    Path challengerOutcomes;

    @Option(
            names = "--promote",
            paramLabel = "ALIAS",
            description = "On a promote verdict, move this alias to the challenger, only if it still points at the"
                    + " champion compared (compare-and-set).")
    @Nullable
    String promote;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Also write the comparison's report: Markdown (.md, renders in a GitHub job summary) or a"
                    + " self-contained HTML page (.html); repeatable.")
    List<Path> reports = new ArrayList<>();

    @Override
    int run(Mlops mlops, Cli cli, Output output) {
        for (Path report : reports) {
            if (isHtml(report) == null) {
                throw new picocli.CommandLine.ParameterException(
                        requireSpec().commandLine(), "--report " + report + ": name a .md (Markdown) or .html file");
            }
        }
        ComparisonPolicy rules = PolicyYaml.read(policy);
        ModelRegistry registry = mlops.registry();
        ModelVersion challengerVersion = Refs.model(registry, model, challenger);
        Optional<ModelVersion> championVersion = champion(registry, challengerVersion.getName());
        Evaluation challengerEval = evaluation(mlops, challengerVersion, challengerOutcomes);
        Evaluation championEval =
                championVersion.map(v -> evaluation(mlops, v, championOutcomes)).orElse(null);
        Verdict verdict = rules.compare(championEval, challengerEval);
        ModelAlias moved = null;
        if (verdict.isPromote() && promote != null) {
            AliasUpdate update = championVersion
                    .map(v -> AliasUpdate.expecting(v.getVersion()))
                    .orElseGet(AliasUpdate::expectingAbsent)
                    .by(System.getProperty("user.name", "mlops4j"))
                    .reason("mlops4j compare --policy " + policy.getFileName());
            moved = registry.setAlias(challengerVersion.getName(), promote, challengerVersion.getVersion(), update);
        }
        for (Path report : reports) {
            writeReport(mlops, report, verdict, championEval, challengerEval);
        }
        ObjectNode document = output.document();
        Views.verdict(document.putObject("verdict"), verdict);
        Views.strings(
                document.putArray("reports"),
                reports.stream().map(Path::toString).toList());
        int status = exitStatus(verdict);
        document.put("exitCode", status);
        ModelAlias alias = moved;
        if (alias != null) {
            Views.alias(document.putObject("promoted"), alias);
        }
        output.emit(document, out -> {
            out.println(verdict.getDecision() + ": " + verdict.getChallenger() + " against "
                    + verdict.getChampion().map(Object::toString).orElse("no champion"));
            for (Finding f : verdict.getFindings()) {
                out.println("  " + (f.passed() ? "pass " : f.decision().name().toLowerCase(java.util.Locale.ROOT) + " ")
                        + f);
            }
            if (alias != null) {
                out.println("moved " + alias.model() + "@" + alias.alias() + " -> " + alias.ref());
            }
        });
        return status;
    }

    /** The library's story of this comparison: lineage, both evaluations, the verdict, aliases and the history. */
    private static void writeReport(
            Mlops mlops, Path file, Verdict verdict, @Nullable Evaluation champion, Evaluation challenger) {
        ModelRef ref = verdict.getChallenger();
        StoryReport.Builder story = StoryReport.builder(ref.name() + ": " + verdict.getDecision() + " for " + ref)
                .lineage(mlops.lineage().upstream(LineageNode.model(ref.name(), ref.version())))
                .challenger(challenger)
                .verdict(verdict)
                .history(mlops.registry().versions(ref.name()));
        if (champion != null) {
            story.champion(champion);
        }
        if (Boolean.TRUE.equals(isHtml(file))) {
            story.build().writeHtml(file);
        } else {
            story.build().writeMarkdown(file);
        }
    }

    /** True for an HTML report, false for Markdown, null for neither. */
    private static @Nullable Boolean isHtml(Path file) {
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return true;
        }
        return name.endsWith(".md") || name.endsWith(".markdown") ? false : null;
    }

    static int exitStatus(Verdict verdict) {
        return switch (verdict.getDecision()) {
            case PROMOTE -> 0;
            case REJECT -> REJECT;
            case INCONCLUSIVE -> INCONCLUSIVE;
        };
    }

    private Optional<ModelVersion> champion(ModelRegistry registry, String name) {
        if (champion == null) {
            return Optional.empty();
        }
        String text = champion;
        int at = text.lastIndexOf('@');
        String alias = at >= 0 ? text.substring(at + 1) : "";
        boolean isAlias = !alias.isEmpty() && !alias.chars().allMatch(Character::isDigit);
        if (isAlias
                && registry.findAlias(at > 0 ? text.substring(0, at) : name, alias)
                        .isEmpty()) {
            return Optional.empty(); // the first model: nothing to beat yet
        }
        return Optional.of(Refs.model(registry, name, text));
    }

    private Evaluation evaluation(Mlops mlops, ModelVersion version, @Nullable Path outcomes) {
        DatasetRef on = dataset != null
                ? Refs.dataset(mlops.datasets(), dataset).getRef()
                : version.getInputs().stream()
                        .filter(i -> i.role().equals(ModelInput.EVAL))
                        .map(ModelInput::dataset)
                        .findFirst()
                        .orElseThrow(() -> new NotFoundException(version.getRef() + " has no input with role 'eval'"
                                + " to name the evaluation dataset; give --dataset NAME@VERSION, or register models"
                                + " with --input NAME@VERSION:eval"));
        Evaluation.Builder builder = Evaluation.builder(version.getRef(), on).metrics(version.getMetrics());
        if (outcomes != null) {
            builder.outcomes(OutcomesCsv.read(outcomes));
        }
        return builder.build();
    }
}
