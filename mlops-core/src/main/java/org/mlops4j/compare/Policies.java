package org.mlops4j.compare;

import java.util.Arrays;
import java.util.Objects;

/**
 * Builds {@link ComparisonPolicy comparison policies}: metric thresholds and guardrails, significance rules, slice
 * guardrails, and their combinations.
 *
 * <p>Every policy built here is immutable and thread-safe. Example (DESIGN §3.4):
 *
 * <pre>{@code
 * ComparisonPolicy policy = Policies.allOf(
 *         Policies.metric("auc").higherIsBetter().atLeast(0.70).minAbsoluteGain(0.005),
 *         Policies.metric("latency_p95_ms").lowerIsBetter().maxRelativeLoss(0.10),     // guardrail
 *         Policies.significantGain("accuracy").pairedBootstrap(2_000).confidence(0.95),
 *         Policies.noSliceRegression("accuracy").by("region").tolerance(0.01).minSliceSize(200));
 * Verdict verdict = policy.compare(champion, challenger);
 * }</pre>
 */
public final class Policies {
    private Policies() {}

    /**
     * Starts a rule on an aggregate metric; see {@link MetricRule}.
     *
     * @param name the metric's name in {@link Evaluation#getMetrics()}
     * @return the step that states the direction
     * @throws IllegalArgumentException if the name is blank
     */
    public static MetricDirectionStep metric(String name) {
        return MetricRule.start(name);
    }

    /**
     * Starts a significance rule on a built-in example metric ({@code accuracy}, {@code error_rate}, {@code mse},
     * {@code mae}, {@code log_loss}, {@code brier}, {@code auc}); see {@link SignificanceRule}.
     *
     * @param metric the metric's name
     * @return the rule, using a paired bootstrap with 2,000 resamples at 95% unless told otherwise
     * @throws IllegalArgumentException if there is no such built-in metric
     */
    public static SignificanceRule significantGain(String metric) {
        return SignificanceRule.of(ExampleMetric.named(metric));
    }

    /**
     * Starts a significance rule on any example metric; see {@link SignificanceRule}.
     *
     * @param metric the metric
     * @return the rule, using a paired bootstrap with 2,000 resamples at 95% unless told otherwise
     */
    public static SignificanceRule significantGain(ExampleMetric metric) {
        return SignificanceRule.of(metric);
    }

    /**
     * Starts a slice guardrail on a built-in example metric; see {@link SliceRule}.
     *
     * @param metric the metric's name
     * @return the step that names the slice dimension
     * @throws IllegalArgumentException if there is no such built-in metric
     */
    public static SliceDimensionStep noSliceRegression(String metric) {
        return SliceRule.start(ExampleMetric.named(metric));
    }

    /**
     * Starts a slice guardrail on any example metric; see {@link SliceRule}.
     *
     * @param metric the metric
     * @return the step that names the slice dimension
     */
    public static SliceDimensionStep noSliceRegression(ExampleMetric metric) {
        return SliceRule.start(metric);
    }

    /**
     * Combines rules that must all pass: the verdict rejects if any rule rejects, is inconclusive if any is
     * inconclusive and none rejects, and promotes otherwise. Every rule runs and reports its findings.
     *
     * @param rules the rules, at least one
     * @return the policy
     * @throws IllegalArgumentException if there are no rules
     */
    public static ComparisonPolicy allOf(ComparisonPolicy... rules) {
        Objects.requireNonNull(rules, "rules");
        return new CompositePolicy(true, Arrays.asList(rules));
    }

    /**
     * Combines rules of which one must pass: the verdict promotes if any rule promotes, is inconclusive if any is
     * inconclusive and none promotes, and rejects otherwise. Every rule runs and reports its findings.
     *
     * @param rules the rules, at least one
     * @return the policy
     * @throws IllegalArgumentException if there are no rules
     */
    public static ComparisonPolicy anyOf(ComparisonPolicy... rules) {
        Objects.requireNonNull(rules, "rules");
        return new CompositePolicy(false, Arrays.asList(rules));
    }
}
