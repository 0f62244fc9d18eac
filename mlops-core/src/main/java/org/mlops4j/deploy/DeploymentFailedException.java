package org.mlops4j.deploy;

import java.util.Objects;
import org.mlops4j.common.MlopsException;

/**
 * A deployment operation ended as {@link OperationStatus#FAILED}: the target could not apply it (a model that does not
 * load, a slot that does not start). Not a service error: the operation itself failed, and trying the same plan again
 * fails again until its cause is fixed; {@link #getDeployment()} says why and what the endpoint serves now. A rollout
 * that the health gate rolled back is not a failure; its result says so instead.
 *
 * <pre>{@code
 * try {
 *     deployer.beginApply(plan).getFinalResult();
 * } catch (DeploymentFailedException e) {
 *     log.warn("{} failed: {}", e.getDeployment().getOperationId(), e.getDeployment().getReason());
 * }
 * }</pre>
 */
public class DeploymentFailedException extends MlopsException {
    private static final long serialVersionUID = 1L;

    /** The failed operation's record; a value without secrets, kept for the caller. */
    @SuppressWarnings("serial") // Deployment is an immutable value; a deserialized exception may lack it
    private final transient Deployment deployment;

    /**
     * Creates the exception.
     *
     * @param message what failed, on which endpoint, and what to do
     * @param deployment the failed operation
     */
    public DeploymentFailedException(String message, Deployment deployment) {
        super(message);
        this.deployment = Objects.requireNonNull(deployment, "deployment");
    }

    /** Returns the failed operation: its id, plan, reason and the event it recorded. */
    public Deployment getDeployment() {
        return deployment;
    }
}
