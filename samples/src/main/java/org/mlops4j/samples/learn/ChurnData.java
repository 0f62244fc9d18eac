package org.mlops4j.samples.learn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded generator of synthetic, churn-like customer tables: numeric and categorical features and a {@code churned}
 * label with a real, learnable signal (a logistic model of the features plus noise).
 *
 * <p>The {@link #drifted()} variant moves the feature distributions (higher charges, more support calls, more monthly
 * contracts, more customers in the south) <em>and</em> changes the relationship: support calls matter much more, price
 * now lowers churn (a discount campaign), and the south churns more. A model trained on the normal variant loses
 * accuracy on drifted data, and one retrained on it differs.
 *
 * <p>Immutable and thread-safe. Example:
 *
 * <pre>{@code
 * Path csv = ChurnData.normal().write(dir.resolve("customers.csv"), 5_000, 42);
 * }</pre>
 */
public final class ChurnData {
    /** The label column. */
    public static final String LABEL = "churned";
    /** The numeric feature columns. */
    public static final List<String> NUMBER_COLUMNS = List.of("tenure_months", "monthly_charges", "support_calls");
    /** The categorical feature columns. */
    public static final List<String> STRING_COLUMNS = List.of("contract", "region");

    private static final List<String> CONTRACTS = List.of("monthly", "one-year", "two-year");
    private static final List<String> REGIONS = List.of("north", "south", "east", "west");

    private final boolean drifted;

    private ChurnData(boolean drifted) {
        this.drifted = drifted;
    }

    /** Returns the normal variant. */
    public static ChurnData normal() {
        return new ChurnData(false);
    }

    /** Returns the drifted variant: shifted distributions and a changed relationship. */
    public static ChurnData drifted() {
        return new ChurnData(true);
    }

    /** Returns the CSV header line (without a line break). */
    public static String header() {
        return "customer_id,tenure_months,monthly_charges,support_calls,contract,region," + LABEL;
    }

    /**
     * Writes a CSV file of generated customers; the same seed gives the same bytes.
     *
     * @param file the file to write (its directory is created)
     * @param rows how many customers
     * @param seed the random seed
     * @return the file
     * @throws UncheckedIOException if the file cannot be written
     * @throws IllegalArgumentException if rows is negative
     */
    public Path write(Path file, int rows, long seed) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be ≥ 0, got " + rows);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write(header());
                out.write('\n');
                Random random = new Random(seed);
                for (int i = 0; i < rows; i++) {
                    out.write(row(random, i));
                    out.write('\n');
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private String row(Random random, int index) {
        String contract =
                pick(random, CONTRACTS, drifted ? new double[] {0.70, 0.20, 0.10} : new double[] {0.50, 0.30, 0.20});
        String region = pick(
                random,
                REGIONS,
                drifted ? new double[] {0.15, 0.55, 0.15, 0.15} : new double[] {0.25, 0.25, 0.25, 0.25});
        int tenure = (int) Math.min(72, Math.floor(-Math.log(1 - random.nextDouble()) * (drifted ? 14 : 24)));
        double charges = clamp(random.nextGaussian() * 20 + (drifted ? 90 : 70), 18, 140);
        int calls = poisson(random, drifted ? 3.0 : 1.5);
        double logit;
        if (!drifted) {
            logit = -0.4
                    + (contract.equals("monthly") ? 1.3 : contract.equals("two-year") ? -1.4 : 0)
                    - 0.05 * tenure
                    + 0.03 * (charges - 70)
                    + 0.45 * calls;
        } else {
            logit = -0.2
                    + (contract.equals("monthly") ? 0.2 : contract.equals("two-year") ? -0.2 : 0)
                    - 0.01 * tenure
                    - 0.06 * (charges - 90)
                    + 0.9 * (calls - 3)
                    + (region.equals("south") ? 1.5 : -0.5);
        }
        boolean churned = random.nextDouble() < 1 / (1 + Math.exp(-logit));
        return String.format(
                Locale.ROOT,
                "c%06d,%d,%.2f,%d,%s,%s,%s",
                index,
                tenure,
                charges,
                calls,
                contract,
                region,
                churned ? "yes" : "no");
    }

    private static String pick(Random random, List<String> values, double[] weights) {
        double u = random.nextDouble();
        for (int i = 0; i < weights.length - 1; i++) {
            u -= weights[i];
            if (u < 0) {
                return values.get(i);
            }
        }
        return values.get(values.size() - 1);
    }

    private static int poisson(Random random, double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    @Override
    public String toString() {
        return "ChurnData{" + (drifted ? "drifted" : "normal") + "}";
    }
}
