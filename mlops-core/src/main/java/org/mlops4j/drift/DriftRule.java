package org.mlops4j.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.SignificanceResult;

/**
 * A drift rule: a per-column test and a dataset-level share of drifted columns. Built with {@link Drift}.
 *
 * <p>Immutable and thread-safe. Example:
 *
 * <pre>{@code
 * DriftRule rule = Drift.ks(0.01).whenShareAtLeast(0.25);
 * DriftReport report = rule.detect(referenceColumns, currentColumns);
 * }</pre>
 */
public final class DriftRule {
    /** SciPy's {@code ks_2samp} uses the exact distribution up to this many values per side. */
    static final int KS_EXACT_MAX = 10_000;

    enum Kind {
        PSI,
        KS,
        CHI_SQUARE
    }

    private final Kind kind;
    private final double threshold;
    private final double share;
    private final boolean shareSet;

    private DriftRule(Kind kind, double threshold, double share, boolean shareSet) {
        this.kind = kind;
        this.threshold = threshold;
        this.share = share;
        this.shareSet = shareSet;
    }

    static DriftRule of(Kind kind, double threshold) {
        if (kind == Kind.PSI) {
            if (!(threshold > 0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("a PSI threshold must be positive and finite, got " + threshold);
            }
        } else if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("α must be strictly between 0 and 1, got " + threshold);
        }
        return new DriftRule(kind, threshold, 0, false);
    }

    /**
     * Sets the dataset-level rule: the dataset drifted when at least this share of its columns drifted. Without it,
     * one drifted column is enough.
     *
     * @param minShare a share in (0, 1]
     * @return a new rule
     * @throws IllegalArgumentException if the share is not in (0, 1]
     * @throws IllegalStateException if the share was already set
     */
    public DriftRule whenShareAtLeast(double minShare) {
        if (shareSet) {
            throw new IllegalStateException("the drifted share is already set to " + share + " on this rule");
        }
        if (!(minShare > 0 && minShare <= 1)) {
            throw new IllegalArgumentException("the drifted share must be in (0, 1], got " + minShare);
        }
        return new DriftRule(kind, threshold, minShare, true);
    }

    /**
     * Tests one numeric column.
     *
     * @param reference the reference column (training data)
     * @param current the current column
     * @return the result
     * @throws IllegalArgumentException if a column has no values
     */
    public ColumnDrift test(NumericColumn reference, NumericColumn current) {
        double[] ref = reference.values();
        double[] cur = current.values();
        if (ref.length == 0 || cur.length == 0) {
            throw new IllegalArgumentException("column '" + current.name() + "' has no values on the "
                    + (ref.length == 0 ? "reference" : "current") + " side");
        }
        if (kind == Kind.PSI) {
            double psi = psi(reference.deciles(), ref, cur);
            return new ColumnDrift(
                    current.name(), "psi", psi, null, threshold, psi > threshold, ref.length, cur.length);
        }
        boolean exact = Math.max(ref.length, cur.length) <= KS_EXACT_MAX;
        KolmogorovSmirnovTest.TwoResult r = KolmogorovSmirnovTest.withDefaults()
                .with(exact ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC)
                .test(ref, cur);
        return new ColumnDrift(
                current.name(),
                "ks",
                r.getStatistic(),
                r.getPValue(),
                threshold,
                r.getPValue() < threshold,
                ref.length,
                cur.length);
    }

    /**
     * Tests one categorical column.
     *
     * @param reference the reference column (training data)
     * @param current the current column
     * @return the result
     */
    public ColumnDrift test(CategoricalColumn reference, CategoricalColumn current) {
        Map<String, Long> ref = reference.counts();
        Map<String, Long> cur = current.counts();
        TreeSet<String> categories = new TreeSet<>(ref.keySet());
        categories.addAll(cur.keySet());
        categories.removeIf(c -> ref.getOrDefault(c, 0L) == 0 && cur.getOrDefault(c, 0L) == 0);
        long[][] table = new long[2][categories.size()];
        int k = 0;
        for (String c : categories) {
            table[0][k] = ref.getOrDefault(c, 0L);
            table[1][k] = cur.getOrDefault(c, 0L);
            k++;
        }
        long refRows = Arrays.stream(table[0]).sum();
        long curRows = Arrays.stream(table[1]).sum();
        if (kind == Kind.PSI) {
            double psi = 0;
            for (int i = 0; i < table[0].length; i++) {
                psi += psiTerm((double) table[0][i] / refRows, (double) table[1][i] / curRows);
            }
            return new ColumnDrift(current.name(), "psi", psi, null, threshold, psi > threshold, refRows, curRows);
        }
        if (table[0].length < 2) {
            return new ColumnDrift(current.name(), "chi-square", 0, 1.0, threshold, false, refRows, curRows);
        }
        SignificanceResult r = ChiSquareTest.withDefaults().test(table);
        return new ColumnDrift(
                current.name(),
                "chi-square",
                r.getStatistic(),
                r.getPValue(),
                threshold,
                r.getPValue() < threshold,
                refRows,
                curRows);
    }

