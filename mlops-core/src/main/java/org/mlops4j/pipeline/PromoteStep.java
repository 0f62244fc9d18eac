package org.mlops4j.pipeline;

import org.mlops4j.compare.ComparisonPolicy;

/**
 * The last required step of a pipeline definition: when a challenger replaces the champion. A step type for chaining,
 * not for users to implement or store; methods may be added in minor releases.
 */
public interface PromoteStep {
    /**
     * Sets the policy that compares the challenger's evaluation with the champion's.
     *
     * @param policy the policy, e.g. {@code Policies.metric("auc").higherIsBetter().minAbsoluteGain(0.005)}
     * @return the final step, with the optional settings and {@code build()}
     * @throws NullPointerException if the policy is null
     */
    FinalStep promoteWhen(ComparisonPolicy policy);
}
