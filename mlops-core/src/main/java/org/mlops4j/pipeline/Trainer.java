package org.mlops4j.pipeline;

/**
 * Trains a model from a run's pinned datasets: in-process code, or a client of a distributed engine. A lambda fits.
 *
 * <pre>{@code
 * Trainer trainer = ctx -> {
 *     Path model = ctx.getWorkDirectory().resolve("model");
 *     fitAndSave(ctx.dataset("churn-raw"), model);
 *     return TrainedModel.of(model).param("max_depth", "6");
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Trainer {
    /**
     * Trains a model.
     *
     * @param context the run's pinned datasets and scratch directory
     * @return the trained model's artifacts and what to record with them
     */
    TrainedModel train(RunContext context);
}