    /**
     * Tests every column of a dataset against its reference, pairing columns by name; a column present on one side
     * only counts as drifted.
     *
     * @param reference the reference columns (training data)
     * @param current the current columns
     * @return the report
     * @throws IllegalArgumentException if a name repeats on one side, or a column is numeric on one side and
     *     categorical on the other
     */
    public DriftReport detect(List<? extends Column> reference, List<? extends Column> current) {
        Map<String, Column> ref = byName(reference, "reference");
        Map<String, Column> cur = byName(current, "current");
        List<ColumnDrift> results = new ArrayList<>();
        for (Map.Entry<String, Column> e : ref.entrySet()) {
            Column c = cur.get(e.getKey());
            Column r = e.getValue();
            if (c == null) {
                results.add(new ColumnDrift(e.getKey(), "missing", Double.NaN, null, threshold, true, rows(r), 0));
            } else if (r instanceof NumericColumn rn && c instanceof NumericColumn cn) {
                results.add(test(rn, cn));
            } else if (r instanceof CategoricalColumn rc && c instanceof CategoricalColumn cc) {
                results.add(test(rc, cc));
            } else {
                throw new IllegalArgumentException("column '" + e.getKey() + "' is " + kindOf(r) + " in the reference"
                        + " but " + kindOf(c) + " in the current data");
            }
        }
        for (Map.Entry<String, Column> e : cur.entrySet()) {
            if (!ref.containsKey(e.getKey())) {
                results.add(new ColumnDrift(
                        e.getKey(), "missing", Double.NaN, null, threshold, true, 0, rows(e.getValue())));
            }
        }
        return new DriftReport(results, shareSet ? share : 0, toString());
    }

    /** PSI over bins cut at the distinct deciles; values equal to an edge fall into the bin that edge closes. */
    static double psi(double[] deciles, double[] reference, double[] current) {
        double[] edges = Arrays.stream(deciles).distinct().sorted().toArray();
        double[] p = proportions(edges, reference);
        double[] q = proportions(edges, current);
        double psi = 0;
        for (int i = 0; i < p.length; i++) {
            psi += psiTerm(p[i], q[i]);
        }
        return psi;
    }

    private static double psiTerm(double p, double q) {
        double pp = p == 0 ? Drift.PSI_EPSILON : p;
        double qq = q == 0 ? Drift.PSI_EPSILON : q;
        return (qq - pp) * Math.log(qq / pp);
    }

    private static double[] proportions(double[] edges, double[] values) {
        long[] counts = new long[edges.length + 1];
        for (double v : values) {
            counts[lowerEdges(edges, v)]++;
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = (double) counts[i] / values.length;
        }
        return shares;
    }

    /** Returns the number of edges strictly below v (NumPy's {@code searchsorted(edges, v, side='left')}). */
    private static int lowerEdges(double[] edges, double v) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static Map<String, Column> byName(List<? extends Column> columns, String side) {
        Map<String, Column> map = new LinkedHashMap<>();
        for (Column c : columns) {
            Objects.requireNonNull(c, "column");
            if (map.put(c.name(), c) != null) {
                throw new IllegalArgumentException("column '" + c.name() + "' appears twice in the " + side + " data");
            }
        }
        return map;
    }

    private static long rows(Column c) {
        if (c instanceof NumericColumn n) {
            return n.values().length;
        }
        if (c instanceof CategoricalColumn k) {
            return k.counts().values().stream().mapToLong(Long::longValue).sum();
        }
        return 0;
    }

    private static String kindOf(Column c) {
        return c instanceof NumericColumn ? "numeric" : c instanceof CategoricalColumn ? "categorical" : "unknown";
    }

    @Override
    public String toString() {
        String test = switch (kind) {
            case PSI -> "PSI > " + threshold;
            case KS -> "KS (numbers) / chi-square (categories) at α=" + threshold;
            case CHI_SQUARE -> "chi-square (categories) / KS (numbers) at α=" + threshold;
        };
        return test + (shareSet ? ", dataset drifted when ≥ " + share * 100 + "% of columns drift" : "");
    }
}
