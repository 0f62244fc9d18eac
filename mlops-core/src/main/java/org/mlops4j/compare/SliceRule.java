package org.mlops4j.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A slice guardrail: in no slice (examples sharing a key along a dimension, such as {@code region=EU}) may the
 * challenger be worse than the champion by more than a tolerance. Slices smaller than the minimum slice size are
 * skipped (they are reported), and so are slices on which the metric is undefined for either model (AUC on a slice
 * with one class only). The metric is computed on each slice by the {@link ExampleMetric}, so both evaluations need
 * per-example outcomes with the dimension and the same key for each example, on the same dataset version; otherwise
 * the rule is inconclusive. It is also inconclusive, not passed, when no slice could be checked. With no champion it
 * does not apply and passes.
 *
 * <p>Immutable and thread-safe; each setter returns a new rule and may be called once. Example:
 *
 * <pre>{@code
 * SliceRule rule = Policies.noSliceRegression("accuracy").by("region").tolerance(0.01).minSliceSize(200);
 * }</pre>
 */
public final class SliceRule implements ComparisonPolicy {
    private static final int DEFAULT_MIN_SLICE_SIZE = 30;

    private final ExampleMetric metric;
    private final String dimension;
    private final @Nullable Double tolerance;
    private final @Nullable Integer minSliceSize;

    private SliceRule(
            ExampleMetric metric, String dimension, @Nullable Double tolerance, @Nullable Integer minSliceSize) {
        this.metric = metric;
        this.dimension = dimension;
        this.tolerance = tolerance;
        this.minSliceSize = minSliceSize;
    }

    static SliceDimensionStep start(ExampleMetric metric) {
        Objects.requireNonNull(metric, "metric");
        return dimension -> {
            Objects.requireNonNull(dimension, "dimension");
            if (dimension.isBlank()) {
                throw new IllegalArgumentException("a slice dimension must not be blank, got '" + dimension + "'");
            }
            return new SliceRule(metric, dimension, null, null);
        };
    }

    /**
     * Sets how much worse than the champion a slice may be, in the metric's units; the default is 0.
     *
     * @param allowedLoss finite and not negative
     * @return a new rule
     * @throws IllegalArgumentException if the tolerance is negative or not finite
     * @throws IllegalStateException if the tolerance was already set
     */
    public SliceRule tolerance(double allowedLoss) {
        if (tolerance != null) {
            throw new IllegalStateException("tolerance is already set to " + tolerance + " on this rule");
        }
        if (!(allowedLoss >= 0) || Double.isInfinite(allowedLoss)) {
            throw new IllegalArgumentException("tolerance must be finite and not negative, got " + allowedLoss);
        }
        return new SliceRule(metric, dimension, allowedLoss, minSliceSize);
    }

    /**
     * Sets the minimum number of examples of a slice for it to be checked; the default is 30.
     *
     * @param examples at least 1
     * @return a new rule
     * @throws IllegalArgumentException if {@code examples} is below 1
     * @throws IllegalStateException if the minimum was already set
     */
    public SliceRule minSliceSize(int examples) {
        if (minSliceSize != null) {
            throw new IllegalStateException("minSliceSize is already set to " + minSliceSize + " on this rule");
        }
        if (examples < 1) {
            throw new IllegalArgumentException("minSliceSize must be at least 1, got " + examples);
        }
        return new SliceRule(metric, dimension, tolerance, examples);
    }

    @Override
    public Verdict compare(@Nullable Evaluation champion, Evaluation challenger) {
        Objects.requireNonNull(challenger, "challenger");
        return Verdict.single(evaluate(champion, challenger), champion, challenger);
    }

