package org.mlops4j.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * A rule on one aggregate metric: absolute bounds on the challenger's value, and minimum gains or maximum losses
 * against the champion. It covers MLflow's {@code MetricThreshold} ({@code threshold}, {@code min_absolute_change},
 * {@code min_relative_change}, {@code greater_is_better}) and TFX's {@code GenericValueThreshold} (lower and upper
 * bound) and {@code GenericChangeThreshold} (absolute and relative change with a direction).
 *
 * <p>Semantics, with {@code gain} = challenger − champion where higher is better and champion − challenger where lower
 * is better, and {@code relative gain} = gain / |champion|:
 *
 * <ul>
 *   <li>{@link #atLeast}/{@link #atMost}: the challenger's value lies within the bounds (inclusive); they apply with
 *       or without a champion;
 *   <li>{@link #minAbsoluteGain}(g): gain ≥ g; {@link #maxAbsoluteLoss}(l): gain ≥ −l;
 *   <li>{@link #minRelativeGain}(r): relative gain ≥ r; {@link #maxRelativeLoss}(l): relative gain ≥ −l;
 *   <li>with a <b>zero baseline</b> the relative gain is +∞ if the gain is positive, −∞ if negative and 0 if there is
 *       no change: any improvement passes a minimum relative gain, any loss fails a maximum relative loss;
 *   <li>a metric <b>missing</b> from the challenger fails the rule ({@code REJECT}); a metric missing from an existing
 *       champion makes the change checks impossible ({@code INCONCLUSIVE}, unless a bound already failed);
 *   <li>with no champion only the bounds apply.
 * </ul>
 *
 * <p>Immutable and thread-safe; each setter returns a new rule and may be called once. Example:
 *
 * <pre>{@code
 * MetricRule auc = Policies.metric("auc").higherIsBetter().atLeast(0.70).minAbsoluteGain(0.005);
 * MetricRule latency = Policies.metric("latency_p95_ms").lowerIsBetter().maxRelativeLoss(0.10);
 * }</pre>
 */
public final class MetricRule implements ComparisonPolicy {
    private final String metric;
    private final boolean higherIsBetter;
    private final @Nullable Double atLeast;
    private final @Nullable Double atMost;
    private final @Nullable Double minAbsoluteGain;
    private final @Nullable Double minRelativeGain;
    private final boolean absoluteAsLoss;
    private final boolean relativeAsLoss;

    private MetricRule(
            String metric,
            boolean higherIsBetter,
            @Nullable Double atLeast,
            @Nullable Double atMost,
            @Nullable Double minAbsoluteGain,
            @Nullable Double minRelativeGain,
            boolean absoluteAsLoss,
            boolean relativeAsLoss) {
        this.metric = metric;
        this.higherIsBetter = higherIsBetter;
        this.atLeast = atLeast;
        this.atMost = atMost;
        this.minAbsoluteGain = minAbsoluteGain;
        this.minRelativeGain = minRelativeGain;
        this.absoluteAsLoss = absoluteAsLoss;
        this.relativeAsLoss = relativeAsLoss;
    }

    static MetricDirectionStep start(String metric) {
        Objects.requireNonNull(metric, "metric");
        if (metric.isBlank()) {
            throw new IllegalArgumentException("a metric name must not be blank, got '" + metric + "'");
        }
        return new MetricDirectionStep() {
            @Override
            public MetricRule higherIsBetter() {
                return new MetricRule(metric, true, null, null, null, null, false, false);
            }

            @Override
            public MetricRule lowerIsBetter() {
                return new MetricRule(metric, false, null, null, null, null, false, false);
            }
        };
    }

    /**
     * Requires the challenger's value to be at least a bound (MLflow's {@code threshold} where higher is better,
     * TFX's {@code lower_bound}).
     *
     * @param bound the inclusive lower bound, finite
     * @return a new rule
     * @throws IllegalArgumentException if the bound is not finite, or above an upper bound
     * @throws IllegalStateException if a lower bound is already set
     */
    public MetricRule atLeast(double bound) {
        requireUnset(atLeast, "atLeast");
        requireFinite("atLeast", bound);
        if (atMost != null && bound > atMost) {
            throw new IllegalArgumentException("atLeast(" + bound + ") is above atMost(" + atMost + ")");
        }
        return new MetricRule(
                metric,
                higherIsBetter,
                bound,
                atMost,
                minAbsoluteGain,
                minRelativeGain,
                absoluteAsLoss,
                relativeAsLoss);
    }

    /**
     * Requires the challenger's value to be at most a bound (MLflow's {@code threshold} where lower is better, TFX's
     * {@code upper_bound}).
     *
     * @param bound the inclusive upper bound, finite
     * @return a new rule
     * @throws IllegalArgumentException if the bound is not finite, or below a lower bound
     * @throws IllegalStateException if an upper bound is already set
     */
    public MetricRule atMost(double bound) {
        requireUnset(atMost, "atMost");
        requireFinite("atMost", bound);
        if (atLeast != null && bound < atLeast) {
            throw new IllegalArgumentException("atMost(" + bound + ") is below atLeast(" + atLeast + ")");
        }
        return new MetricRule(
                metric,
                higherIsBetter,
                atLeast,
                bound,
                minAbsoluteGain,
                minRelativeGain,
                absoluteAsLoss,
                relativeAsLoss);
    }

    /**
     * Requires the gain over the champion to be at least {@code gain} (MLflow's {@code min_absolute_change}; a
     * negative value allows a small loss, as TFX's absolute change threshold does). {@code minAbsoluteGain(0)} is the
     * naive "new ≥ old" rule, which promotes a no-better model about half of the time.
     *
     * @param gain the minimum gain, finite
     * @return a new rule
     * @throws IllegalArgumentException if the gain is not finite
     * @throws IllegalStateException if an absolute change threshold is already set
     */
    public MetricRule minAbsoluteGain(double gain) {
        requireUnset(minAbsoluteGain, "minAbsoluteGain/maxAbsoluteLoss");
        requireFinite("minAbsoluteGain", gain);
        return new MetricRule(metric, higherIsBetter, atLeast, atMost, gain, minRelativeGain, false, relativeAsLoss);
    }

    /**
     * Allows the challenger to be worse than the champion by at most {@code loss} (a guardrail).
     *
     * @param loss the maximum loss, finite and not negative
     * @return a new rule
     * @throws IllegalArgumentException if the loss is negative or not finite
     * @throws IllegalStateException if an absolute change threshold is already set
     */
    public MetricRule maxAbsoluteLoss(double loss) {
        requireUnset(minAbsoluteGain, "minAbsoluteGain/maxAbsoluteLoss");
        requireNonNegative("maxAbsoluteLoss", loss);
        return new MetricRule(metric, higherIsBetter, atLeast, atMost, -loss, minRelativeGain, true, relativeAsLoss);
    }

    /**
     * Requires the relative gain over the champion to be at least {@code gain} (MLflow's {@code min_relative_change};
     * 0.01 = 1%).
     *
     * @param gain the minimum relative gain, finite
     * @return a new rule
     * @throws IllegalArgumentException if the gain is not finite
     * @throws IllegalStateException if a relative change threshold is already set
     */
    public MetricRule minRelativeGain(double gain) {
        requireUnset(minRelativeGain, "minRelativeGain/maxRelativeLoss");
        requireFinite("minRelativeGain", gain);
        return new MetricRule(metric, higherIsBetter, atLeast, atMost, minAbsoluteGain, gain, absoluteAsLoss, false);
    }

    /**
     * Allows the challenger to be worse than the champion by at most a share of the champion's value (a guardrail;
     * 0.10 = 10%).
     *
     * @param loss the maximum relative loss, finite and not negative
     * @return a new rule
     * @throws IllegalArgumentException if the loss is negative or not finite
     * @throws IllegalStateException if a relative change threshold is already set
     */
    public MetricRule maxRelativeLoss(double loss) {
        requireUnset(minRelativeGain, "minRelativeGain/maxRelativeLoss");
        requireNonNegative("maxRelativeLoss", loss);
        return new MetricRule(metric, higherIsBetter, atLeast, atMost, minAbsoluteGain, -loss, absoluteAsLoss, true);
    }

    @Override
    public Verdict compare(@Nullable Evaluation champion, Evaluation challenger) {
        Objects.requireNonNull(challenger, "challenger");
        return Verdict.single(evaluate(champion, challenger), champion, challenger);
    }

    private Finding evaluate(@Nullable Evaluation champion, Evaluation challenger) {
        String threshold = thresholdText();
        OptionalDouble chal = challenger.findMetric(metric);
        Double champ = null;
        if (champion != null && champion.findMetric(metric).isPresent()) {
            champ = champion.findMetric(metric).getAsDouble();
        }
        if (chal.isEmpty()) {
            return new Finding(
                    toString(),
                    metric,
                    Decision.REJECT,
                    champ,
                    null,
                    null,
                    null,
                    null,
                    null,
                    threshold,
                    "the challenger has no metric '" + metric + "' (it has "
                            + challenger.getMetrics().keySet() + ")");
        }
        double value = chal.getAsDouble();
        List<String> failed = new ArrayList<>();
        if (atLeast != null && !(value >= atLeast)) {
            failed.add(Finding.fmt(value) + " < " + Finding.fmt(atLeast));
        }
        if (atMost != null && !(value <= atMost)) {
            failed.add(Finding.fmt(value) + " > " + Finding.fmt(atMost));
        }
        boolean relative = minAbsoluteGain != null || minRelativeGain != null;
        Double gain = null;
        String note = "";
        boolean inconclusive = false;
        if (relative && champion == null) {
            note = "no champion: only the bounds apply";
        } else if (champion != null && champ == null) {
            inconclusive = relative;
            note = "the champion has no metric '" + metric + "'" + (relative ? ": the change cannot be checked" : "");
        } else if (champ != null) {
            double g = higherIsBetter ? value - champ : champ - value;
            gain = g;
            if (minAbsoluteGain != null && !(g >= minAbsoluteGain)) {
                failed.add("gain " + Finding.signed(g) + " < " + Finding.signed(minAbsoluteGain));
            }
            if (minRelativeGain != null) {
                double rel = relativeGain(g, champ);
                if (!(rel >= minRelativeGain)) {
                    failed.add("relative gain " + percent(rel) + " < " + percent(minRelativeGain)
                            + (champ == 0 ? " (zero baseline)" : ""));
                }
            }
        }
        Decision decision =
                !failed.isEmpty() ? Decision.REJECT : inconclusive ? Decision.INCONCLUSIVE : Decision.PROMOTE;
        String detail = String.join("; ", failed);
        if (!note.isEmpty()) {
            detail = detail.isEmpty() ? note : detail + "; " + note;
        }
        return new Finding(toString(), metric, decision, champ, value, gain, null, null, null, threshold, detail);
    }

    /** Returns gain / |baseline|, or ±∞ / 0 for a zero baseline. */
    static double relativeGain(double gain, double baseline) {
        if (baseline == 0) {
            return gain > 0 ? Double.POSITIVE_INFINITY : gain < 0 ? Double.NEGATIVE_INFINITY : 0;
        }
        return gain / Math.abs(baseline);
    }

    private String thresholdText() {
        List<String> parts = new ArrayList<>();
        if (atLeast != null) {
            parts.add("≥ " + Finding.fmt(atLeast));
        }
        if (atMost != null) {
            parts.add("≤ " + Finding.fmt(atMost));
        }
        if (minAbsoluteGain != null) {
            parts.add(
                    absoluteAsLoss
                            ? "loss ≤ " + Finding.fmt(-minAbsoluteGain)
                            : "gain ≥ " + Finding.signed(minAbsoluteGain));
        }
        if (minRelativeGain != null) {
            parts.add(
                    relativeAsLoss
                            ? "relative loss ≤ " + percent(-minRelativeGain)
                            : "relative gain ≥ " + percent(minRelativeGain));
        }
        return parts.isEmpty() ? "present" : String.join("; ", parts);
    }

    private static String percent(double share) {
        if (Double.isInfinite(share)) {
            return share > 0 ? "+∞" : "−∞";
        }
        return String.format(Locale.ROOT, "%.4g%%", share * 100).replaceFirst("\\.?0+%", "%");
    }

    private static void requireUnset(@Nullable Double value, String option) {
        if (value != null) {
            throw new IllegalStateException(option + " is already set to " + value + " on this rule");
        }
    }

    private static void requireFinite(String option, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " must be finite, got " + value);
        }
    }

    private static void requireNonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be finite and not negative, got " + value);
        }
    }

    @Override
    public String toString() {
        return "metric " + metric + (higherIsBetter ? " higher is better" : " lower is better");
    }
}
