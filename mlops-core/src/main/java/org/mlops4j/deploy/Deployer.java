package org.mlops4j.deploy;

import java.util.Optional;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.registry.ModelVersion;

/**
 * Makes model versions live behind named endpoints. Implementations: {@code LocalDeployer} (an HTTP endpoint in this
 * JVM) and the Azure ML online-endpoint deployer.
 *
 * <p>Every change goes through a plan: {@link #plan} is a dry run that says what would change, {@link #beginApply}
 * carries the plan out and returns a {@link Poller}, because a rollout may take minutes (a canary waits for its health
 * gate). A plan carries an operation id; applying a plan whose operation id the endpoint has already seen re-attaches
 * to that operation instead of starting a second one, which is how a resumed pipeline finds its deployment again.
 *
 * <p>Implementations are thread-safe. Every applied change is recorded as a deployment event in lineage, so that
 * "why is this model live?" has an answer.
 */
public interface Deployer {
    /**
     * Works out what applying {@code rollout} of {@code model} to {@code endpoint} would change, without changing it.
     *
     * @param endpoint the endpoint's name (created by the first apply)
     * @param model the model version to make live
     * @param rollout how to move traffic to it
     * @param operationId the caller's id for the operation: the same id re-attaches instead of deploying twice; a
     *     pipeline passes its run id
     * @return the plan, to inspect or to {@link #beginApply apply}
     * @throws IllegalArgumentException if the names are not valid or the model has no artifacts a loader can serve
     */
    DeploymentPlan plan(String endpoint, ModelVersion model, Rollout rollout, OperationId operationId);

    /**
     * Starts carrying out a plan, or re-attaches to it when its operation id was applied before.
     *
     * @param plan a plan made by this deployer
     * @return a poller of the rollout; its final result is the deployment as it ended (live, or rolled back with the
     *     reason)
     * @throws ConflictException if another operation is in progress on the endpoint, or the endpoint changed since the
     *     plan was made
     */
    Poller<DeploymentProgress, Deployment> beginApply(DeploymentPlan plan);

    /**
     * Returns what is live on an endpoint now: slots, models, traffic, counters, the last operation.
     *
     * @param endpoint the endpoint's name
     * @return its status, or empty if it was never deployed to
     */
    Optional<EndpointStatus> findStatus(String endpoint);

    /**
     * Returns what is live on an endpoint now.
     *
     * @param endpoint the endpoint's name
     * @return its status
     * @throws NotFoundException if nothing was ever deployed to it
     */
    default EndpointStatus status(String endpoint) {
        return findStatus(endpoint)
                .orElseThrow(() -> new NotFoundException(
                        "endpoint '" + endpoint + "' has no deployment; deploy a model with plan() and beginApply()"));
    }

    /**
     * Returns the state an operation reached: in progress, succeeded, rolled back, failed.
     *
     * @param endpoint the endpoint's name
     * @param operationId the operation
     * @return the deployment as recorded for that operation, or empty if the endpoint never saw it
     */
    Optional<Deployment> findOperation(String endpoint, OperationId operationId);

    /**
     * Puts the previous live model version back, with all traffic, as a new deployment event.
     *
     * @param endpoint the endpoint's name
     * @param reason why, recorded with the event
     * @return the deployment after the rollback
     * @throws NotFoundException if the endpoint does not exist
     * @throws IllegalStateException if there is no previous version to go back to
     * @throws ConflictException if an operation is in progress on the endpoint
     */
    Deployment rollback(String endpoint, String reason);
}