    private Finding evaluate(@Nullable Evaluation champion, Evaluation challenger) {
        double tol = tolerance == null ? 0 : tolerance;
        int min = minSliceSize == null ? DEFAULT_MIN_SLICE_SIZE : minSliceSize;
        String threshold = "no slice with ≥ " + min + " examples loses more than " + Finding.fmt(tol);
        if (champion == null) {
            return finding(Decision.PROMOTE, null, null, null, threshold, "no champion: the rule does not apply");
        }
        Optional<Outcomes> champ = champion.findOutcomes();
        Optional<Outcomes> chal = challenger.findOutcomes();
        if (champ.isEmpty() || chal.isEmpty()) {
            return inconclusive(threshold, "needs per-example outcomes of both models");
        }
        if (!champion.getDataset().equals(challenger.getDataset())) {
            return inconclusive(
                    threshold,
                    "slices need both models evaluated on the same dataset version: " + champion.getDataset() + " and "
                            + challenger.getDataset());
        }
        Outcomes a = champ.get();
        Outcomes b = chal.get();
        Outcomes.requirePaired(a, b);
        Finding unpaired = unpairedSlices(a, b, threshold);
        if (unpaired != null) {
            return unpaired;
        }
        String[] keys = b.slice(dimension);
        Map<String, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) {
            members.computeIfAbsent(keys[i], k -> new ArrayList<>()).add(i);
        }
        ExampleMetric.Bound ca = metric.bind(a);
        ExampleMetric.Bound cb = metric.bind(b);
        double sign = metric.isHigherBetter() ? 1 : -1;
        int[] counts = new int[keys.length];
        String worst = null;
        double worstGain = Double.POSITIVE_INFINITY;
        double worstChamp = Double.NaN;
        double worstChal = Double.NaN;
        List<String> regressed = new ArrayList<>();
        List<String> small = new ArrayList<>();
        List<String> undefined = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, List<Integer>> slice : members.entrySet()) {
            List<Integer> idx = slice.getValue();
            if (idx.size() < min) {
                small.add(slice.getKey() + " (" + idx.size() + ")");
                continue;
            }
            for (int i : idx) {
                counts[i] = 1;
            }
            double vc = ca.value(counts);
            double vb = cb.value(counts);
            for (int i : idx) {
                counts[i] = 0;
            }
            if (Double.isNaN(vc) || Double.isNaN(vb)) {
                // AUC on a slice with one class only: nothing to compare, so the slice is not checked
                undefined.add(slice.getKey() + " (" + idx.size() + ")");
                continue;
            }
            checked++;
            double gain = sign * (vb - vc);
            if (gain < worstGain) {
                worst = slice.getKey();
                worstGain = gain;
                worstChamp = vc;
                worstChal = vb;
            }
            if (!(gain >= -tol)) {
                regressed.add(
                        dimension + "=" + slice.getKey() + " " + Finding.signed(gain) + " (n=" + idx.size() + ")");
            }
        }
        StringBuilder detail = new StringBuilder();
        detail.append(checked)
                .append(" of ")
                .append(members.size())
                .append(" slices by ")
                .append(dimension)
                .append(" checked");
        if (!small.isEmpty()) {
            detail.append(", too small: ").append(String.join(", ", small));
        }
        if (!undefined.isEmpty()) {
            detail.append(", ")
                    .append(metric.name())
                    .append(" undefined (one class only?): ")
                    .append(String.join(", ", undefined));
        }
        if (worst == null) {
            detail.append("; no slice could be checked: lower minSliceSize or collect more examples per slice");
            return inconclusive(threshold, detail.toString());
        }
        detail.append("; worst ").append(dimension).append('=').append(worst);
        if (!regressed.isEmpty()) {
            detail.append("; regressed: ").append(String.join(", ", regressed));
        }
        return finding(
                regressed.isEmpty() ? Decision.PROMOTE : Decision.REJECT,
                worstChamp,
                worstChal,
                worstGain,
                threshold,
                detail.toString());
    }

    /**
     * Returns an inconclusive finding when the two models' outcomes cannot be sliced alike: a side without the
     * dimension, or examples whose keys differ (the slices would not hold the same examples); else null.
     */
    private @Nullable Finding unpairedSlices(Outcomes champion, Outcomes challenger, String threshold) {
        boolean onChampion = champion.hasSlice(dimension);
        boolean onChallenger = challenger.hasSlice(dimension);
        if (!onChampion || !onChallenger) {
            String side = !onChampion && !onChallenger
                    ? "neither model's outcomes have"
                    : !onChampion ? "the champion's outcomes have" : "the challenger's outcomes have";
            Outcomes lacking = onChallenger ? champion : challenger;
            return inconclusive(
                    threshold,
                    side + " no slice dimension '" + dimension + "' (they have "
                            + lacking.getSliceDimensions()
                            + "); add it with Outcomes.withSlice to both evaluations");
        }
        String[] a = champion.slice(dimension);
        String[] b = challenger.slice(dimension);
        for (int i = 0; i < a.length; i++) {
            if (!a[i].equals(b[i])) {
                return inconclusive(
                        threshold,
                        "the slice keys of '" + dimension + "' differ between the models at example " + i + ": '"
                                + a[i] + "' for the champion, '" + b[i] + "' for the challenger; slice both"
                                + " evaluations of the same dataset version with the same keys");
            }
        }
        return null;
    }

    /** A finding that decided before any slice was compared. */
    private Finding inconclusive(String threshold, String detail) {
        return finding(Decision.INCONCLUSIVE, null, null, null, threshold, detail);
    }

    private Finding finding(
            Decision decision,
            @Nullable Double champion,
            @Nullable Double challenger,
            @Nullable Double delta,
            String threshold,
            String detail) {
        return new Finding(
                toString(), metric.name(), decision, champion, challenger, delta, null, null, null, threshold, detail);
    }

    @Override
    public String toString() {
        return "no regression in " + metric.name() + " on any slice by " + dimension;
    }
}
