package org.mlops4j.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.mlops4j.Mlops;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.data.Datasets;
import org.mlops4j.data.profile.ColumnProfile;
import org.mlops4j.data.profile.TableProfile;
import org.mlops4j.lineage.LineageExport;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.registry.AliasUpdate;
import org.mlops4j.registry.ModelAlias;
import org.mlops4j.registry.ModelInput;
import org.mlops4j.registry.ModelRegistration;
import org.mlops4j.registry.ModelVersion;

/**
 * The README's first command: a tour of the library on the embedded defaults (no account, no server).
 *
 * <p>Synthetic churn data is snapshotted as a dataset version, split into derived train and holdout versions, a small
 * threshold model is fitted and registered with its metrics and inputs, promoted to {@code champion}, and the lineage
 * answers "why is this model in production, and on what data?". Run it with
 * {@code ./mvnw -q -B -Pquickstart -pl samples -am verify -DskipTests}.
 */
public final class Quickstart {
    private Quickstart() {}

    /**
     * Runs the tour.
     *
     * @param args optional: the home directory (default {@code ./.mlops4j})
     */
    public static void main(String[] args) {
        Path home = Path.of(args.length > 0 ? args[0] : ".mlops4j");
        run(home, System.out);
    }

    /**
     * Runs the tour in a home directory, printing to {@code out}.
     *
     * @param home the embedded default's home directory
     * @param out where the story is printed
     * @return the champion's version
     */
    public static ModelVersion run(Path home, PrintStream out) {
        try (Mlops mlops = Mlops.local(home)) {
            out.println("MLOps4J quickstart — lake: " + mlops.objectStore());
            Datasets datasets = mlops.datasets();
            Path work = Files.createDirectories(home.resolve("quickstart"));

            // 1. Raw data arrives: snapshot it as an immutable, content-addressed version.
            Path raw = writeCsv(work.resolve("raw/customers.csv"), 5_000, 42);
            DatasetVersion rawVersion = datasets.snapshot("churn-raw")
                    .directory(raw.getParent())
                    .message("weekly export")
                    .progress(new ProgressBar(out, "snapshot churn-raw"))
                    .commit();
            out.println("dataset  " + rawVersion);
            TableProfile profile =
                    datasets.findProfile(rawVersion, "customers.csv").orElseThrow();
            for (ColumnProfile column : profile.getColumns()) {
                out.printf(
                        "         column %-8s %-8s nulls=%d%s%n",
                        column.getName(),
                        column.getType(),
                        column.getNullCount(),
                        column.getNumeric()
                                .map(n -> String.format(" mean=%.3f p50=%.3f", n.getMean(), n.getPercentile(50)))
                                .orElse(""));
            }

            // 2. Derive train and holdout splits: each records its parent and the transform that made it.
            String[] lines = Files.readString(raw).split("\n");
            Path trainFile = writeLines(work.resolve("train/train.csv"), lines, 0, 4_000);
            Path holdoutFile = writeLines(work.resolve("holdout/holdout.csv"), lines, 4_000, 5_000);
            Map<String, String> split = Map.of("rows", "4000/1000", "order", "as exported");
            DatasetVersion train = datasets.derive("churn-train")
                    .from(rawVersion)
                    .transform("split", "quickstart@1", split)
                    .directory(trainFile.getParent())
                    .commit();
            DatasetVersion holdout = datasets.derive("churn-holdout")
                    .from(rawVersion)
                    .transform("split", "quickstart@1", split)
                    .directory(holdoutFile.getParent())
                    .commit();
            out.println("dataset  " + train);
            out.println("dataset  " + holdout);

            // 3. Fit a one-feature threshold model on train, measure it on holdout, register it.
            double threshold = fitThreshold(lines, 1, 4_000);
            double accuracy = accuracy(lines, 4_000, 5_000, threshold);
            double baseline = majorityBaseline(lines, 4_000, 5_000);
            Path modelDir = Files.createDirectories(work.resolve("model"));
            Files.writeString(
                    modelDir.resolve("model.json"),
                    "{\"feature\":\"monthly_charges\",\"threshold\":" + threshold + "}\n");
            ModelVersion model = mlops.registry()
                    .register(new ModelRegistration("churn-classifier")
                            .artifacts(modelDir)
                            .metric("accuracy", accuracy)
                            .metric("baseline_accuracy", baseline)
                            .param("threshold", Double.toString(threshold))
                            .input(train.getRef(), ModelInput.TRAIN)
                            .input(holdout.getRef(), ModelInput.EVAL)
                            .codeRevision("quickstart@1")
                            .requestId("quickstart/" + train.getDigest() + "/" + holdout.getDigest()));
            out.printf("model    %s accuracy=%.3f (majority baseline %.3f)%n", model.getRef(), accuracy, baseline);

            // 4. Promote it, by compare-and-set on the alias, with the reason in the alias's history.
            long current = mlops.registry()
                    .findAlias("churn-classifier", "champion")
                    .map(ModelAlias::version)
                    .orElse(0L);
            if (current != model.getVersion()) {
                AliasUpdate update = current == 0 ? AliasUpdate.expectingAbsent() : AliasUpdate.expecting(current);
                mlops.registry()
                        .setAlias(
                                "churn-classifier",
                                "champion",
                                model.getVersion(),
                                update.by("quickstart")
                                        .reason(String.format(
                                                "accuracy %.3f beats baseline %.3f", accuracy, baseline)));
            }
            ModelAlias champion =
                    mlops.registry().findAlias("churn-classifier", "champion").orElseThrow();

            // 5. Why is this model in production, and on what data?
            out.println();
            out.println("Why is " + champion.ref() + " the champion? " + champion.reason() + " (moved by "
                    + champion.movedBy() + " at " + champion.movedAt() + ")");
            LineageGraph lineage = mlops.lineage().upstream(LineageNode.model(champion.model(), champion.version()));
            out.println("Trained and evaluated on:");
            lineage.edges().forEach(edge -> out.println("  " + edge.from() + " --" + edge.role() + "--> " + edge.to()));
            out.println();
            out.println("```mermaid");
            out.print(LineageExport.toMermaid(lineage));
            out.println("```");
            return mlops.registry().get(champion.ref());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Customers with tenure and monthly charges; churn is likelier with high charges and short tenure. */
    private static Path writeCsv(Path file, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("tenure,monthly_charges,plan,churned\n");
        String[] plans = {"basic", "plus", "pro"};
        for (int i = 0; i < rows; i++) {
            int tenure = 1 + random.nextInt(72);
            double charges = 20 + random.nextDouble() * 100;
            double risk = 1 / (1 + Math.exp(-(charges - 70) / 10 + tenure / 24.0));
            boolean churned = random.nextDouble() < risk;
            csv.append(tenure)
                    .append(',')
                    .append(String.format("%.2f", charges))
                    .append(',')
                    .append(plans[random.nextInt(3)])
                    .append(',')
                    .append(churned)
                    .append('\n');
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private static Path writeLines(Path file, String[] lines, int from, int to) throws IOException {
        StringBuilder csv = new StringBuilder(lines[0]).append('\n');
        for (int i = 1 + from; i <= to; i++) {
            csv.append(lines[i]).append('\n');
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    /** The monthly-charges threshold that best separates churners on rows [from, to). */
    private static double fitThreshold(String[] lines, int from, int to) {
        double best = 0;
        double bestAccuracy = -1;
        for (double t = 20; t <= 120; t += 0.5) {
            double a = accuracy(lines, from - 1, to, t);
            if (a > bestAccuracy) {
                bestAccuracy = a;
                best = t;
            }
        }
        return best;
    }

    private static double accuracy(String[] lines, int from, int to, double threshold) {
        int correct = 0;
        for (int i = 1 + from; i <= to; i++) {
            String[] f = lines[i].split(",");
            boolean predicted = Double.parseDouble(f[1]) > threshold;
            correct += predicted == Boolean.parseBoolean(f[3]) ? 1 : 0;
        }
        return correct / (double) (to - from);
    }

    private static double majorityBaseline(String[] lines, int from, int to) {
        int churned = 0;
        for (int i = 1 + from; i <= to; i++) {
            churned += lines[i].endsWith("true") ? 1 : 0;
        }
        return Math.max(churned, (to - from) - churned) / (double) (to - from);
    }
}
