package org.mlops4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Finding;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.pipeline.JournalEntry;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.RunId;
import org.mlops4j.pipeline.RunStatus;
import org.mlops4j.pipeline.StepOutcome;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.report.ReportEvent;
import org.mlops4j.report.StoryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlops4j pipeline run|status|report}: a retraining pipeline (DESIGN §3.6) defined in the user's code. The
 * trainer and evaluator are code, so the command loads a class that builds the pipeline: a public class with a public
 * no-argument constructor implementing {@code java.util.function.Function<Mlops, RetrainingPipeline>}, from the class
 * path or from {@code --class-path}.
 */
@Command(
        name = "pipeline",
        description = "Run a retraining pipeline defined in your code, read its runs' journals, report on a run.",
        subcommands = {PipelineCommands.Run.class, PipelineCommands.Status.class, PipelineCommands.Report.class})
final class PipelineCommands extends Group {

    /** Where the pipeline's definition comes from. */
    static final class Definition {
        @Option(
                names = "--definition",
                required = true,
                paramLabel = "CLASS",
                description = "A class implementing java.util.function.Function<Mlops, RetrainingPipeline>, with a"
                        + " public no-argument constructor.")
        String className = "";

        @Mixin
        UserCode.ClassPath classPath = new UserCode.ClassPath();

        RetrainingPipeline load(Mlops mlops) {
            return UserCode.build(className, classPath.entries, mlops, RetrainingPipeline.class);
        }
    }

    @Command(
            name = "run",
            description = "Run the pipeline (resuming an interrupted run). Exit status: 0 promoted (or a dry run), 3"
                    + " rejected, 4 inconclusive, 1 a failed deployment or an error.")
    static final class Run extends Leaf {
        @Mixin
        Definition definition = new Definition();

        @Option(names = "--if-triggered", description = "Run only if the pipeline's trigger fires.")
        boolean ifTriggered;

        @Option(names = "--rerun", description = "Run the latest inputs again as a new attempt.")
        boolean rerun;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            if (ifTriggered && rerun) {
                throw new picocli.CommandLine.ParameterException(
                        requireSpec().commandLine(), "--if-triggered and --rerun exclude each other");
            }
            RetrainingPipeline pipeline = definition.load(mlops);
            Optional<PipelineRun> run =
                    ifTriggered ? pipeline.runIfTriggered() : Optional.of(rerun ? pipeline.rerun() : pipeline.run());
            ObjectNode document = output.document();
            document.put("pipeline", pipeline.getName());
            document.put("triggered", run.isPresent());
            if (run.isEmpty()) {
                output.emit(document, out -> out.println(pipeline.getName() + ": the trigger did not fire"));
                return 0;
            }
            PipelineRun r = run.get();
            run(document.putObject("run"), r);
            int status = exitStatus(r.getStatus());
            document.put("exitCode", status);
            output.emit(document, out -> {
                out.println(r.getPipeline() + " run " + r.getRunId() + ": " + r.getStatus()
                        + (r.isResumed() ? " (resumed)" : ""));
                r.getSteps().forEach(s -> out.println("  " + s));
                r.getFindings().forEach(f -> out.println("  " + f));
            });
            return status;
        }

        static int exitStatus(RunStatus status) {
            if (status.equals(RunStatus.REJECTED)) {
                return CompareCommand.REJECT;
            }
            if (status.equals(RunStatus.INCONCLUSIVE)) {
                return CompareCommand.INCONCLUSIVE;
            }
            return status.equals(RunStatus.DEPLOYMENT_FAILED) ? Cli.ERROR : 0;
        }

