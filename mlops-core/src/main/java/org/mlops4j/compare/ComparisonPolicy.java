package org.mlops4j.compare;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether a challenger model should replace the champion. Built with {@link Policies}.
 *
 * <p>Implementations are immutable and thread-safe. With no champion (the first model), only absolute rules apply:
 * relative and significance rules report themselves as not applicable and pass. Example:
 *
 * <pre>{@code
 * ComparisonPolicy policy = Policies.allOf(
 *         Policies.metric("auc").higherIsBetter().atLeast(0.70).minAbsoluteGain(0.005),
 *         Policies.metric("latency_p95_ms").lowerIsBetter().maxRelativeLoss(0.10),
 *         Policies.significantGain("accuracy").pairedBootstrap(2_000).confidence(0.95),
 *         Policies.noSliceRegression("accuracy").by("region").tolerance(0.01).minSliceSize(200));
 * Verdict verdict = policy.compare(champion, challenger);
 * }</pre>
 */
public interface ComparisonPolicy {
    /**
     * Compares a challenger with the champion.
     *
     * @param champion the current champion's evaluation, or null if there is none yet
     * @param challenger the challenger's evaluation
     * @return the verdict, with one finding per rule
     * @throws NullPointerException if {@code challenger} is null
     */
    Verdict compare(@Nullable Evaluation champion, Evaluation challenger);
}
