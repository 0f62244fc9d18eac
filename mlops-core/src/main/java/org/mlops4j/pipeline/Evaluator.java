package org.mlops4j.pipeline;

import org.mlops4j.compare.Evaluation;
import org.mlops4j.data.DatasetVersion;
import org.mlops4j.registry.ModelVersion;

/**
 * Evaluates a registered model version on a holdout dataset version. The pipeline calls it for the challenger and
 * for the champion, on the same holdout version. Must be deterministic for a resumed run to reach the same verdict.
 *
 * <pre>{@code
 * Evaluator evaluator = (model, holdout) -> Evaluation.builder(model.getRef(), holdout.getRef())
 *         .outcomes(score(model, holdout))
 *         .computeMetrics()
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface Evaluator {
    /**
     * Evaluates a model.
     *
     * @param model the model version (its artifacts through the registry)
     * @param holdout the holdout version
     * @return the evaluation of {@code model.getRef()} on {@code holdout.getRef()}
     */
    Evaluation evaluate(ModelVersion model, DatasetVersion holdout);
}
