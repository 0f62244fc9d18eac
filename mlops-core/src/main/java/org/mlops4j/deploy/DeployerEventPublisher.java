package org.mlops4j.deploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a deployer publishes what it changes, one typed registration per kind of event. Listeners run on the thread
 * that made the change (an apply, a poll, a rollback), so they must be fast and must not throw; one that throws is
 * logged at DEBUG and the others still run. Only changes made by this deployer instance are published, not records
 * another process wrote. Thread-safe.
 *
 * <pre>{@code
 * deployer.getEventPublisher()
 *         .onDeployed(e -> log.info("{} live on {}", e.findLive(), e.endpoint()))
 *         .onRolledBack(e -> alert("canary of " + e.model() + " rolled back: " + e.reason()));
 * }</pre>
 */
public final class DeployerEventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(DeployerEventPublisher.class);

    private final List<Consumer<DeploymentEvent>> deployed = new CopyOnWriteArrayList<>();
    private final List<Consumer<DeploymentEvent>> rolledBack = new CopyOnWriteArrayList<>();
    private final List<Consumer<CanaryStepEvent>> canarySteps = new CopyOnWriteArrayList<>();

    DeployerEventPublisher() {}

    /**
     * Registers a listener of deployment events that made a model live as asked: an immediate rollout, a canary's
     * last step, a shadow start, or {@link Deployer#rollback} (rollout {@code rollback}).
     *
     * @param listener the listener
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public DeployerEventPublisher onDeployed(Consumer<DeploymentEvent> listener) {
        deployed.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Registers a listener of canaries that a health gate rolled back (status {@link OperationStatus#ROLLED_BACK}).
     *
     * @param listener the listener
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public DeployerEventPublisher onRolledBack(Consumer<DeploymentEvent> listener) {
        rolledBack.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Registers a listener of canary steps passed.
     *
     * @param listener the listener
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public DeployerEventPublisher onCanaryStep(Consumer<CanaryStepEvent> listener) {
        canarySteps.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    void publish(DeploymentEvent event) {
        notify(event.status().equals(OperationStatus.ROLLED_BACK) ? rolledBack : deployed, event);
    }

    void publish(CanaryStepEvent event) {
        notify(canarySteps, event);
    }

    private static <T> void notify(List<Consumer<T>> listeners, T event) {
        for (Consumer<T> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("a deployment listener failed on {}", event, e);
            }
        }
    }

    @Override
    public String toString() {
        return "DeployerEventPublisher{deployed=" + deployed.size() + ", rolledBack=" + rolledBack.size()
                + ", canarySteps=" + canarySteps.size() + "}";
    }
}
