package org.mlops4j.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlops4j.Mlops;
import org.mlops4j.compare.ComparisonPolicy;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.compare.Outcomes;
import org.mlops4j.compare.Policies;
import org.mlops4j.compare.Verdict;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.deploy.Predictor;
import org.mlops4j.drift.Column;
import org.mlops4j.drift.Columns;
import org.mlops4j.drift.Drift;
import org.mlops4j.drift.DriftReport;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.onnx.OnnxModelLoader;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.report.ReportEvent;
import org.mlops4j.report.StoryReport;
import org.mlops4j.samples.learn.ChurnData;
import org.mlops4j.samples.learn.TabularRows;
import org.mlops4j.samples.learn.TrainedModel;
import org.mlops4j.samples.learn.TribuoLearner;

/**
 * Writes a story report from real data: a champion trained on last month's churn data, drifted data arriving, a
 * challenger retrained on it, both scored through ONNX on the new holdout, compared by a policy, and the lineage of
 * both. {@code scripts/render-report} renders the HTML it writes to {@code docs/quickstart-report.png}.
 *
 * <p>Run it with {@code ./mvnw -q -B -pl samples -am package -DskipTests exec:java
 * -Dexec.mainClass=org.mlops4j.samples.ReportDemo -Dexec.args="<home> <out-dir>"} (or through
 * {@code scripts/render-report}).
 */
public final class ReportDemo {
    private static final String MODEL = "churn-classifier";
    private static final TribuoLearner LEARNER = TribuoLearner.builder(ChurnData.LABEL)
            .numberColumns(ChurnData.NUMBER_COLUMNS)
            .stringColumns(ChurnData.STRING_COLUMNS)
            .seed(7)
            .build();

    private ReportDemo() {}

    /**
     * Writes {@code report.md} and {@code report.html}.
     *
     * @param args the home directory of the lake (default {@code ./.mlops4j-report}) and the output directory
     *     (default {@code <home>/report})
     */
    public static void main(String[] args) {
        Path home = Path.of(args.length > 0 ? args[0] : ".mlops4j-report");
        Path out = args.length > 1 ? Path.of(args[1]) : home.resolve("report");
        StoryReport report = run(home, System.out);
        System.out.println("wrote " + report.writeMarkdown(out.resolve("report.md")));
        System.out.println("wrote " + report.writeHtml(out.resolve("report.html")));
    }

    /**
     * Plays the story in a lake and returns its report.
     *
     * @param home the lake's home directory
     * @param log where progress is printed
     * @return the report
     */
    public static StoryReport run(Path home, PrintStream log) {
        List<ReportEvent> events = new ArrayList<>();
        try (Mlops mlops = Mlops.local(home)) {
            Path work = home.resolve("work");
            // Month 1: raw data, split, a champion.
            Month first = month(mlops, work, ChurnData.normal(), 42, events);
            Trained champion = train(mlops, work, first, events);
            long current = mlops.registry()
                    .findAlias(MODEL, "champion")
                    .map(a -> a.version())
                    .orElse(0L);
            if (current == 0) {
                var unused = mlops.registry()
                        .setAlias(
                                MODEL,
                                "champion",
                                champion.version().getVersion(),
                                AliasUpdate.expectingAbsent().by("report-demo").reason("first model"));
            }
            events.add(event(mlops, "promote", champion.version().getRef() + " is the champion"));

            // Month 2: the data drifts; retrain on it.
            Month second = month(mlops, work, ChurnData.drifted(), 43, events);
            DriftReport drift = Drift.psi(0.2).detect(columns(first.trainRows), columns(second.trainRows));
            events.add(event(
                    mlops,
                    "drift",
                    "PSI on " + second.raw.getRef() + " vs " + first.raw.getRef() + ": "
                            + drift.getDriftedColumns().size() + " of "
                            + drift.getColumns().size()
                            + " numeric columns drifted (" + String.join(", ", drifted(drift)) + ")"));
            Trained challenger = train(mlops, work, second, events);

            // Both models scored through ONNX on the new holdout, then the policy decides.
            Evaluation championEval = evaluate(champion, second);
            Evaluation challengerEval = evaluate(challenger, second);
            ComparisonPolicy policy = Policies.allOf(
                    Policies.metric("auc").higherIsBetter().atLeast(0.7).minAbsoluteGain(0.005),
                    Policies.significantGain("accuracy").pairedBootstrap(2_000).confidence(0.95));
            Verdict verdict = policy.compare(championEval, challengerEval);
            events.add(event(
                    mlops,
                    "compare",
                    verdict.getDecision() + " " + challengerEval.getModel() + " over " + championEval.getModel()
                            + " on " + second.holdout.getRef()));
            log.println(verdict);

            LineageGraph lineage = union(
                    mlops.lineage()
                            .upstream(LineageNode.model(
                                    MODEL, challenger.version().getVersion())),
                    mlops.lineage()
                            .upstream(
                                    LineageNode.model(MODEL, champion.version().getVersion())));
            return StoryReport.builder(MODEL + ": retraining after drift")
                    .lineage(lineage)
                    .champion(championEval)
                    .challenger(challengerEval)
                    .verdict(verdict)
                    .events(events)
                    .build();
        }
    }

