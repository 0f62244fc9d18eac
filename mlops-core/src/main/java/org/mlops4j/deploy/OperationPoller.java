package org.mlops4j.deploy;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls one operation of a {@link Deployer}: each {@link #poll()} reads the operation's books and moves it on by one
 * step (the target's update, or one look of a canary's health gate). Holds no state of its own beyond the operation's
 * id, so any number of pollers (after a restart, a re-attach) may follow one operation. Not thread-safe.
 */
final class OperationPoller implements Poller<DeploymentProgress, Deployment> {
    private final Deployer deployer;
    private final String endpoint;
    private final OperationId id;
    private final HealthGate gate;
    private final Duration interval;

    OperationPoller(Deployer deployer, String endpoint, OperationId id, HealthGate gate, Duration interval) {
        this.deployer = Objects.requireNonNull(deployer, "deployer");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.id = Objects.requireNonNull(id, "id");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    @Override
    public OperationId getOperationId() {
        return id;
    }

    @Override
    public PollResponse<DeploymentProgress> poll() {
        return deployer.advance(endpoint, id, gate);
    }

    @Override
    public PollResponse<DeploymentProgress> waitForCompletion(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            PollResponse<DeploymentProgress> response = poll();
            long left = deadline - System.nanoTime();
            if (response.status().isTerminal() || left <= 0) {
                return response;
            }
            LockSupport.parkNanos(Math.min(left, interval.toNanos()));
        }
    }

    @Override
    public Deployment getFinalResult() {
        while (!poll().status().isTerminal()) {
            LockSupport.parkNanos(interval.toNanos());
        }
        Deployment done = deployer.findOperation(endpoint, id)
                .orElseThrow(() -> new IllegalStateException("operation " + id + " vanished from " + endpoint));
        return requireNotFailed(done, endpoint);
    }

    /**
     * Returns an ended operation's result, or throws when it failed.
     *
     * @param done the ended operation
     * @param endpoint its endpoint
     * @return the result
     * @throws DeploymentFailedException if it failed
     */
    static Deployment requireNotFailed(Deployment done, String endpoint) {
        if (done.getStatus().equals(OperationStatus.FAILED)) {
            throw new DeploymentFailedException(
                    "deployment " + done.getOperationId() + " on endpoint '" + endpoint + "' failed: "
                            + done.getReason() + "; fix the cause and apply the plan again under a new operation id",
                    done);
        }
        return done;
    }

    @Override
    public String toString() {
        return "OperationPoller{" + endpoint + " " + id + "}";
    }
}
