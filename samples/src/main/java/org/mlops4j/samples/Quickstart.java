package org.mlops4j.samples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Decision;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Policies;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.profile.ColumnProfile;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.DeploymentExplanation;
import org.mlops4j.deploy.HealthGate;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.local.LocalDeployer;
import org.mlops4j.drift.Drift;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageExport;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.onnx.OnnxModelLoader;
import org.mlops4j.pipeline.PipelineListener;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.pipeline.RetrainingPipeline;
import org.mlops4j.pipeline.Triggers;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.report.ReportEvent;
import org.mlops4j.report.StoryReport;
import org.mlops4j.samples.learn.ChurnData;
import org.mlops4j.serving.ScoringServer;

/**
 * The README's first command: the whole loop on the embedded defaults, with no account and no server to start.
 *
 * <ol>
 *   <li>Synthetic churn data arrives and is snapshotted as {@code churn-raw@1}, with a profile.
 *   <li>A retraining pipeline (trigger {@code drift(churn-raw) or newVersionOf(churn-raw)}) derives train and holdout
 *       datasets, trains a Tribuo logistic regression exported to ONNX, registers it, compares it with the champion
 *       and deploys it to a local HTTP endpoint by canary.
 *   <li>Drifted data arrives as {@code churn-raw@2}: the drift trigger fires, the pipeline retrains, the challenger
 *       beats the champion on the new holdout and goes live through a canary while callers keep scoring.
 *   <li>A deliberately worse model (trained on shuffled labels) is rejected with its reasons; the champion keeps
 *       answering {@code /score}.
 *   <li>Lineage answers "why is this model in production, and on what data?", and a report is written as Markdown
 *       (Mermaid lineage) and a self-contained HTML page.
 * </ol>
 *
 * <p>Run it with {@code ./mvnw -q -B -Pquickstart -pl samples -am verify -DskipTests}.
 */
public final class Quickstart {
    static final String MODEL = "churn-classifier";
    static final String ENDPOINT = "churn";
    private static final int ROWS = 6_000;
    private static final int TRAIN_ROWS = 4_000;
    // Tribuo logs each training at INFO through java.util.logging; held here because JUL keeps loggers weakly.
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    private Quickstart() {}

    /**
     * Runs the story in a new folder below the given one.
     *
     * <p>Each run gets its own lake: {@code <folder>/run-<time>/lake}, or with {@code MLOPS4J_LAKE} set (e.g.
     * {@code azblob://<account>/<container>[/prefix]} with {@code AZURE_STORAGE_CONNECTION_STRING}), the folder {@code
     * run-<time>} below that lake's location. Work files, caches and the report stay in the local folder.
     *
     * @param args optional: the folder for the runs (default {@code target/quickstart})
     */
    public static void main(String[] args) {
        Path base = Path.of(args.length > 0 ? args[0] : "target/quickstart");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        String registry = System.getenv(Mlops.REGISTRY_VARIABLE);
        String lake = System.getenv(Mlops.LAKE_VARIABLE);
        var unused = run(
                base.resolve("run-" + stamp),
                lake == null || lake.isBlank() ? null : below(lake.strip(), "run-" + stamp),
                registry == null ? "embedded" : registry,
                System.out);
    }

    /** Returns the location of a folder below a lake's path or URI, keeping the URI's query (a SAS) at its end. */
    static String below(String lake, String folder) {
        int query = lake.indexOf('?');
        String base = query < 0 ? lake : lake.substring(0, query);
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/" + folder + (query < 0 ? "" : lake.substring(query));
    }

    /**
     * Runs the story in a lake at {@code home}.
     *
     * @param home the lake's home directory; a fresh one tells the story from the start
     * @param out where the story is printed
     * @return what happened, for tests
     */
    public static QuickstartResult run(Path home, PrintStream out) {
        return run(home, "embedded", out);
    }

