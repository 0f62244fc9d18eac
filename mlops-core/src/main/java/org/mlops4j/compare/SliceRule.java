package org.mlops4j.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A slice guardrail: in no slice (examples sharing a key along a dimension, such as {@code region=EU}) may the
 * challenger be worse than the champion by more than a tolerance. Slices smaller than the minimum slice size are
 * skipped (they are reported). The metric is computed on each slice by the {@link ExampleMetric}, so both evaluations
 * need per-example outcomes with the dimension, on the same dataset version; otherwise the rule is inconclusive. With
 * no champion it does not apply and passes.
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
            return finding(
                    Decision.INCONCLUSIVE, null, null, null, threshold, "needs per-example outcomes of both models");
        }
        if (!champion.getDataset().equals(challenger.getDataset())) {
            return finding(
                    Decision.INCONCLUSIVE,
                    null,
                    null,
                    null,
                    threshold,
                    "slices need both models evaluated on the same dataset version: " + champion.getDataset() + " and "
                            + challenger.getDataset());
        }
        Outcomes a = champ.get();
        Outcomes b = chal.get();
        Outcomes.requirePaired(a, b);
        if (!b.hasSlice(dimension)) {
            return finding(
                    Decision.INCONCLUSIVE,
                    null,
                    null,
                    null,
                    threshold,
                    "the challenger's outcomes have no slice dimension '" + dimension + "' (they have "
                            + b.getSliceDimensions() + ")");
        }
        String[] keys = b.slice(dimension);
        Map<String, List<Integer>> members = new LinkedHashMap<>();
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
        int checked = 0;
        for (Map.Entry<String, List<Integer>> slice : new java.util.TreeMap<>(members).entrySet()) {
            List<Integer> idx = slice.getValue();
            if (idx.size() < min) {
                small.add(slice.getKey() + " (" + idx.size() + ")");
                continue;
            }
            checked++;
            for (int i : idx) {
                counts[i] = 1;
            }
            double vc = ca.value(counts);
            double vb = cb.value(counts);
            for (int i : idx) {
                counts[i] = 0;
            }
            double gain = sign * (vb - vc);
            if (Double.isNaN(gain) || gain < worstGain) {
                worst = slice.getKey();
                worstGain = Double.isNaN(gain) ? Double.NEGATIVE_INFINITY : gain;
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
        if (worst != null) {
            detail.append("; worst ").append(dimension).append('=').append(worst);
        }
        if (!regressed.isEmpty()) {
            detail.append("; regressed: ").append(String.join(", ", regressed));
        }
        if (worst == null) {
            return finding(Decision.PROMOTE, null, null, null, threshold, detail.toString());
        }
        return finding(
                regressed.isEmpty() ? Decision.PROMOTE : Decision.REJECT,
                worstChamp,
                worstChal,
                Double.isInfinite(worstGain) ? null : worstGain,
                threshold,
                detail.toString());
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
