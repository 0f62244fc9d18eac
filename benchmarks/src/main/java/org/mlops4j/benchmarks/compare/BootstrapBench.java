package org.mlops4j.benchmarks.compare;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mlops4j.compare.BootstrapResult;
import org.mlops4j.compare.ExampleMetric;
import org.mlops4j.compare.Outcomes;
import org.mlops4j.compare.PairedBootstrap;

/**
 * One side of the paired-bootstrap benchmark against SciPy (driven by {@code scripts/bench-bootstrap}).
 *
 * <ul>
 *   <li>{@code gen DIR N SEED}: writes the data both sides read: {@code y.f64} (binary labels, 30% positive) and two
 *       models' scores {@code s1.f64}, {@code s2.f64} (little-endian float64); predictions are {@code score > 0.5};
 *   <li>{@code run DIR METRIC RESAMPLES SEED}: loads the data, times one {@link PairedBootstrap#run} and prints one
 *       JSON line.
 * </ul>
 */
public final class BootstrapBench {
    private BootstrapBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("gen")) {
            generate(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
        } else if (args.length == 5 && args[0].equals("run")) {
            run(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]));
        } else {
            System.err.println("usage: gen DIR N SEED | run DIR accuracy|auc RESAMPLES SEED");
            System.exit(2);
        }
    }

    private static void generate(Path dir, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextDouble() < 0.3 ? 1 : 0;
            s1[i] = 0.30 * y[i] + 0.70 * r.nextDouble();
            s2[i] = 0.32 * y[i] + 0.68 * r.nextDouble();
        }
        Files.createDirectories(dir);
        write(dir.resolve("y.f64"), y);
        write(dir.resolve("s1.f64"), s1);
        write(dir.resolve("s2.f64"), s2);
    }

    private static void run(Path dir, String metric, int resamples, long seed) throws IOException {
        double[] y = read(dir.resolve("y.f64"));
        double[] s1 = read(dir.resolve("s1.f64"));
        double[] s2 = read(dir.resolve("s2.f64"));
        Outcomes a = Outcomes.of(y, predictions(s1)).withScores(s1);
        Outcomes b = Outcomes.of(y, predictions(s2)).withScores(s2);
        PairedBootstrap bootstrap = PairedBootstrap.of(ExampleMetric.named(metric))
                .resamples(resamples)
                .seed(seed);
        long start = System.nanoTime();
        BootstrapResult result = bootstrap.run(a, b);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "{\"impl\": \"mlops4j\", \"metric\": \"%s\", \"n\": %d, \"resamples\": %d, \"seconds\": %.4f,"
                        + " \"gain\": %.8f, \"low\": %.8f, \"high\": %.8f, \"cores\": %d}%n",
                metric,
                y.length,
                resamples,
                seconds,
                result.gain(),
                result.lower(),
                result.upper(),
                Runtime.getRuntime().availableProcessors());
    }

    private static double[] predictions(double[] scores) {
        double[] p = new double[scores.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = scores[i] > 0.5 ? 1 : 0;
        }
        return p;
    }

    private static void write(Path file, double[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(values);
        Files.write(file, buf.array());
    }

    private static double[] read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[buf.remaining() / 8];
        buf.asDoubleBuffer().get(values);
        return values;
    }
}