    /**
     * Runs the story in a lake at {@code home}, with the model registry a setting names: {@code embedded} (in the
     * lake), or {@code mlflow} / {@code mlflow+http(s)://host} for an MLflow server, as {@code MLOPS4J_REGISTRY} says.
     *
     * @param home the lake's home directory; a fresh one tells the story from the start
     * @param registry the registry setting
     * @param out where the story is printed
     * @return what happened, for tests
     */
    public static QuickstartResult run(Path home, String registry, PrintStream out) {
        return run(home, null, registry, out);
    }

    /**
     * Runs the story with its lake at a location {@code MLOPS4J_LAKE} could name ({@link Mlops.Builder#lake(String)}:
     * a directory, or e.g. {@code azblob://<account>/<container>[/prefix]} with {@code mlops-azure}, credentials from
     * the environment), and the model registry a setting names.
     *
     * @param home the folder for work files, caches and the report (and the lake, if {@code lake} is null)
     * @param lake the lake's location, or null for {@code home/lake}; a fresh lake tells the story from the start
     * @param registry the registry setting
     * @param out where the story is printed
     * @return what happened, for tests
     */
    public static QuickstartResult run(Path home, @Nullable String lake, String registry, PrintStream out) {
        long started = System.nanoTime();
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        List<ReportEvent> events = new ArrayList<>();
        ChurnWorkflow workflow = new ChurnWorkflow(home.resolve("work"));
        Mlops.Builder wiring = Mlops.builder();
        if (lake == null) {
            wiring.localLake(home.resolve("lake"));
        } else {
            wiring.lake(lake);
        }
        try (Mlops mlops = wiring.cacheDirectory(home.resolve("cache"))
                        .registry(registry)
                        .build();
                Deployer deployer = LocalDeployer.builder()
                        .mlops(mlops)
                        .loader(new OnnxModelLoader())
                        .front(ScoringServer.builder())
                        .build()) {
            out.println("MLOps4J quickstart — lake "
                    + (lake == null ? home.resolve("lake").toAbsolutePath() : mlops.objectStore()) + ", registry "
                    + (registry.isBlank() || registry.equalsIgnoreCase("embedded") ? "embedded" : registry)
                    + ", endpoint " + deployer.scoringUri(ENDPOINT));

            // 1. Month 1: raw data arrives as an immutable, content-addressed dataset version with a profile.
            DatasetVersion month1 = workflow.arrive(mlops, ChurnData.normal(), ROWS, 42, out);
            events.add(event(mlops, "snapshot", month1.getRef() + " arrived: " + ROWS + " customers"));
            printProfile(mlops, month1, out);

            // 2. The retraining pipeline: drift or a new version → prepare → train → evaluate → compare → deploy.
            HealthGate gate = HealthGate.custom()
                    .minRequests(40)
                    .maxErrorRate(0.01)
                    .maxP95Latency(Duration.ofMillis(500))
                    .maxWait(Duration.ofSeconds(60))
                    .build();
            ComparisonPolicy policy = Policies.allOf(
                    Policies.metric("auc").higherIsBetter().atLeast(0.7).minAbsoluteGain(0.005),
                    Policies.significantGain("accuracy").pairedBootstrap(2_000).confidence(0.95));
            RetrainingPipeline pipeline = mlops.pipeline("churn-retrain")
                    .trigger(Triggers.drift(ChurnWorkflow.RAW, Drift.psi(0.2))
                            .or(Triggers.newVersionOf(ChurnWorkflow.RAW)))
                    .train(workflow.trainer(mlops, ChurnWorkflow.learner(7)))
                    .evaluateOn(ChurnWorkflow.HOLDOUT, workflow.evaluator(mlops))
                    .promoteWhen(policy)
                    .prepare(ChurnWorkflow.TRAIN, workflow.split(0, TRAIN_ROWS))
                    .prepare(ChurnWorkflow.HOLDOUT, workflow.split(TRAIN_ROWS, ROWS))
                    .modelName(MODEL)
                    .codeRevision("quickstart@2")
                    .deployTo(deployer, ENDPOINT, Rollout.canary(gate, 10, 50, 100))
                    .listener(steps(out))
                    .build();

            PipelineRun first = pipeline.runIfTriggered().orElseThrow();
            events.add(event(mlops, "train", describe(first)));
            out.println("run 1    " + describe(first));

            // 3. Month 2: the data drifts. Callers keep scoring while the canary moves traffic.
            DatasetVersion month2 = workflow.arrive(mlops, ChurnData.drifted(), ROWS, 43, out);
            events.add(event(mlops, "snapshot", month2.getRef() + " arrived: " + ROWS + " customers, drifted"));
            PipelineRun retrain;
            Map<String, Long> served;
            long failedCalls;
            try (ScoringTraffic traffic = ScoringTraffic.start(
                    deployer.scoringUri(ENDPOINT), workflow.rows(mlops, month1).subList(TRAIN_ROWS, ROWS), 2)) {
                retrain = pipeline.runIfTriggered().orElseThrow();
                served = traffic.servedBy();
                failedCalls = traffic.failed();
            }
            events.add(event(mlops, "drift", describeDrift(retrain, month1)));
            events.add(event(mlops, "deploy", describe(retrain)));
            out.println("run 2    " + describe(retrain));
            out.println("         callers during the canary: " + served + ", failed " + failedCalls);
            Evaluation championEval =
                    workflow.evaluationOf(first.findRegisteredModel().orElseThrow());
            Evaluation challengerEval =
                    workflow.evaluationOf(retrain.findRegisteredModel().orElseThrow());
            Verdict verdict = policy.compare(championEval, challengerEval);

            // 4. A deliberately worse model: trained on shuffled labels. The gate rejects it; the champion stays live.
            RetrainingPipeline shortcut = mlops.pipeline("churn-shortcut")
                    .trigger(Triggers.manual())
                    .train(workflow.trainer(mlops, ChurnWorkflow.shuffledLearner(7)))
                    .evaluateOn(ChurnWorkflow.HOLDOUT, workflow.evaluator(mlops))
                    .promoteWhen(policy)
                    .input(ChurnWorkflow.TRAIN)
                    .modelName(MODEL)
                    .codeRevision("quickstart@2-shuffled")
                    .deployTo(deployer, ENDPOINT, Rollout.canary(gate, 10, 50, 100))
                    .listener(steps(out))
                    .build();
            PipelineRun rejected = shortcut.run();
            events.add(event(mlops, "reject", describe(rejected)));
            out.println("run 3    " + describe(rejected));
            rejected.getFindings().forEach(f -> out.println("         " + f));
            ScoringTraffic.Answer answer = ScoringTraffic.scoreOnce(
                    deployer.scoringUri(ENDPOINT), workflow.rows(mlops, month2).get(TRAIN_ROWS));
            out.println("score    HTTP " + answer.status() + " from " + answer.model() + ": " + answer.body());

            // 5. Why is this model in production, and on what data?
            DeploymentExplanation why = mlops.deployments().explain(ENDPOINT);
            out.println();
            out.println("Why is " + why.getModel().getRef() + " live on '" + ENDPOINT + "'? "
                    + why.getEvent().reason() + " (" + why.getEvent().rollout() + ", deployment event "
                    + why.getEvent().number() + ")");
            out.println("It was trained and evaluated on " + why.getDatasets());
            LineageGraph lineage = union(
                    mlops.lineage()
                            .upstream(LineageNode.deployment(
                                    ENDPOINT, why.getEvent().number())),
                    mlops.lineage().upstream(LineageNode.deployment(ENDPOINT, 1)),
                    mlops.lineage()
                            .upstream(LineageNode.model(
                                    MODEL,
                                    rejected.findRegisteredModel().orElseThrow().version())));
            StoryReport.Builder reportBuilder = StoryReport.builder(MODEL + ": retraining after drift")
                    .lineage(lineage)
                    .champion(championEval)
                    .challenger(challengerEval)
                    .verdict(verdict)
                    .alias(mlops.registry().findAlias(MODEL, "champion").orElseThrow())
                    .live(ENDPOINT, why.getModel().getRef())
                    .decision(
                            rejected.findRegisteredModel().orElseThrow(),
                            rejected.findDecision().orElseThrow())
                    .history(mlops.registry().versions(MODEL))
                    .evaluation(
                            workflow.evaluationOf(rejected.findRegisteredModel().orElseThrow()))
                    .events(events);
            retrain.getTrigger()
                    .driftReports()
                    .forEach(drift -> reportBuilder.drift(month1.getRef(), month2.getRef(), drift));
            StoryReport report = reportBuilder.build();
            Path markdown = report.writeMarkdown(home.resolve("report/quickstart.md"));
            Path html = report.writeHtml(home.resolve("report/quickstart.html"));
            out.println();
            out.println("```mermaid");
            out.print(LineageExport.toMermaid(lineage));
            out.println("```");
            out.println("report   " + markdown.toAbsolutePath());
            out.println("report   " + html.toAbsolutePath());
            ModelVersion champion = mlops.registry().get(why.getModel().getRef());
            out.println();
            out.printf(
                    Locale.ROOT,
                    "Summary: 3 pipeline runs, 2 promoted and deployed by canary, 1 rejected; %s answers at %s;"
                            + " %d calls answered during the canary, %d failed; %.1f s.%n",
                    champion.getRef(),
                    deployer.scoringUri(ENDPOINT),
                    served.values().stream().mapToLong(Long::longValue).sum(),
                    failedCalls,
                    (System.nanoTime() - started) / 1e9);
            return new QuickstartResult(
                    first,
                    retrain,
                    rejected,
                    champion,
                    challengerEval,
                    workflow.baselineAccuracy(mlops, month2, TRAIN_ROWS),
                    answer.status(),
                    answer.model(),
                    served,
                    failedCalls,
                    markdown,
                    html);
        }
    }