    private record Month(
            DatasetVersion raw,
            DatasetVersion train,
            DatasetVersion holdout,
            List<Map<String, Object>> trainRows,
            List<Map<String, Object>> holdoutRows) {}

    private static Month month(Mlops mlops, Path work, ChurnData data, long seed, List<ReportEvent> events) {
        Path dir = work.resolve("raw-" + seed);
        var unused = data.write(dir.resolve("customers.csv"), 6_000, seed);
        DatasetVersion raw = mlops.datasets()
                .snapshot("churn-raw")
                .directory(dir)
                .message("monthly export")
                .commit();
        List<Map<String, Object>> rows =
                TabularRows.read(mlops.datasets(), raw, "customers.csv", ChurnData.NUMBER_COLUMNS);
        events.add(event(mlops, "snapshot", raw.getRef() + " arrived: " + rows.size() + " customers"));
        List<Map<String, Object>> trainRows = rows.subList(0, 4_000);
        List<Map<String, Object>> holdoutRows = rows.subList(4_000, rows.size());
        Map<String, String> split = Map.of("rows", "4000/2000", "order", "as exported");
        DatasetVersion train = derive(mlops, work.resolve("train-" + seed), "churn-train", raw, trainRows, split);
        DatasetVersion holdout =
                derive(mlops, work.resolve("holdout-" + seed), "churn-holdout", raw, holdoutRows, split);
        return new Month(raw, train, holdout, trainRows, holdoutRows);
    }

    private static DatasetVersion derive(
            Mlops mlops,
            Path dir,
            String name,
            DatasetVersion parent,
            List<Map<String, Object>> rows,
            Map<String, String> params) {
        StringBuilder csv = new StringBuilder(ChurnData.header()).append('\n');
        for (Map<String, Object> row : rows) {
            csv.append(String.join(
                            ",",
                            row.values().stream()
                                    .map(v -> v instanceof Double d && d == Math.rint(d)
                                            ? Long.toString(d.longValue())
                                            : v.toString())
                                    .toList()))
                    .append('\n');
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("data.csv"), csv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        return mlops.datasets()
                .derive(name)
                .from(parent)
                .transform("split", "report-demo@1", params)
                .directory(dir)
                .commit();
    }

    private record Trained(ModelVersion version, Path artifacts) {}

    private static Trained train(Mlops mlops, Path work, Month month, List<ReportEvent> events) {
        TrainedModel model = LEARNER.train(mlops.datasets(), month.train, "data.csv");
        Path dir = model.writeArtifacts(
                work.resolve("model-" + month.train.getRef().version()));
        ModelVersion version = mlops.registry()
                .register(model.registration(MODEL, dir)
                        .metric("holdout_accuracy", model.accuracy(month.holdoutRows))
                        .input(month.train.getRef(), ModelInput.TRAIN)
                        .input(month.holdout.getRef(), ModelInput.EVAL)
                        .codeRevision("report-demo@1")
                        .requestId("report-demo/" + model.onnxDigest()));
        events.add(event(
                mlops,
                "train",
                version.getRef() + " trained on " + month.train.getRef() + " (ONNX "
                        + model.onnxDigest().substring(0, 19) + "…)"));
        return new Trained(version, dir);
    }

    private static Evaluation evaluate(Trained model, Month month) {
        ModelVersion version = model.version();
        int n = month.holdoutRows.size();
        double[] labels = new double[n];
        double[] predictions = new double[n];
        double[] scores = new double[n];
        try (Predictor predictor = new OnnxModelLoader().load(version, model.artifacts())) {
            List<Object> answers = predictor.predict(month.holdoutRows);
            for (int i = 0; i < n; i++) {
                Map<?, ?> answer = (Map<?, ?>) answers.get(i);
                labels[i] = "yes".equals(month.holdoutRows.get(i).get(ChurnData.LABEL)) ? 1 : 0;
                predictions[i] = "yes".equals(answer.get("label")) ? 1 : 0;
                scores[i] = ((Number) ((Map<?, ?>) answer.get("scores")).get("yes")).doubleValue();
            }
        }
        return Evaluation.builder(version.getRef(), month.holdout.getRef())
                .outcomes(Outcomes.of(labels, predictions).withScores(scores))
                .computeMetrics()
                .build();
    }

    private static List<Column> columns(List<Map<String, Object>> rows) {
        List<Column> columns = new ArrayList<>();
        for (String name : ChurnData.NUMBER_COLUMNS) {
            columns.add(Columns.numeric(
                    name,
                    rows.stream()
                            .mapToDouble(r -> ((Number) r.get(name)).doubleValue())
                            .toArray()));
        }
        return columns;
    }

    private static List<String> drifted(DriftReport report) {
        return report.getDriftedColumns().stream().map(c -> c.column()).toList();
    }

    private static LineageGraph union(LineageGraph a, LineageGraph b) {
        Set<LineageNode> nodes = new LinkedHashSet<>(a.nodes());
        nodes.addAll(b.nodes());
        Set<LineageEdge> edges = new LinkedHashSet<>(a.edges());
        edges.addAll(b.edges());
        return new LineageGraph(a.start(), List.copyOf(nodes), List.copyOf(edges));
    }

    private static ReportEvent event(Mlops mlops, String kind, String text) {
        return new ReportEvent(mlops.clock().instant(), kind, text);
    }
}
