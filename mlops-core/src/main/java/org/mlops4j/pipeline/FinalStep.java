package org.mlops4j.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Rollout;

/**
 * The last step of a pipeline definition: optional settings, each settable once, then {@link #build()}. A step type
 * for chaining, not for users to implement or store; methods may be added in minor releases.
 *
 * <pre>{@code
 * RetrainingPipeline pipeline = mlops.pipeline("churn")
 *         .trigger(Triggers.newVersionOf("churn-raw"))
 *         .train(ctx -> trainer.fit(ctx.dataset("churn-raw")))
 *         .evaluateOn("churn-holdout", evaluator)
 *         .promoteWhen(policy)
 *         .deployTo(deployer, "churn", Rollout.canary(10, 50, 100))
 *         .codeRevision("git:4f2a9c1")
 *         .build();
 * }</pre>
 */
public interface FinalStep {
    /**
     * Adds a preparation step: a derived dataset written by {@code preparer} from the run's pinned inputs and
     * committed with {@code Datasets.derive(derivedDataset)}, before training. Repeatable; preparations run in the
     * order given, and the trainer sees each one's version under its name.
     *
     * @param derivedDataset the derived dataset's name
     * @param preparer writes the derived dataset's files
     * @return this step
     * @throws IllegalArgumentException if the name is invalid or used by an earlier preparation
     */
    FinalStep prepare(String derivedDataset, Preparer preparer);

    /**
     * Adds a training dataset that every run pins at its newest version, besides the datasets the trigger watches
     * (needed with {@link Triggers#schedule} and {@link Triggers#manual}, which watch none). Repeatable.
     *
     * @param dataset the dataset's name
     * @return this step
     * @throws IllegalArgumentException if the name is invalid
     */
    FinalStep input(String dataset);

    /**
     * Deploys a promoted model.
     *
     * @param deployer the deployer
     * @param endpoint the endpoint's name
     * @param rollout how traffic moves to the new version
     * @return this step
     * @throws IllegalStateException if set before
     */
    FinalStep deployTo(Deployer deployer, String endpoint, Rollout rollout);

    /**
     * Sets the registry alias that names the champion (default {@code champion}).
     *
     * @param alias the alias
     * @return this step
     * @throws IllegalArgumentException if the alias is invalid
     * @throws IllegalStateException if set before
     */
    FinalStep championAlias(String alias);

    /**
     * Sets the registered model's name (default: the pipeline's name).
     *
     * @param name the model's name
     * @return this step
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if set before
     */
    FinalStep modelName(String name);

    /**
     * Sets the code revision (e.g. a git commit) recorded with every output and hashed into the run id (default
     * {@code unknown}). Change it whenever the trainer's code changes, so that a run of new code is a new run.
     *
     * @param revision the revision
     * @return this step
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if set before
     */
    FinalStep codeRevision(String revision);

    /**
     * Adds a listener for step and run events (the same as {@code getEventPublisher()} on the built pipeline).
     *
     * @param listener the listener; must be fast and must not throw
     * @return this step
     */
    FinalStep listener(PipelineListener listener);

    /**
     * Switches dry-run mode: runs evaluate the trigger and say what they would do, and write nothing.
     *
     * @param dryRun whether to plan only
     * @return this step
     * @throws IllegalStateException if set before
     */
    FinalStep dryRun(boolean dryRun);

    /**
     * Sets the clock for timestamps, schedules and lease expiry. By default timestamps and schedules use the clock of
     * the services the pipeline was built on, and the lease expires by the store's time
     * ({@link org.mlops4j.store.ObjectStore#clock()}), which every host sharing the lake agrees on even when their own
     * clocks differ; a clock set here replaces both (tests inject a manual one).
     *
     * @param clock the clock
     * @return this step
     * @throws IllegalStateException if set before
     */
    FinalStep clock(Clock clock);

    /**
     * Sets how long the pipeline's lease lasts without renewal (default 5 minutes). A process that dies or freezes
     * holding it blocks others for at most this long. While a run goes on, a background thread renews it every third
     * of this time, so steps may take longer than the lease (training for hours is fine); it is also checked before
     * every side effect, and a run whose lease was taken meanwhile (its process stalled past the expiry) stops there
     * with a conflict and resumes from its journal on the next call. A step that hangs keeps the lease as long as its
     * process lives: give long steps their own time limits.
     *
     * @param duration positive
     * @return this step
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if set before
     */
    FinalStep leaseDuration(Duration duration);

    /**
     * Sets how long a run waits for another process's lease before it stops with a
     * {@link org.mlops4j.common.ConflictException} (default: zero, stop at once).
     *
     * @param wait zero or positive
     * @return this step
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if set before
     */
    FinalStep leaseWait(Duration wait);

    /**
     * Sets the directory for the runs' scratch files: prepared data and trained artifacts before they are stored
     * (default: a directory under {@code java.io.tmpdir}).
     *
     * @param directory the directory
     * @return this step
     * @throws IllegalStateException if set before
     */
    FinalStep workDirectory(Path directory);

    /**
     * Builds the pipeline.
     *
     * @return the pipeline
     * @throws IllegalStateException if the settings contradict each other (e.g. a preparation named like the
     *     holdout)
     */
    RetrainingPipeline build();
}
