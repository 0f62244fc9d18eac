package org.mlops4j.pipeline;

/**
 * The third required step of a pipeline definition: where the challenger and the champion are evaluated. A step type
 * for chaining, not for users to implement or store; methods may be added in minor releases.
 */
public interface EvaluateStep {
    /**
     * Sets the holdout dataset and the evaluator. Each run pins the holdout's newest version; challenger and champion
     * are evaluated on that same version.
     *
     * @param holdoutDataset the holdout dataset's name
     * @param evaluator turns (model version, holdout version) into an evaluation
     * @return the next step
     * @throws IllegalArgumentException if the dataset name is invalid
     * @throws NullPointerException if an argument is null
     */
    PromoteStep evaluateOn(String holdoutDataset, Evaluator evaluator);
}
