package org.mlops4j.compare;

/**
 * The step of {@link Policies#metric(String)} that states the metric's direction.
 *
 * <p>A step type for chaining only: do not implement or store it; methods may be added in minor releases.
 */
public interface MetricDirectionStep {
    /**
     * States that a higher value of the metric is better (accuracy, AUC).
     *
     * @return a rule with no bounds yet, which only requires the metric to be present
     */
    MetricRule higherIsBetter();

    /**
     * States that a lower value of the metric is better (loss, latency).
     *
     * @return a rule with no bounds yet, which only requires the metric to be present
     */
    MetricRule lowerIsBetter();
}