        private static void run(ObjectNode node, PipelineRun r) {
            node.put("runId", r.getRunId().toString());
            node.put("status", r.getStatus().toString());
            node.put("resumed", r.isResumed());
            node.put("trigger", r.getTrigger().kind());
            ObjectNode inputs = node.putObject("inputs");
            r.getInputs().forEach((name, ref) -> inputs.put(name, ref.toString()));
            ArrayNode steps = node.putArray("steps");
            for (StepOutcome s : r.getSteps()) {
                ObjectNode step = steps.addObject().put("step", s.step()).put("status", s.status());
                step.put("resumed", s.resumed()).put("finished", s.finished().toString());
                ObjectNode outputs = step.putObject("outputs");
                s.outputs().forEach(outputs::put);
            }
            r.findDecision().ifPresentOrElse(d -> node.put("decision", d.name()), () -> node.putNull("decision"));
            r.findRegisteredModel()
                    .ifPresentOrElse(m -> node.put("registered", m.toString()), () -> node.putNull("registered"));
            r.findChampion().ifPresentOrElse(m -> node.put("champion", m.toString()), () -> node.putNull("champion"));
            findings(node.putArray("findings"), r.getFindings());
        }
    }

    @Command(name = "status", description = "List the pipeline's runs, or show one run's journal.")
    static final class Status extends Leaf {
        @Mixin
        Definition definition = new Definition();

        @Parameters(paramLabel = "RUN_ID", arity = "0..1", description = "A run; without it, every run.")
        @Nullable
        String runId;

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            RetrainingPipeline pipeline = definition.load(mlops);
            ObjectNode document = output.document();
            document.put("pipeline", pipeline.getName());
            if (runId == null) {
                ArrayNode runs = document.putArray("runs");
                List<String> lines = new ArrayList<>();
                for (RunId id : pipeline.listRuns()) {
                    List<JournalEntry> journal = pipeline.readJournal(id);
                    JournalEntry last = journal.isEmpty() ? null : journal.get(journal.size() - 1);
                    boolean finished = last != null && last.isRunFinished();
                    ObjectNode run =
                            runs.addObject().put("runId", id.toString()).put("finished", finished);
                    run.put("lastStep", last == null ? "" : last.step() + " " + last.status());
                    decision(journal)
                            .ifPresentOrElse(d -> run.put("decision", d.name()), () -> run.putNull("decision"));
                    lines.add(id + "  " + (finished ? "finished" : "interrupted") + "  "
                            + decision(journal).map(Decision::name).orElse("-"));
                }
                output.emit(document, out -> {
                    if (lines.isEmpty()) {
                        out.println(pipeline.getName() + " has no runs");
                    }
                    lines.forEach(out::println);
                });
                return 0;
            }
            List<JournalEntry> journal = journal(pipeline, runId);
            document.put("runId", runId);
            ArrayNode entries = document.putArray("journal");
            for (JournalEntry e : journal) {
                ObjectNode entry = entries.addObject();
                entry.put("sequence", e.sequence()).put("step", e.step()).put("status", e.status());
                entry.put("at", e.at().toString());
                ObjectNode inputs = entry.putObject("inputs");
                e.inputs().forEach(inputs::put);
                ObjectNode outputs = entry.putObject("outputs");
                e.outputs().forEach(outputs::put);
                Decision d = e.decision();
                if (d != null) {
                    entry.put("decision", d.name());
                    findings(entry.putArray("findings"), e.findings());
                }
            }
            output.emit(
                    document,
                    out -> journal.forEach(e -> out.println("#" + e.sequence() + "  " + e.at() + "  "
                            + e.step() + " " + e.status() + (e.decision() == null ? "" : " " + e.decision()) + "  "
                            + Text.pairs(e.outputs()))));
            return 0;
        }
    }

    @Command(
            name = "report",
            description = "Write a run's report: Markdown (.md, renders in a GitHub job summary) or HTML (.html).")
    static final class Report extends Leaf {
        @Mixin
        Definition definition = new Definition();

        @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
        String runId = "";

        @Option(
                names = {"-o", "--output"},
                required = true,
                paramLabel = "FILE",
                description = "The report file.")
        Path file = Path.of("report.md");

        @Override
        int run(Mlops mlops, Cli cli, Output output) {
            String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
            boolean html = name.endsWith(".html") || name.endsWith(".htm");
            if (!html && !name.endsWith(".md") && !name.endsWith(".markdown")) {
                throw new picocli.CommandLine.ParameterException(
                        requireSpec().commandLine(), "--output " + file + ": name a .md (Markdown) or .html file");
            }
            RetrainingPipeline pipeline = definition.load(mlops);
            List<JournalEntry> journal = journal(pipeline, runId);
            StoryReport.Builder story = StoryReport.builder(pipeline.getName() + ": run " + runId);
            for (JournalEntry e : journal) {
                story.event(new ReportEvent(
                        e.at(),
                        e.step(),
                        e.step() + " " + e.status() + (e.decision() == null ? "" : ": " + e.decision())
                                + (e.outputs().isEmpty() ? "" : " " + Text.pairs(e.outputs()))));
            }
            Optional<ModelRef> model = journal.stream()
                    .map(e -> e.findOutput("model"))
                    .flatMap(Optional::stream)
                    .map(ModelRef::parse)
                    .reduce((first, second) -> second);
            model.ifPresent(m -> {
                story.lineage(mlops.lineage().upstream(LineageNode.model(m.name(), m.version())));
                story.history(mlops.registry().versions(m.name()));
                decision(journal).ifPresent(d -> story.decision(m, d));
            });
            if (html) {
                story.build().writeHtml(file);
            } else {
                story.build().writeMarkdown(file);
            }
            ObjectNode document = output.document();
            document.put("pipeline", pipeline.getName()).put("runId", runId).put("report", file.toString());
            model.ifPresent(m -> document.put("model", m.toString()));
            output.emit(document, out -> out.println("wrote " + file));
            return 0;
        }
    }

    private static List<JournalEntry> journal(RetrainingPipeline pipeline, String runId) {
        List<JournalEntry> journal = pipeline.listRuns().stream()
                .filter(id -> id.toString().equals(runId))
                .findFirst()
                .map(pipeline::readJournal)
                .orElse(List.of());
        if (journal.isEmpty()) {
            throw new NotFoundException("pipeline '" + pipeline.getName() + "' has no run '" + runId
                    + "'; list its runs with 'mlops4j pipeline status --definition …'");
        }
        return journal;
    }

    private static Optional<Decision> decision(List<JournalEntry> journal) {
        return journal.stream()
                .map(JournalEntry::decision)
                .filter(d -> d != null)
                .map(d -> (Decision) d)
                .reduce((first, second) -> second);
    }

    private static void findings(ArrayNode array, List<Finding> findings) {
        findings.forEach(f -> Views.finding(array.addObject(), f));
    }
}
