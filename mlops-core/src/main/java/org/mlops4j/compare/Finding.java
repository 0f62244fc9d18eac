package org.mlops4j.compare;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one rule found: the values it compared, the gain, an interval or p-value where it tested significance, the
 * threshold it applied, and its decision.
 *
 * <p>The gain ({@code delta}) is oriented so that positive is better: challenger minus champion for a metric where
 * higher is better, champion minus challenger where lower is better.
 *
 * @param rule the rule, as written in the policy ({@code metric auc higher is better})
 * @param metric the metric's name
 * @param decision the rule's decision
 * @param champion the champion's value, or null without a champion or the value
 * @param challenger the challenger's value, or null if it is missing
 * @param delta the gain (positive is better), or null if it could not be computed
 * @param lower the lower end of the gain's interval, or null if the rule computes none
 * @param upper the upper end of the gain's interval, or null if the rule computes none
 * @param pValue the test's p-value, or null if the rule computes none
 * @param threshold the threshold the rule applied, in words ({@code ≥ 0.7; gain ≥ +0.005})
 * @param detail why the rule decided as it did
 */
public record Finding(
        String rule,
        String metric,
        Decision decision,
        @Nullable Double champion,
        @Nullable Double challenger,
        @Nullable Double delta,
        @Nullable Double lower,
        @Nullable Double upper,
        @Nullable Double pValue,
        String threshold,
        String detail) {

    /**
     * Validates the finding.
     *
     * @throws NullPointerException if a required component is null
     */
    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(detail, "detail");
    }

    /** Returns whether the rule passed (its decision is {@link Decision#PROMOTE}). */
    public boolean passed() {
        return decision == Decision.PROMOTE;
    }

    /** Formats a value with 4 significant digits for logs. */
    static String fmt(@Nullable Double value) {
        if (value == null) {
            return "–";
        }
        if (value.isNaN() || value.isInfinite()) {
            return value.toString();
        }
        return String.format(Locale.ROOT, "%.4g", value)
                .replaceFirst("(\\.\\d*?)0+($|e)", "$1$2")
                .replaceFirst("\\.($|e)", "$1");
    }

    /** Formats a gain with its sign. */
    static String signed(@Nullable Double value) {
        return value == null ? "–" : (value >= 0 ? "+" : "") + fmt(value);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(decision == Decision.PROMOTE ? "[pass] " : decision == Decision.REJECT ? "[FAIL] " : "[ ?? ] ");
        s.append(rule).append(": ");
        if (challenger != null || champion != null) {
            s.append("challenger ")
                    .append(fmt(challenger))
                    .append(" vs champion ")
                    .append(fmt(champion));
        }
        if (delta != null) {
            s.append(", gain ").append(signed(delta));
        }
        if (lower != null && upper != null) {
            s.append(" [")
                    .append(signed(lower))
                    .append(", ")
                    .append(signed(upper))
                    .append(']');
        }
        if (pValue != null) {
            s.append(", p=").append(fmt(pValue));
        }
        if (!threshold.isEmpty()) {
            s.append("; needs ").append(threshold);
        }
        if (!detail.isEmpty()) {
            s.append(" — ").append(detail);
        }
        return s.toString();
    }
}
