package org.mlops4j.pipeline;

/**
 * The second required step of a pipeline definition: how a model is trained. A step type for chaining, not for users
 * to implement or store; methods may be added in minor releases.
 */
public interface TrainStep {
    /**
     * Sets the trainer; a lambda {@code ctx -> …} fits.
     *
     * @param trainer turns the run's pinned datasets into model artifacts
     * @return the next step
     * @throws NullPointerException if the trainer is null
     */
    EvaluateStep train(Trainer trainer);
}
