package org.mlops4j.pipeline;

/**
 * The first required step of a pipeline definition: what starts a run. A step type for chaining, not for users to
 * implement or store; methods may be added in minor releases.
 */
public interface TriggerStep {
    /**
     * Sets what starts a run of {@link RetrainingPipeline#runIfTriggered()}; {@link RetrainingPipeline#run()} starts
     * one whatever the trigger says.
     *
     * @param trigger the trigger, e.g. {@code Triggers.newVersionOf("churn-raw").or(Triggers.schedule(Duration.ofDays(7)))}
     * @return the next step
     * @throws NullPointerException if the trigger is null
     */
    TrainStep trigger(Trigger trigger);
}
