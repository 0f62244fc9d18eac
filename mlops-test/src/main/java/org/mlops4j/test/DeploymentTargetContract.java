package org.mlops4j.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.deploy.spi.SlotHealth;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetOperation;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;

/**
 * The contract every {@link DeploymentTarget} passes: it serves the layouts it is given (slots, traffic and mirror
 * shares), its updates are idempotent by key and can be polled again by a new instance on the same backend, it reports
 * per-slot health that restarts when a slot's share changes, and it refuses what it cannot serve. The rollout itself
 * is {@code Deployer}'s and is not tested here. Extend it in a test class; each test gets a fresh target, closed
 * afterwards.
 *
 * <pre>{@code
 * class MyTargetContractTest extends DeploymentTargetContract {
 *     @Override protected DeploymentTarget createTarget() { return new MyTarget(backend); }
 *     @Override protected DeploymentTarget reopen() { return new MyTarget(backend); }
 *     @Override protected ModelVersion servableModel(int n) { return registered.get(n - 1); }
 *     @Override protected ModelVersion unservableModel() { return withoutArtifacts; }
 * }
 * }</pre>
 */
public abstract class DeploymentTargetContract {
    private static final String ENDPOINT = "contract";

    /** The target under test; fresh for each test. */
    protected DeploymentTarget target;

    /**
     * Creates a fresh target whose backend serves no endpoint yet.
     *
     * @return the target
     * @throws Exception if it cannot be created
     */
    protected abstract DeploymentTarget createTarget() throws Exception;

    /**
     * Opens a new instance on the backend of the last target created, as a restarted process would; the suite has
     * closed the old instance.
     *
     * @return the new instance
     * @throws Exception if it cannot be opened
     */
    protected abstract DeploymentTarget reopen() throws Exception;

    /**
     * Returns a model version the target can serve.
     *
     * @param n 1, 2 or 3: three distinct versions
     * @return the version
     */
    protected abstract ModelVersion servableModel(int n);

    /**
     * Returns a model version the target refuses to serve.
     *
     * @return the version
     */
    protected abstract ModelVersion unservableModel();

    /**
     * Sends scoring requests to an endpoint, for a target that serves real traffic; one that does not (a fake)
     * returns false and the traffic checks are skipped.
     *
     * @param endpoint the endpoint's name
     * @param requests how many
     * @return whether the requests were sent and answered
     */
    protected boolean sendRequests(String endpoint, int requests) {
        return false;
    }

    /**
     * Returns how long an update may take; 30 seconds by default.
     *
     * @return the bound
     */
    protected Duration updateTimeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void openTarget() throws Exception {
        target = createTarget();
    }

    @AfterEach
    void closeTarget() {
        target.close();
    }

    private ModelRef model(int n) {
        return servableModel(n).getRef();
    }

    /** Polls an update until it ends. */
    private TargetOperation awaitDone(String endpoint, TargetOperation update) {
        long deadline = System.nanoTime() + updateTimeout().toNanos();
        TargetOperation now = update;
        while (!now.isDone()) {
            assertThat(System.nanoTime() - deadline)
                    .as("update %s still in progress after %s", update.token(), updateTimeout())
                    .isNegative();
            LockSupport.parkNanos(Math.min(10_000_000L, updateTimeout().toNanos() / 100));
            now = target.poll(endpoint, now.token());
            assertThat(now.token()).as("a polled update keeps its token").isEqualTo(update.token());
        }
        return now;
    }

    private void serve(String endpoint, SlotLayout layout, String key) {
        TargetOperation done = awaitDone(endpoint, target.beginUpdate(endpoint, layout, key));
        assertThat(done.state()).as(done.message()).isEqualTo(TargetOperation.State.SUCCEEDED);
    }

    @Test
    void shouldNameItselfWithAnEventTargetName() {
        assertThat(target.name()).matches("[a-z][a-z0-9-]{0,31}");
    }