    private static void printProfile(Mlops mlops, DatasetVersion version, PrintStream out) {
        for (ColumnProfile column : mlops.datasets()
                .findProfile(version, ChurnWorkflow.RAW_FILE)
                .orElseThrow()
                .getColumns()) {
            out.printf(
                    "         column %-15s %-8s nulls=%d%s%n",
                    column.getName(),
                    column.getType(),
                    column.getNullCount(),
                    column.getNumeric()
                            .map(n ->
                                    String.format(Locale.ROOT, " mean=%.2f p50=%.2f", n.getMean(), n.getPercentile(50)))
                            .orElse(""));
        }
    }

    private static PipelineListener steps(PrintStream out) {
        return new PipelineListener() {
            @Override
            public void onStepFinished(org.mlops4j.pipeline.PipelineEvent.StepFinished event) {
                out.println("  step   " + event.outcome().step() + " "
                        + event.outcome().status());
            }
        };
    }

    private static String describe(PipelineRun run) {
        return run.findDecision().map(Decision::toString).orElse("no decision")
                + " " + run.findRegisteredModel().map(Object::toString).orElse("-")
                + run.findChampion().map(c -> " over " + c).orElse(" (first model)")
                + run.findDeployment()
                        .map(d -> ", deployment " + d.getStatus() + " by " + d.getRollout())
                        .orElse(", not deployed")
                + " [" + run.getTrigger().kind() + "]";
    }

    private static String describeDrift(PipelineRun run, DatasetVersion reference) {
        return run.getTrigger().driftReports().stream()
                .map(report -> "PSI on " + run.getTrigger().datasets() + " vs " + reference.getRef() + ": "
                        + report.getDriftedColumns().size() + " of "
                        + report.getColumns().size()
                        + " columns drifted ("
                        + String.join(
                                ", ",
                                report.getDriftedColumns().stream()
                                        .map(c -> c.column())
                                        .toList())
                        + ")")
                .findFirst()
                .orElse("no drift report: " + run.getTrigger().kind());
    }

    private static LineageGraph union(LineageGraph first, LineageGraph... more) {
        Set<LineageNode> nodes = new LinkedHashSet<>(first.nodes());
        Set<LineageEdge> edges = new LinkedHashSet<>(first.edges());
        for (LineageGraph graph : more) {
            nodes.addAll(graph.nodes());
            edges.addAll(graph.edges());
        }
        return new LineageGraph(first.start(), List.copyOf(nodes), List.copyOf(edges));
    }

    private static ReportEvent event(Mlops mlops, String kind, String text) {
        return new ReportEvent(mlops.clock().instant(), kind, text);
    }
}
