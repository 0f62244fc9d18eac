package org.mlops4j.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.SignificanceResult;
import org.jspecify.annotations.Nullable;
import org.mlops4j.data.profile.CategoryCounts;
import org.mlops4j.data.profile.ValueHistogram;

/**
 * A drift rule: a per-column test and a dataset-level share of drifted columns. Built with {@link Drift}.
 *
 * <p>A report never fails because of a column's shape: a column present on one side only, without values in one
 * version, or numeric on one side and categorical on the other is reported as drift; a column whose summaries cannot
 * be compared is reported as not tested, with the reason; every other column is still tested.
 *
 * <p>Columns from a dataset profile ({@link Columns#fromProfile}) are tested on summaries of all rows: numbers by
 * their {@link ValueHistogram} (the Kolmogorov–Smirnov distance at every cell, with ties broken at random in a fixed
 * order; PSI over bins of cells cut at the reference's deciles), categories by their exact counts or, beyond the
 * profile's cap, by hash bucket. A column from an older profile ({@code csv-profile/1}) is tested on its reservoir
 * sample or top values as before, and the result's note says so.
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
    static final int KS_EXACT_MAX = KolmogorovSmirnov.EXACT_MAX;

    /** PSI needs this many rows per bin on each side (and at least ten bins' worth); see {@link Drift#psi}. */
    static final int PSI_ROWS_PER_BIN = 50;

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
     * @return the result; a side without values, or with NaN, is reported as such rather than tested
     */
    public ColumnDrift test(NumericColumn reference, NumericColumn current) {
        return compare(current.name(), reference, current);
    }

    /**
     * Tests one categorical column.
     *
     * @param reference the reference column (training data)
     * @param current the current column
     * @return the result; a side without rows is reported as such rather than tested
     */
    public ColumnDrift test(CategoricalColumn reference, CategoricalColumn current) {
        return compare(current.name(), reference, current);
    }

    /**
     * Tests every column of a dataset against its reference, pairing columns by name. The report never fails for a
     * column's shape: see the class comment.
     *
     * @param reference the reference columns (training data)
     * @param current the current columns
     * @return the report
     * @throws IllegalArgumentException if a name repeats on one side (the caller's lists are wrong, not the data)
     */
    public DriftReport detect(List<? extends Column> reference, List<? extends Column> current) {
        Map<String, Column> ref = byName(reference, "reference");
        Map<String, Column> cur = byName(current, "current");
        List<ColumnDrift> results = new ArrayList<>();
        for (Map.Entry<String, Column> e : ref.entrySet()) {
            Column c = cur.get(e.getKey());
            if (c == null) {
                results.add(shape(e.getKey(), "missing", true, rows(e.getValue()), 0, ""));
            } else {
                results.add(compare(e.getKey(), e.getValue(), c));
            }
        }
        for (Map.Entry<String, Column> e : cur.entrySet()) {
            if (!ref.containsKey(e.getKey())) {
                results.add(shape(e.getKey(), "missing", true, 0, rows(e.getValue()), ""));
            }
        }
        return new DriftReport(results, shareSet ? share : 0, toString());
    }

    /** Compares one pair of columns; never throws for their shape. */
    private ColumnDrift compare(String name, Column reference, Column current) {
        long refRows = rows(reference);
        long curRows = rows(current);
        if (refRows == 0 || curRows == 0) {
            String note = refRows == 0 && curRows == 0
                    ? "no values in either version"
                    : refRows == 0
                            ? "every value was null in the reference; the current version has values"
                            : "every value is null in the current version";
            return shape(name, "all-null", refRows != curRows, refRows, curRows, note);
        }
        String refKind = kindOf(reference);
        String curKind = kindOf(current);
        if (refKind.equals("unknown") || curKind.equals("unknown")) {
            return shape(
                    name,
                    "untestable",
                    false,
                    refRows,
                    curRows,
                    "a column must be a NumericColumn or a CategoricalColumn, got "
                            + reference.getClass().getName() + " and "
                            + current.getClass().getName());
        }
        if (!refKind.equals(curKind)) {
            return shape(
                    name,
                    "type-change",
                    true,
                    refRows,
                    curRows,
                    refKind + typeOf(reference) + " in the reference, " + curKind + typeOf(current)
                            + " in the current version");
        }
        if (refKind.equals("numeric")) {
            Numbers r = Numbers.of(reference);
            Numbers c = Numbers.of(current);
            String nan = r.nanNote("reference") + c.nanNote("current");
            if (!nan.isEmpty()) {
                return shape(name, "untestable", false, refRows, curRows, nan.trim());
            }
            return testNumbers(name, r, c);
        }
        return testCategories(name, Counts.of(reference), Counts.of(current));
    }

    private ColumnDrift testNumbers(String name, Numbers r, Numbers c) {
        String note = notes(r.note("reference"), c.note("current"));
        if (r.histogram == null && c.histogram == null) {
            double[] ref = r.values();
            double[] cur = c.values();
            if (kind == Kind.PSI) {
                double[] edges = Arrays.stream(r.deciles()).distinct().sorted().toArray();
                return psi(name, proportions(edges, ref), proportions(edges, cur), ref.length, cur.length, note);
            }
            KolmogorovSmirnov.Result ks = KolmogorovSmirnov.ofValues(ref, cur);
            return ks(name, ks, ref.length, cur.length, note);
        }
        int shift = Math.max(r.shift(), c.shift());
        ValueHistogram a = r.at(shift);
        ValueHistogram b = c.at(shift);
        long[][] cells = aligned(a, b);
        if (kind == Kind.PSI) {
            long[][] bins = byReferenceDeciles(cells[0], cells[1]);
            return psi(name, shares(bins[0]), shares(bins[1]), a.getTotal(), b.getTotal(), note);
        }
        return ks(name, KolmogorovSmirnov.ofCells(cells[0], cells[1]), a.getTotal(), b.getTotal(), note);
    }

    private ColumnDrift testCategories(String name, Counts r, Counts c) {
        if ((r.topValues && c.buckets != null) || (c.topValues && r.buckets != null)) {
            return shape(
                    name,
                    "untestable",
                    false,
                    r.rows(),
                    c.rows(),
                    "one side has only the top values of an older profile (csv-profile/1) and the other only a hash"
                            + " partition of over a thousand categories: profile the older version again to test it");
        }
        long[][] table;
        String note = notes(r.note("reference"), c.note("current"));
        if (r.buckets != null || c.buckets != null) {
            table = new long[][] {r.bucketCounts(), c.bucketCounts()};
            note = notes(
                    note,
                    "compared by a hash partition of " + CategoryCounts.HASH_BUCKETS
                            + " buckets (the profile keeps exact counts up to its cap of categories)");
        } else {
            Map<String, Long> ref = r.exact();
            Map<String, Long> cur = c.exact();
            if (r.topValues != c.topValues) { // an older profile's top values: fold the other side onto them
                ref = r.topValues ? ref : foldOnto(ref, cur.keySet());
                cur = c.topValues ? cur : foldOnto(cur, ref.keySet());
            }
            TreeSet<String> categories = new TreeSet<>(ref.keySet());
            categories.addAll(cur.keySet());
            table = new long[2][categories.size()];
            int k = 0;
            for (String category : categories) {
                table[0][k] = ref.getOrDefault(category, 0L);
                table[1][k] = cur.getOrDefault(category, 0L);
                k++;
            }
        }
        table = withoutEmptyColumns(table);
        long refRows = Arrays.stream(table[0]).sum();
        long curRows = Arrays.stream(table[1]).sum();
        if (kind == Kind.PSI) {
            return psi(name, shares(table[0]), shares(table[1]), refRows, curRows, note);
        }
        if (table[0].length < 2) {
            return new ColumnDrift(name, "chi-square", 0, 1.0, threshold, false, refRows, curRows, null, note);
        }
        SignificanceResult result = ChiSquareTest.withDefaults().test(table);
        return new ColumnDrift(
                name,
                "chi-square",
                result.getStatistic(),
                result.getPValue(),
                threshold,
                result.getPValue() < threshold,
                refRows,
                curRows,
                null,
                note);
    }

    /** Keeps the keys of {@code onto} that {@code counts} has, and puts the rest under "(other)". */
    private static Map<String, Long> foldOnto(Map<String, Long> counts, java.util.Set<String> onto) {
        Map<String, Long> folded = new TreeMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            String key = onto.contains(e.getKey()) ? e.getKey() : ProfiledColumn.TopValues.OTHER;
            folded.merge(key, e.getValue(), Long::sum);
        }
        return folded;
    }

    private static long[][] withoutEmptyColumns(long[][] table) {
        int kept = 0;
        for (int k = 0; k < table[0].length; k++) {
            if (table[0][k] != 0 || table[1][k] != 0) {
                kept++;
            }
        }
        long[][] out = new long[2][kept];
        int j = 0;
        for (int k = 0; k < table[0].length; k++) {
            if (table[0][k] != 0 || table[1][k] != 0) {
                out[0][j] = table[0][k];
                out[1][j] = table[1][k];
                j++;
            }
        }
        return out;
    }

    private ColumnDrift ks(String name, KolmogorovSmirnov.Result r, long refRows, long curRows, String note) {
        return new ColumnDrift(
                name, "ks", r.statistic(), r.pValue(), threshold, r.pValue() < threshold, refRows, curRows, null, note);
    }

    /**
     * PSI over bins with the rows of each side; below the minimum rows per side for that many bins it is reported
     * but never counts as drift (see {@link Drift#psi}).
     */
    private ColumnDrift psi(String name, double[] p, double[] q, long refRows, long curRows, String note) {
        double psi = 0;
        for (int i = 0; i < p.length; i++) {
            psi += psiTerm(p[i], q[i]);
        }
        int bins = p.length;
        double expected = expectedPsi(bins, refRows, curRows);
        long minimum = psiMinimumRows(bins);
        boolean enough = refRows >= minimum && curRows >= minimum;
        String guard = enough
                ? ""
                : "too few rows for PSI over " + bins + " bins: it needs at least " + minimum + " per side ("
                        + PSI_ROWS_PER_BIN + " per bin), so it does not count as drift";
        return new ColumnDrift(
                name,
                "psi",
                psi,
                null,
                threshold,
                enough && psi > threshold,
                refRows,
                curRows,
                expected,
                notes(note, guard));
    }

    /** The expected PSI without drift, {@code (bins − 1)(1/n + 1/m)}: PSI ≈ (1/n + 1/m) χ²(bins − 1) then. */
    static double expectedPsi(int bins, long n, long m) {
        return (bins - 1) * (1.0 / n + 1.0 / m);
    }

    /** The fewest rows per side for PSI over a number of bins: 50 per bin, and at least 500. */
    static long psiMinimumRows(int bins) {
        return (long) PSI_ROWS_PER_BIN * Math.max(bins, 10);
    }

    private static double psiTerm(double p, double q) {
        double pp = p == 0 ? Drift.PSI_EPSILON : p;
        double qq = q == 0 ? Drift.PSI_EPSILON : q;
        return (qq - pp) * Math.log(qq / pp);
    }

    /** Bins cut at the edges; a value equal to an edge falls into the bin that edge closes. */
    private static double[] proportions(double[] edges, double[] values) {
        long[] counts = new long[edges.length + 1];
        for (double v : values) {
            counts[lowerEdges(edges, v)]++;
        }
        return shares(counts);
    }

    private static double[] shares(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            shares[i] = (double) counts[i] / total;
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

    /** Returns both histograms' counts over the union of their cells, in ascending cell order. */
    static long[][] aligned(ValueHistogram a, ValueHistogram b) {
        long[][] out = new long[2][a.size() + b.size()];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < a.size() || j < b.size()) {
            long ka = i < a.size() ? a.getKey(i) : Long.MAX_VALUE;
            long kb = j < b.size() ? b.getKey(j) : Long.MAX_VALUE;
            if (i < a.size() && (j >= b.size() || ka <= kb)) {
                out[0][k] = a.getCount(i);
                if (j < b.size() && ka == kb) {
                    out[1][k] = b.getCount(j++);
                }
                i++;
            } else {
                out[1][k] = b.getCount(j++);
            }
            k++;
        }
        return new long[][] {Arrays.copyOf(out[0], k), Arrays.copyOf(out[1], k)};
    }

    /**
     * Groups aligned cells into PSI's bins: edges at the reference's deciles, each the cell that holds the reference's
     * value of rank ⌈qn⌉ (q = 0.1, …, 0.9), which closes its bin; a cell goes to the bin of the first edge at or
     * after it.
     */
    static long[][] byReferenceDeciles(long[] reference, long[] current) {
        long n = 0;
        for (long c : reference) {
            n += c;
        }
        List<Integer> edges = new ArrayList<>();
        long seen = 0;
        int decile = 1;
        for (int i = 0; i < reference.length && decile <= 9; i++) {
            seen += reference[i];
            boolean edge = false;
            while (decile <= 9 && seen >= Math.max(1, (decile * n + 9) / 10)) {
                edge = true;
                decile++;
            }
            if (edge) {
                edges.add(i);
            }
        }
        long[][] bins = new long[2][edges.size() + 1];
        int bin = 0;
        for (int i = 0; i < reference.length; i++) {
            while (bin < edges.size() && edges.get(bin) < i) {
                bin++;
            }
            bins[0][bin] += reference[i];
            bins[1][bin] += current[i];
        }
        return bins;
    }

    private ColumnDrift shape(String name, String test, boolean drifted, long refRows, long curRows, String note) {
        return new ColumnDrift(name, test, Double.NaN, null, threshold, drifted, refRows, curRows, null, note);
    }

    private static String notes(String... parts) {
        StringBuilder s = new StringBuilder();
        for (String p : parts) {
            if (!p.isEmpty()) {
                s.append(s.length() == 0 ? "" : "; ").append(p);
            }
        }
        return s.toString();
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
        if (c instanceof ProfiledColumn p) {
            return p.count();
        }
        if (c instanceof NumericColumn n) {
            return n.values().length;
        }
        if (c instanceof CategoricalColumn k) {
            return k.counts().values().stream().mapToLong(Long::longValue).sum();
        }
        return 0;
    }

    private static String kindOf(Column c) {
        return c instanceof NumericColumn || c instanceof ProfiledColumn.Histogram
                ? "numeric"
                : c instanceof CategoricalColumn || c instanceof ProfiledColumn.Categories ? "categorical" : "unknown";
    }

    private static String typeOf(Column c) {
        return c instanceof ProfiledColumn p ? " (" + p.type() + ")" : "";
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

    /** A numeric column as the tests see it: raw values (or a sample) or a histogram of every value. */
    private static final class Numbers {
        private final @Nullable NumericColumn column;
        private final @Nullable ValueHistogram histogram;

        private Numbers(@Nullable NumericColumn column, @Nullable ValueHistogram histogram) {
            this.column = column;
            this.histogram = histogram;
        }

        static Numbers of(Column c) {
            if (c instanceof ProfiledColumn.Histogram h) {
                return new Numbers(null, h.histogram());
            }
            return new Numbers((NumericColumn) c, null);
        }

        double[] values() {
            return Objects.requireNonNull(column, "column").values();
        }

        double[] deciles() {
            return Objects.requireNonNull(column, "column").deciles();
        }

        int shift() {
            return histogram == null ? 0 : histogram.getShift();
        }

        /** Returns the histogram at a shift, counting raw values into it when there is none. */
        ValueHistogram at(int shift) {
            if (histogram != null) {
                return histogram.atShift(shift);
            }
            return Columns.histogram(values(), shift);
        }

        String nanNote(String side) {
            if (column == null) {
                return "";
            }
            for (double v : column.values()) {
                if (Double.isNaN(v)) {
                    return " the " + side + " side has NaN among its values: drop or impute them before testing.";
                }
            }
            return "";
        }

        String note(String side) {
            if (column instanceof ProfiledColumn.Sample s) {
                return side + ": " + s.note() + " (an older profile, csv-profile/1: approximate)";
            }
            return "";
        }
    }

    /** A categorical column as the tests see it: exact counts by category, or counts by hash bucket. */
    private static final class Counts {
        private final @Nullable Map<String, Long> exact;
        private final long @Nullable [] buckets;
        private final boolean topValues;
        private final boolean topValuesExact;

        private Counts(
                @Nullable Map<String, Long> exact,
                long @Nullable [] buckets,
                boolean topValues,
                boolean topValuesExact) {
            this.exact = exact;
            this.buckets = buckets;
            this.topValues = topValues;
            this.topValuesExact = topValuesExact;
        }

        static Counts of(Column c) {
            if (c instanceof ProfiledColumn.Categories k) {
                CategoryCounts counts = k.counts();
                if (counts.isExact()) {
                    return new Counts(counts.getValueCounts(), null, false, false);
                }
                return new Counts(
                        null,
                        counts.getBucketCounts().stream()
                                .mapToLong(Long::longValue)
                                .toArray(),
                        false,
                        false);
            }
            if (c instanceof ProfiledColumn.TopValues t) {
                return new Counts(t.counts(), null, true, t.exact());
            }
            return new Counts(((CategoricalColumn) c).counts(), null, false, false);
        }

        Map<String, Long> exact() {
            return Objects.requireNonNull(exact, "exact");
        }

        long rows() {
            long total = 0;
            if (exact != null) {
                for (long v : exact.values()) {
                    total += v;
                }
            } else if (buckets != null) {
                for (long v : buckets) {
                    total += v;
                }
            }
            return total;
        }

        long[] bucketCounts() {
            if (buckets != null) {
                return buckets;
            }
            long[] out = new long[CategoryCounts.HASH_BUCKETS];
            for (Map.Entry<String, Long> e : exact().entrySet()) {
                out[CategoryCounts.bucketOf(e.getKey())] += e.getValue();
            }
            return out;
        }

        String note(String side) {
            if (!topValues || topValuesExact) {
                return "";
            }
            return side + ": the top values of an older profile (csv-profile/1), the rest as '"
                    + ProfiledColumn.TopValues.OTHER + "': approximate counts";
        }
    }
}