    @Test
    void shouldServeNothingOnAnEndpointNeverUpdated() {
        assertThat(target.read(ENDPOINT)).isEmpty();
        assertThatThrownBy(() -> target.health(ENDPOINT, "blue")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> target.poll(ENDPOINT, "never-issued")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void shouldServeTheLayoutOnceItsUpdateSucceeds() {
        SlotLayout layout = SlotLayout.of(new TargetSlot("blue", model(1), 100, 0));

        serve(ENDPOINT, layout, "op-1.1");

        assertThat(target.read(ENDPOINT)).hasValue(layout);
        assertThat(target.findScoringUri(ENDPOINT)).isPresent();
        assertThat(target.health(ENDPOINT, "blue").requests()).isNotNegative();
    }

    @Test
    void shouldSplitTrafficAndMirrorAsTheLayoutSays() {
        serve(ENDPOINT, SlotLayout.of(new TargetSlot("blue", model(1), 100, 0)), "op-1.1");
        SlotLayout canary =
                SlotLayout.of(new TargetSlot("blue", model(1), 90, 0), new TargetSlot("green", model(2), 10, 0));
        SlotLayout shadow =
                SlotLayout.of(new TargetSlot("blue", model(1), 100, 0), new TargetSlot("green", model(2), 0, 30));

        serve(ENDPOINT, canary, "op-2.1");
        assertThat(target.read(ENDPOINT)).hasValue(canary);
        serve(ENDPOINT, shadow, "op-3.1");
        assertThat(target.read(ENDPOINT)).hasValue(shadow);
    }

    @Test
    void shouldRemoveTheSlotsALayoutLeavesOut() {
        serve(
                ENDPOINT,
                SlotLayout.of(new TargetSlot("blue", model(1), 0, 0), new TargetSlot("green", model(2), 100, 0)),
                "op-1.1");
        SlotLayout replaced = SlotLayout.of(new TargetSlot("green", model(3), 100, 0));

        serve(ENDPOINT, replaced, "op-2.1");

        assertThat(target.read(ENDPOINT)).hasValue(replaced);
        assertThatThrownBy(() -> target.health(ENDPOINT, "blue")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void shouldReattachWhenTheSameKeyIsUpdatedAgain() {
        SlotLayout layout = SlotLayout.of(new TargetSlot("blue", model(1), 100, 0));

        TargetOperation first = target.beginUpdate(ENDPOINT, layout, "op-1.1");
        TargetOperation again = target.beginUpdate(ENDPOINT, layout, "op-1.1");

        assertThat(again.token()).isEqualTo(first.token());
        assertThat(awaitDone(ENDPOINT, again).state()).isEqualTo(TargetOperation.State.SUCCEEDED);
        assertThat(target.beginUpdate(ENDPOINT, layout, "op-1.1").token()).isEqualTo(first.token());
        assertThat(target.read(ENDPOINT)).hasValue(layout);
    }

    @Test
    void shouldPollAnUpdateAgainAfterARestart() throws Exception {
        SlotLayout first = SlotLayout.of(new TargetSlot("blue", model(1), 100, 0));
        serve(ENDPOINT, first, "op-1.1");
        SlotLayout second =
                SlotLayout.of(new TargetSlot("blue", model(1), 0, 0), new TargetSlot("green", model(2), 100, 0));
        TargetOperation begun = target.beginUpdate(ENDPOINT, second, "op-2.1");
        target.close();

        target = reopen();
        TargetOperation done = awaitDone(ENDPOINT, target.poll(ENDPOINT, begun.token()));

        assertThat(done.state()).isEqualTo(TargetOperation.State.SUCCEEDED);
        assertThat(target.read(ENDPOINT)).hasValue(second);
    }

    @Test
    void shouldKeepServingItsLayoutsAfterARestart() throws Exception {
        SlotLayout churn = SlotLayout.of(new TargetSlot("blue", model(1), 100, 0));
        SlotLayout fraud =
                SlotLayout.of(new TargetSlot("blue", model(2), 50, 0), new TargetSlot("green", model(3), 50, 0));
        serve(ENDPOINT, churn, "op-1.1");
        serve("fraud", fraud, "op-1.1");
        target.close();

        target = reopen();

        assertThat(target.read(ENDPOINT)).hasValue(churn);
        assertThat(target.read("fraud")).hasValue(fraud);
    }

    @Test
    void shouldRefuseAModelItCannotServe() {
        assertThatThrownBy(() -> target.checkServable(unservableModel()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .contains(unservableModel().getRef().toString()));
        target.checkServable(servableModel(1));
    }

    @Test
    void shouldCountASlotsRequestsOnlySinceItsShareChanged() {
        serve(ENDPOINT, SlotLayout.of(new TargetSlot("blue", model(1), 100, 0)), "op-1.1");
        if (!sendRequests(ENDPOINT, 20)) {
            return; // a fake serves no traffic: nothing to count
        }
        assertThat(target.health(ENDPOINT, "blue").requests()).isEqualTo(20);
        assertThat(target.health(ENDPOINT, "blue").errors()).isZero();

        serve(
                ENDPOINT,
                SlotLayout.of(new TargetSlot("blue", model(1), 50, 0), new TargetSlot("green", model(2), 50, 0)),
                "op-2.1");
        SlotHealth blue = target.health(ENDPOINT, "blue");
        assertThat(blue.requests()).as("counted from the share's change").isZero();

        assertThat(sendRequests(ENDPOINT, 100)).isTrue();
        assertThat(target.health(ENDPOINT, "blue").requests()).isEqualTo(50);
        assertThat(target.health(ENDPOINT, "green").requests()).isEqualTo(50);
    }
}
