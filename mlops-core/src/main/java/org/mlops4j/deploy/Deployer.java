package org.mlops4j.deploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Paged;
import org.mlops4j.deploy.EndpointState.OperationState;
import org.mlops4j.deploy.EndpointState.SlotState;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.deploy.spi.SlotHealth;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetOperation;
import org.mlops4j.internal.Names;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes model versions live behind named endpoints of a {@link DeploymentTarget}: the one rollout state machine of
 * the library. Replace, blue/green, canary (with its {@link HealthGate} and automatic rollback) and shadow rollouts,
 * operation ids, stale-plan detection and the deployment events with their lineage are all here; the target only
 * serves the slots it is given and reports on them.
 *
 * <p>Every change goes through a plan: {@link #plan} is a dry run that says what would change, {@link #beginApply}
 * carries the plan out and returns a {@link Poller}, because a rollout may take minutes (a canary waits for its health
 * gate, a remote target for its machines). A plan carries an operation id; applying a plan whose operation id the
 * endpoint has seen re-attaches to that operation instead of starting a second one, which is how a resumed pipeline
 * finds its deployment again. Reusing an id for another model or rollout is a {@link ConflictException}.
 *
 * <pre>{@code
 * try (Deployer deployer = LocalDeployer.builder().mlops(mlops).loader(new LinearModelLoader()).build()) {
 *     DeploymentPlan plan = deployer.plan("churn", model, Rollout.canary(10, 50, 100), OperationId.of("run-42"));
 *     Deployment done = deployer.beginApply(plan).getFinalResult();
 *     String uri = deployer.status("churn").findScoringUri().orElseThrow();
 * }
 * }</pre>
 *
 * <p>How it keeps its promises: an endpoint's books ({@code deployments/<endpoint>/state.json} in the deployer's
 * store: the slots the target should serve, the last event's number, the running or last operation) move only by
 * compare-and-set, so two deployers cannot both win; the target is asked to serve the slots only after they are
 * booked, with an idempotency key per move, so a deployer that died half-way is followed by one that asks again and
 * gets the same update; an operation whose end is decided is driven on by whichever deployer touches the endpoint
 * next; and every ended operation that changed what answers is one numbered {@link DeploymentEvent} in
 * {@link DeploymentHistory}, with its lineage edge from the model. A deployer drives on what it finds when it is built
 * and whenever it touches an endpoint; it does not watch for changes made by another one.
 *
 * <p>Thread-safe. Closing it closes its target.
 */
public final class Deployer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
    private static final String BLUE = "blue";
    private static final String GREEN = "green";
    private static final String ROOT = "deployments/";

    private final DeploymentTarget target;
    private final ObjectStore store;
    private final DeploymentHistory history;
    private final Clock clock;
    private final Duration pollInterval;
    private final DeployerEventPublisher events = new DeployerEventPublisher();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Deployer(Builder b, DeploymentTarget target, ObjectStore store, DeploymentHistory history) {
        this.target = target;
        this.store = store;
        this.history = history;
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.pollInterval = b.pollInterval;
        settleAll();
    }

    /**
     * Returns a builder, for the author of a target or a test; {@code LocalDeployer.builder()} builds one over the
     * local target.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns where this deployer publishes the changes it makes: deployments, rollbacks, canary steps. */
    public DeployerEventPublisher getEventPublisher() {
        return events;
    }

    /**
     * Returns where an endpoint answers scoring requests (or will, once deployed, where the target can tell).
     *
     * @param endpoint the endpoint's name
     * @return the URI, e.g. {@code http://127.0.0.1:41234/endpoints/churn/score} on the local target
     * @throws IllegalArgumentException if the name is invalid
     * @throws NotFoundException if the target cannot tell before the endpoint exists
     */
    public String scoringUri(String endpoint) {
        Names.requireValid("endpoint", endpoint);
        return target.findScoringUri(endpoint)
                .orElseThrow(() -> new NotFoundException("target '" + target.name()
                        + "' cannot tell where endpoint '" + endpoint + "' answers before it exists; deploy to it,"
                        + " then read status(\"" + endpoint + "\").findScoringUri()"));
    }

    /**
     * Works out what applying {@code rollout} of {@code model} to {@code endpoint} would change, without changing it.
     *
     * @param endpoint the endpoint's name (created by the first apply)
     * @param model the model version to make live
     * @param rollout how to move traffic to it
     * @param operationId the caller's id for the operation: the same id re-attaches instead of deploying twice; a
     *     pipeline passes its run id
     * @return the plan, to inspect or to {@link #beginApply apply}
     * @throws IllegalArgumentException if the names are not valid or the target cannot serve the model (the message
     *     says why)
     * @throws IllegalStateException if the rollout needs a live model and the endpoint has none (a shadow)
     * @throws ConflictException if the operation id was used on the endpoint for another model or rollout
     */
    public DeploymentPlan plan(String endpoint, ModelVersion model, Rollout rollout, OperationId operationId) {
        Names.requireValid("endpoint", endpoint);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(operationId, "operationId");
        target.checkServable(model);
        EndpointState state = readState(endpoint)
                .map(Stored::state)
                .filter(s -> !s.isVacant())
                .orElse(null);
        if (state != null) {
            Optional<OperationState> used = findOperation(endpoint, state, operationId);
            if (used.isPresent()) {
                requireSameRequest(endpoint, used.get(), model.getRef(), rollout);
            }
        }
        Change change = change(endpoint, state, model.getRef(), rollout);
        return new DeploymentPlan(
                endpoint, operationId, model.getRef(), rollout, state == null ? null : toStatus(state), change.lines());
    }

    /**
     * Starts carrying out a plan, or re-attaches to it when its operation id was applied before.
     *
     * @param plan a plan made by a deployer on the same books
     * @return a poller of the rollout; its final result is the deployment as it ended (live, or rolled back with the
     *     reason)
     * @throws ConflictException if another operation is in progress on the endpoint, the endpoint changed since the
     *     plan was made, or the plan's operation id was used for another model or rollout
     * @throws IllegalArgumentException if the target cannot serve the model (nothing changed then)
     * @throws IllegalStateException if this deployer is closed
     */
    public Poller<DeploymentProgress, Deployment> beginApply(DeploymentPlan plan) {
        Objects.requireNonNull(plan, "plan");
        requireOpen();
        String endpoint = plan.getEndpoint();
        HealthGate gate = plan.getRollout() instanceof Rollout.Canary canary ? canary.gate() : HealthGate.ofDefaults();
        while (true) {
            Stored before = readState(endpoint).map(this::settle).orElse(null);
            EndpointState state = before == null || before.state().isVacant() ? null : before.state();
            if (state != null) {
                Optional<OperationState> existing = findOperation(endpoint, state, plan.getOperationId());
                if (existing.isPresent()) {
                    requireSameRequest(endpoint, existing.get(), plan.getModel(), plan.getRollout());
                    return new OperationPoller(this, endpoint, plan.getOperationId(), gate, pollInterval);
                }
            }
            long plannedEvent = plan.findBefore().map(EndpointStatus::getEvent).orElse(0L);
            long currentEvent = state == null ? 0 : state.event();
            if (plannedEvent != currentEvent
                    || (state != null && plan.findBefore().isEmpty())) {
                throw new ConflictException("endpoint '" + endpoint + "' changed since plan " + plan.getOperationId()
                        + " was made (event " + plannedEvent + ", now " + currentEvent + "). Applying a plan to an"
                        + " endpoint that changed since the plan was made could undo that change: make a new plan and"
                        + " review it");
            }
            if (state != null && state.findRunning().isPresent()) {
                throw new ConflictException(
                        "operation " + state.findRunning().get().id() + " is in progress on "
                                + "endpoint '" + endpoint + "'; wait for it to end (findOperation) before applying "
                                + plan.getOperationId());
            }
            if (plan.isNoChange()) {
                ModelRef live = state == null
                        ? plan.getModel()
                        : state.findLive().map(SlotState::model).orElse(plan.getModel());
                Instant now = clock.instant();
                return new DonePoller(new Deployment(
                        endpoint,
                        plan.getOperationId(),
                        OperationStatus.SUCCEEDED,
                        live,
                        null,
                        plan.getRollout().toString(),
                        "no change: " + live + " is already live as asked",
                        currentEvent,
                        now,
                        now));
            }
            Change change = change(endpoint, state, plan.getModel(), plan.getRollout());
            Instant now = clock.instant();
            boolean immediate = change.steps().isEmpty();
            OperationState operation = new OperationState(
                    plan.getOperationId(),
                    OperationStatus.IN_PROGRESS,
                    plan.getModel(),
                    state == null
                            ? null
                            : state.findLive().map(SlotState::model).orElse(null),
                    plan.getRollout().toString(),
                    immediate
                            ? String.join("; ", change.lines())
                            : "canary step 1 of " + change.steps().size() + ": "
                                    + change.steps().get(0) + "% on " + change.newSlot(),
                    0,
                    now,
                    null,
                    change.newSlot(),
                    change.oldSlot(),
                    change.steps(),
                    0,
                    now,
                    immediate ? OperationStatus.SUCCEEDED : null,
                    true,
                    null,
                    1,
                    state == null ? List.of() : state.slots());
            EndpointState claim = new EndpointState(endpoint, currentEvent, change.slots(), operation);
            Optional<Stored> claimed = commit(before, claim);
            if (claimed.isEmpty()) {
                continue; // another writer moved the books: re-read, then re-attach or conflict
            }
            try {
                var unused = drive(claimed.get());
            } catch (RuntimeException e) {
                release(endpoint, plan.getOperationId(), before);
                throw e;
            }
            return new OperationPoller(this, endpoint, plan.getOperationId(), gate, pollInterval);
        }
    }

    /**
     * Returns what is live on an endpoint now: slots, models, traffic, counters, the last operation.
     *
     * @param endpoint the endpoint's name
     * @return its status, or empty if it was never deployed to
     * @throws IllegalArgumentException if the name is invalid
     */
    public Optional<EndpointStatus> findStatus(String endpoint) {
        return readState(endpoint).map(Stored::state).filter(s -> !s.isVacant()).map(this::toStatus);
    }

    /**
     * Returns what is live on an endpoint now.
     *
     * @param endpoint the endpoint's name
     * @return its status
     * @throws NotFoundException if nothing was ever deployed to it
     * @throws IllegalArgumentException if the name is invalid
     */
    public EndpointStatus status(String endpoint) {
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
     * @throws IllegalArgumentException if the name is invalid
     */
    public Optional<Deployment> findOperation(String endpoint, OperationId operationId) {
        Objects.requireNonNull(operationId, "operationId");
        return readState(endpoint)
                .map(Stored::state)
                .flatMap(s -> findOperation(endpoint, s, operationId))
                .map(op -> op.toDeployment(endpoint));
    }

    /**
     * Lists an endpoint's deployment events, oldest first: the same records as {@code mlops.deployments()} reads on
     * the deployer's lake.
     *
     * @param endpoint the endpoint's name
     * @return the events
     * @throws IllegalArgumentException if the name is invalid
     */
    public Paged<DeploymentEvent> events(String endpoint) {
        return history.events(endpoint);
    }

    /**
     * Puts the previous live model version back, with all traffic, as a new deployment event; waits until the target
     * serves it.
     *
     * @param endpoint the endpoint's name
     * @param reason why, recorded with the event
     * @return the deployment after the rollback
     * @throws NotFoundException if the endpoint does not exist
     * @throws IllegalStateException if there is no previous version to go back to, or this deployer is closed
     * @throws ConflictException if an operation is in progress on the endpoint
     * @throws org.mlops4j.common.ServiceUnavailableException if the target failed to serve the previous version
     */
    public Deployment rollback(String endpoint, String reason) {
        Objects.requireNonNull(reason, "reason");
        requireOpen();
        while (true) {
            Stored before = readState(endpoint)
                    .map(this::settle)
                    .filter(s -> !s.state().isVacant())
                    .orElseThrow(() -> new NotFoundException("endpoint '" + endpoint
                            + "' has no deployment to roll back; deploy a model with plan() and beginApply()"));
            EndpointState state = before.state();
            if (state.findRunning().isPresent()) {
                throw new ConflictException(
                        "operation " + state.findRunning().get().id() + " is in progress on " + "endpoint '" + endpoint
                                + "'; wait for it to end before rolling back");
            }
            SlotState live = state.findLive()
                    .orElseThrow(() -> new IllegalStateException("no model answers on endpoint '" + endpoint + "'"));
            ModelRef previous = previousLive(endpoint, state.event(), live.model())
                    .orElseThrow(() -> new IllegalStateException("endpoint '" + endpoint + "' has had only "
                            + live.model() + " live; there is no previous version to roll back to"));
            String other = live.name().equals(BLUE) ? GREEN : BLUE;
            Instant now = clock.instant();
            OperationId id = OperationId.of("rollback-" + (state.event() + 1));
            OperationState operation = new OperationState(
                    id,
                    OperationStatus.IN_PROGRESS,
                    previous,
                    live.model(),
                    "rollback",
                    reason,
                    0,
                    now,
                    null,
                    other,
                    live.name(),
                    List.of(),
                    0,
                    now,
                    OperationStatus.SUCCEEDED,
                    true,
                    null,
                    1,
                    state.slots());
            List<SlotState> slots = sorted(
                    List.of(new SlotState(live.name(), live.model(), 0, 0), new SlotState(other, previous, 100, 0)));
            Optional<Stored> claimed = commit(before, new EndpointState(endpoint, state.event(), slots, operation));
            if (claimed.isEmpty()) {
                continue;
            }
            try {
                var unused = drive(claimed.get());
            } catch (RuntimeException e) {
                release(endpoint, id, before);
                throw e;
            }
            return new OperationPoller(this, endpoint, id, HealthGate.ofDefaults(), pollInterval).getFinalResult();
        }
    }

    /** Closes the target (its servers, threads and models); the books stay. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            target.close();
        }
    }

    @Override
    public String toString() {
        return "Deployer{target " + target.name() + ", books " + store + "}";
    }

    /** The name of the target, as written into events. */
    String targetName() {
        return target.name();
    }

    // --- the rollout state machine ---------------------------------------------------------------------------------

    /** Moves a running operation on by one step: the target's update, or one look of the canary's gate. */
    PollResponse<DeploymentProgress> advance(String endpoint, OperationId id, HealthGate gate) {
        while (true) {
            Stored stored = readState(endpoint).orElse(null);
            OperationState op = stored == null
                    ? null
                    : findOperation(endpoint, stored.state(), id).orElse(null);
            if (stored == null || op == null) {
                throw new NotFoundException(
                        "endpoint '" + endpoint + "' never saw operation " + id + "; apply a plan with that id");
            }
            if (!op.isRunning()) {
                return response(op);
            }
            if (op.converging()) {
                Optional<Stored> after = drive(stored);
                if (after.isEmpty()) {
                    continue;
                }
                stored = after.get();
                op = Objects.requireNonNull(stored.state().operation());
                if (!op.isRunning() || op.converging()) {
                    return response(op);
                }
                // the target now serves a canary step: the gate may judge it in this same poll
            } else {
                stored = settle(stored);
            }
            EndpointState state = stored.state();
            SlotMetrics metrics = metrics(endpoint, op.newSlot());
            Instant now = clock.instant();
            Duration waited = Duration.between(op.stepStarted(), now);
            HealthGate.GateResult result = gate.evaluate(metrics, waited.isNegative() ? Duration.ZERO : waited);
            String oldSlot = Objects.requireNonNull(op.oldSlot(), "a canary has an old slot");
            ModelRef oldModel = state.findSlot(oldSlot)
                    .orElseThrow(() -> new MlopsException("canary slot " + oldSlot + " of endpoint '" + endpoint
                            + "' is missing from its books; the lake is damaged"))
                    .model();
            EndpointState next;
            switch (result.state()) {
                case WAIT -> {
                    return new PollResponse<>(
                            OperationStatus.IN_PROGRESS,
                            new DeploymentProgress(
                                    op.step() + 1, op.steps().size(), op.steps().get(op.step()), result.reason()));
                }
                case PASS -> {
                    int nextStep = op.step() + 1;
                    if (nextStep < op.steps().size()) {
                        int share = op.steps().get(nextStep);
                        next = state.with(
                                canarySlots(oldSlot, oldModel, op.newSlot(), op.model(), share),
                                op.advanced(
                                        nextStep,
                                        now,
                                        "canary step " + (nextStep + 1) + " of "
                                                + op.steps().size() + ": " + share
                                                + "% on " + op.newSlot() + " (step " + nextStep + " passed: "
                                                + result.reason() + ")"));
                    } else {
                        long event = state.event() + 1;
                        next = new EndpointState(
                                endpoint,
                                event,
                                state.slots(),
                                op.ended(
                                        OperationStatus.SUCCEEDED,
                                        "canary passed all " + op.steps().size() + " steps; last: " + result.reason(),
                                        event,
                                        now));
                    }
                }
                default ->
                    next = state.with(
                            List.of(new SlotState(oldSlot, oldModel, 100, 0)),
                            op.deciding(OperationStatus.ROLLED_BACK, result.reason()));
            }
            Optional<Stored> moved = commit(stored, next);
            if (moved.isEmpty()) {
                continue;
            }
            OperationState after = Objects.requireNonNull(moved.get().state().operation());
            if (after.isRunning() && after.step() > op.step()) {
                events.publish(new CanaryStepEvent(
                        endpoint,
                        id,
                        after.step() + 1,
                        after.steps().size(),
                        after.steps().get(after.step()),
                        after.reason(),
                        after.stepStarted()));
            }
            if (after.converging()) {
                after = drive(moved.get())
                        .map(s -> Objects.requireNonNull(s.state().operation()))
                        .orElse(after);
            }
            return response(after);
        }
    }

    /**
     * One move of a converging operation: begins the target's update of the booked slots, or polls it; once the
     * target serves them, books that, and ends the operation if its outcome was decided.
     *
     * @return the books after, or empty if another writer moved them first
     */
    private Optional<Stored> drive(Stored stored) {
        EndpointState state = stored.state();
        String endpoint = state.endpoint();
        OperationState op = Objects.requireNonNull(state.operation(), "a converging operation");
        Optional<SlotLayout> layout = state.layout();
        TargetOperation update;
        if (layout.isEmpty()) {
            update = new TargetOperation("none", TargetOperation.State.SUCCEEDED, "nothing to serve");
        } else if (op.handle() == null) {
            update = target.beginUpdate(endpoint, layout.get(), op.updateKey());
        } else {
            try {
                update = target.poll(endpoint, op.handle());
            } catch (NotFoundException e) {
                update = target.beginUpdate(endpoint, layout.get(), op.updateKey()); // the target forgot it: again
            }
        }
        @Nullable
        EndpointState next = switch (update.state()) {
            case IN_PROGRESS -> {
                if (update.token().equals(op.handle())) {
                    yield null;
                }
                yield state.with(op.handing(update.token()));
            }
            case SUCCEEDED -> served(state, op);
            case FAILED -> failed(state, op, update.message());
        };
        return next == null ? Optional.of(stored) : commit(stored, next);
    }

    /** The books once the target serves the booked slots. */
    private EndpointState served(EndpointState state, OperationState op) {
        OperationStatus outcome = op.outcome();
        if (outcome == null) {
            return state.with(op.converged());
        }
        Instant now = clock.instant();
        if (outcome.equals(OperationStatus.FAILED)) {
            return state.with(op.ended(OperationStatus.FAILED, op.reason(), 0, now));
        }
        long event = state.event() + 1;
        return new EndpointState(state.endpoint(), event, state.slots(), op.ended(outcome, op.reason(), event, now));
    }

    /** The books once the target gave up: put the slots before the operation back, then end it as failed. */
    private EndpointState failed(EndpointState state, OperationState op, String message) {
        String why = "target '" + target.name() + "' failed to serve "
                + state.layout().map(SlotLayout::toString).orElse("nothing") + " on endpoint '" + state.endpoint()
                + "': " + message;
        if (OperationStatus.FAILED.equals(op.outcome())) {
            return state.with(op.ended(OperationStatus.FAILED, op.reason() + "; then " + why, 0, clock.instant()));
        }
        return state.with(op.undo(), op.deciding(OperationStatus.FAILED, why + "; the slots before it are put back"));
    }

    /**
     * Drives on what needs no caller: heals the records of the last move, moves a converging operation on (begins the
     * target's update if nobody did, and polls it once; any deployer may: the update is idempotent by its key and the
     * books move by compare-and-set), and asks the target again for the booked slots when it serves something else. A
     * failure is logged and left for the next touch.
     */
    @CanIgnoreReturnValue
    private Stored settle(Stored stored) {
        EndpointState state = stored.state();
        var unused = heal(state);
        OperationState op = state.operation();
        try {
            if (op != null && op.isRunning() && op.converging()) {
                // two moves: begin the update if nobody did, then poll it once, so that a quick target is done
                Stored now = stored;
                for (int move = 0; move < 2 && isConverging(now); move++) {
                    Optional<Stored> after = drive(now);
                    if (after.isEmpty()) {
                        return readState(state.endpoint()).orElse(now);
                    }
                    now = after.get();
                }
                return now;
            }
            Optional<SlotLayout> wanted = state.layout();
            if (wanted.isPresent() && !wanted.equals(target.read(state.endpoint()))) {
                String key = "sync." + state.event() + "." + (op == null ? 0 : op.id() + "." + op.revision());
                TargetOperation update = target.beginUpdate(state.endpoint(), wanted.get(), key);
                if (!update.isDone()) {
                    var unusedPoll = target.poll(state.endpoint(), update.token());
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("endpoint '{}' not settled now, left for the next touch", state.endpoint(), e);
        }
        return stored;
    }

    private static boolean isConverging(Stored stored) {
        OperationState op = stored.state().operation();
        return op != null && op.isRunning() && op.converging();
    }

    /** Settles every endpoint in the books: what a dead deployer left half-done is driven on and served again. */
    private void settleAll() {
        Set<String> endpoints = new HashSet<>();
        for (StoreKey key : store.list(ROOT)) {
            String[] parts = key.value().split("/");
            if (parts.length == 3 && parts[2].equals("state.json")) {
                endpoints.add(parts[1]);
            }
        }
        for (String endpoint : endpoints) {
            try {
                readState(endpoint).ifPresent(this::settle);
            } catch (RuntimeException e) {
                LOG.warn("cannot settle endpoint '{}': {}", endpoint, e.toString());
            }
        }
    }

    /** Gives a claim back after the target refused its first update, so that nothing is booked as changed. */
    private void release(String endpoint, OperationId id, @Nullable Stored before) {
        try {
            Optional<Stored> now = readState(endpoint);
            OperationState op = now.map(s -> s.state().operation()).orElse(null);
            if (now.isPresent() && op != null && op.id().equals(id) && op.isRunning() && op.handle() == null) {
                EndpointState back = before == null ? EndpointState.vacant(endpoint) : before.state();
                var unused = store.compareAndSet(stateKey(endpoint), now.get().tag(), back.encode());
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot give back the claim of {} on endpoint '{}'", id, endpoint, e);
        }
    }

    private SlotMetrics metrics(String endpoint, String slot) {
        SlotHealth health;
        try {
            health = target.health(endpoint, slot);
        } catch (NotFoundException e) {
            health = SlotHealth.NONE; // not served yet: nothing to judge
        }
        return new SlotMetrics(slot, health.requests(), health.errors(), health.p95Latency(), health.maxLatency());
    }

    private static PollResponse<DeploymentProgress> response(OperationState op) {
        int steps = Math.max(1, op.steps().size());
        if (op.isRunning()) {
            return new PollResponse<>(
                    op.status(),
                    new DeploymentProgress(Math.min(op.step() + 1, steps), steps, servedShare(op), op.reason()));
        }
        boolean serving =
                op.status().equals(OperationStatus.SUCCEEDED) && !op.rollout().startsWith("shadow");
        return new PollResponse<>(op.status(), new DeploymentProgress(steps, steps, serving ? 100 : 0, op.reason()));
    }

    /** The new slot's share the target serves now: while it moves to the next canary step, the step before's. */
    private static int servedShare(OperationState op) {
        if (op.steps().isEmpty()) {
            return 0;
        }
        if (op.converging() && op.outcome() == null) {
            return op.step() == 0 ? 0 : op.steps().get(op.step() - 1);
        }
        return op.steps().get(op.step());
    }

    private static List<SlotState> canarySlots(
            String oldSlot, ModelRef oldModel, String newSlot, ModelRef newModel, int share) {
        return sorted(
                List.of(new SlotState(oldSlot, oldModel, 100 - share, 0), new SlotState(newSlot, newModel, share, 0)));
    }

    /** The slots an operation asks for, and what changes, worked out once for both plan and apply. */
    private record Change(
            List<SlotState> slots, String newSlot, @Nullable String oldSlot, List<Integer> steps, List<String> lines) {}

    private Change change(String endpoint, @Nullable EndpointState state, ModelRef model, Rollout rollout) {
        Optional<SlotState> live = state == null ? Optional.empty() : state.findLive();
        List<String> lines = new ArrayList<>();
        if (state == null || live.isEmpty()) {
            if (rollout instanceof Rollout.Shadow) {
                throw new IllegalStateException("endpoint '" + endpoint + "' has no live model to copy requests from;"
                        + " deploy one first (e.g. Rollout.blueGreen()), then shadow " + model);
            }
            lines.add("create endpoint '" + endpoint + "'"
                    + target.findScoringUri(endpoint).map(uri -> " at " + uri).orElse(""));
            lines.add("load " + model + " into slot " + BLUE);
            lines.add("route 100% of traffic to " + BLUE + " (" + model + ")");
            if (rollout instanceof Rollout.Canary) {
                lines.add("no live model to compare with: the canary starts at 100%");
            }
            return new Change(List.of(new SlotState(BLUE, model, 100, 0)), BLUE, null, List.of(), lines);
        }
        SlotState current = live.get();
        String idle = current.name().equals(BLUE) ? GREEN : BLUE;
        Optional<SlotState> idleSlot = state.findSlot(idle);
        boolean alreadyLive = current.model().equals(model) && current.traffic() == 100;
        if (rollout instanceof Rollout.Shadow shadow) {
            if (idleSlot.isPresent()
                    && idleSlot.get().model().equals(model)
                    && idleSlot.get().shadow() == shadow.percent()) {
                return new Change(state.slots(), idle, current.name(), List.of(), List.of());
            }
            if (current.model().equals(model)) {
                throw new IllegalStateException(model + " already answers on endpoint '" + endpoint
                        + "'; a shadow copies requests to another version");
            }
        } else if (alreadyLive) {
            return new Change(state.slots(), current.name(), null, List.of(), List.of());
        }
        if (rollout instanceof Rollout.Replace) {
            lines.add("replace " + current.model() + " with " + model + " in slot " + current.name()
                    + " (100% of traffic)");
            idleSlot.ifPresent(s -> lines.add("unload " + s.model() + " from slot " + s.name()));
            return new Change(
                    List.of(new SlotState(current.name(), model, 100, 0)), current.name(), null, List.of(), lines);
        }
        if (idleSlot.isPresent() && idleSlot.get().model().equals(model)) {
            lines.add("reuse " + model + ", already loaded in slot " + idle);
        } else {
            idleSlot.ifPresent(s -> lines.add("unload " + s.model() + " from slot " + idle));
            lines.add("load " + model + " into slot " + idle);
        }
        if (rollout instanceof Rollout.Shadow shadow) {
            lines.add("copy " + shadow.percent() + "% of requests to " + idle + " (" + model
                    + "); its answers are counted and discarded, " + current.name() + " (" + current.model()
                    + ") keeps answering");
            return new Change(
                    sorted(List.of(
                            new SlotState(current.name(), current.model(), 100, 0),
                            new SlotState(idle, model, 0, shadow.percent()))),
                    idle,
                    current.name(),
                    List.of(),
                    lines);
        }
        if (rollout instanceof Rollout.Canary canary && canary.percentSteps().get(0) < 100) {
            List<Integer> steps = canary.percentSteps();
            lines.add("canary " + idle + " (" + model + "): "
                    + String.join(" → ", steps.stream().map(s -> s + "%").toList())
                    + " of traffic, each step judged by " + canary.gate());
            lines.add("on a failed gate, all traffic goes back to " + current.name() + " (" + current.model() + ")");
            return new Change(
                    canarySlots(current.name(), current.model(), idle, model, steps.get(0)),
                    idle,
                    current.name(),
                    steps,
                    lines);
        }
        lines.add("switch 100% of traffic from " + current.name() + " (" + current.model() + ") to " + idle + " ("
                + model + ")");
        lines.add("keep " + current.name() + " (" + current.model() + ") warm for rollback");
        return new Change(
                canarySlots(current.name(), current.model(), idle, model, 100), idle, current.name(), List.of(), lines);
    }

    private static List<SlotState> sorted(List<SlotState> slots) {
        List<SlotState> copy = new ArrayList<>(slots);
        copy.sort(Comparator.comparing(SlotState::name));
        return copy;
    }

    /** Refuses an operation id reused for another deployment: re-attaching would silently return the old one. */
    private static void requireSameRequest(String endpoint, OperationState used, ModelRef model, Rollout rollout) {
        if (!used.model().equals(model) || !used.rollout().equals(rollout.toString())) {
            throw new ConflictException("operation id '" + used.id() + "' was already used on endpoint '" + endpoint
                    + "' to deploy " + used.model() + " by " + used.rollout() + " (" + used.status()
                    + "); this plan deploys " + model + " by " + rollout + ". An operation id names one deployment,"
                    + " and applying it again re-attaches to that deployment: give this one a new id, e.g."
                    + " OperationId.random() or an id per run");
        }
    }

    /** The latest model that answered before {@code live} did, read from the events backwards. */
    private Optional<ModelRef> previousLive(String endpoint, long latest, ModelRef live) {
        for (long n = latest; n >= 1; n--) {
            Optional<ModelRef> answering = history.findEvent(endpoint, n).flatMap(DeploymentEvent::findLive);
            if (answering.isPresent() && !answering.get().equals(live)) {
                return answering;
            }
        }
        return Optional.empty();
    }

    private Optional<OperationState> findOperation(String endpoint, EndpointState state, OperationId id) {
        if (state.operation() != null && state.operation().id().equals(id)) {
            return Optional.of(state.operation());
        }
        return store.find(operationKey(endpoint, id))
                .map(o -> EndpointState.decodeOperation(o.getBytes(), o.getKey().value()));
    }

    /**
     * Moves the books by compare-and-set, then writes the records the move implies and publishes what ended.
     *
     * @return the books after, or empty if another writer moved them first
     */
    private Optional<Stored> commit(@Nullable Stored before, EndpointState next) {
        Optional<ObjectTag> tag =
                store.compareAndSet(stateKey(next.endpoint()), before == null ? null : before.tag(), next.encode());
        if (tag.isEmpty()) {
            return Optional.empty();
        }
        DeploymentEvent event = heal(next);
        OperationState was = before == null ? null : before.state().operation();
        OperationState now = next.operation();
        boolean ended =
                now != null && !now.isRunning() && (was == null || !was.id().equals(now.id()) || was.isRunning());
        if (event != null && ended) {
            events.publish(event);
        }
        return Optional.of(new Stored(next, tag.get()));
    }

    /**
     * Writes the records a state implies: the ended operation's record and, when it changed what answers, its event
     * (with the lineage edge). Idempotent, and called before every move too, so that a writer that died between its
     * move and these writes is healed.
     */
    @CanIgnoreReturnValue
    private @Nullable DeploymentEvent heal(EndpointState state) {
        OperationState op = state.operation();
        if (op == null || op.isRunning()) {
            return null;
        }
        DeploymentEvent event = null;
        if (op.event() != 0 && op.event() == state.event()) {
            event = new DeploymentEvent(
                    state.endpoint(),
                    op.event(),
                    target.name(),
                    op.id(),
                    op.model(),
                    op.previous(),
                    state.findLive().map(SlotState::model).orElse(null),
                    op.rollout(),
                    op.status(),
                    op.reason(),
                    Objects.requireNonNull(op.ended(), "an ended operation has an end"));
            var unused = history.record(event);
        }
        boolean unusedCreated = store.createIfAbsent(
                operationKey(state.endpoint(), op.id()), EndpointState.encodeOperation(state.endpoint(), op));
        return event;
    }

    private EndpointStatus toStatus(EndpointState state) {
        List<SlotStatus> slots = new ArrayList<>();
        for (SlotState slot : state.slots()) {
            slots.add(new SlotStatus(
                    slot.name(), slot.model(), slot.traffic(), slot.shadow(), metrics(state.endpoint(), slot.name())));
        }
        OperationState op = state.operation();
        return new EndpointStatus(
                state.endpoint(),
                slots,
                target.findScoringUri(state.endpoint()).orElse(null),
                state.event(),
                op == null ? null : op.id(),
                op == null ? OperationStatus.NOT_STARTED : op.status());
    }

    /** Books as read, with the tag to move them from. */
    private record Stored(EndpointState state, ObjectTag tag) {}

    private Optional<Stored> readState(String endpoint) {
        return store.find(stateKey(endpoint))
                .map(o ->
                        new Stored(EndpointState.decode(o.getBytes(), o.getKey().value()), o.getTag()));
    }

    private static StoreKey stateKey(String endpoint) {
        return StoreKey.of(ROOT + Names.requireValid("endpoint", endpoint) + "/state.json");
    }

    private static StoreKey operationKey(String endpoint, OperationId id) {
        return StoreKey.of(ROOT + endpoint + "/operations/" + id.value() + ".json");
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Deployer is closed; build a new one on the same lake");
        }
    }

    /** An operation that ended before it began (a plan with no change). */
    private static final class DonePoller implements Poller<DeploymentProgress, Deployment> {
        private final Deployment done;

        DonePoller(Deployment done) {
            this.done = done;
        }

        @Override
        public OperationId getOperationId() {
            return done.getOperationId();
        }

        @Override
        public PollResponse<DeploymentProgress> poll() {
            return new PollResponse<>(done.getStatus(), new DeploymentProgress(0, 0, 100, done.getReason()));
        }

        @Override
        public PollResponse<DeploymentProgress> waitForCompletion(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
            }
            return poll();
        }

        @Override
        public Deployment getFinalResult() {
            return OperationPoller.requireNotFailed(done, done.getEndpoint());
        }
    }

    /** Builds a {@link Deployer}; each setting may be set once. */
    public static final class Builder {
        private @Nullable DeploymentTarget target;
        private @Nullable ObjectStore store;
        private @Nullable DeploymentHistory history;
        private @Nullable Clock clock;
        private Duration pollInterval = Duration.ofMillis(200);
        private final Set<String> set = new HashSet<>();

        private Builder() {}

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set on this Deployer builder");
            }
        }

        /**
         * Sets the target the deployer drives; the deployer owns it from now on and closes it.
         *
         * @param target the target
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder target(DeploymentTarget target) {
            once("target");
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Sets where the deployment events are recorded ({@code mlops.deployments()}), so that
         * {@code explain(endpoint)} and lineage see them; the books are kept in its lake too unless {@link #store}
         * says otherwise.
         *
         * @param history the lake's deployment history
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder history(DeploymentHistory history) {
            once("history");
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /**
         * Sets the store the books are kept in (and, without a {@link #history}, the events and their lineage edges).
         *
         * @param store the store
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder store(ObjectStore store) {
            once("store");
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the clock of timestamps and of the canary gate's maxWait; the system clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets how long a poller's {@code waitForCompletion} and {@code getFinalResult} pause between polls; 200 ms by
         * default.
         *
         * @param interval a positive duration
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        @CanIgnoreReturnValue
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, got " + interval);
            }
            once("pollInterval");
            this.pollInterval = interval;
            return this;
        }

        /**
         * Builds the deployer and settles every endpoint in its books: an operation a dead deployer left half-done
         * is driven on, and the target is asked to serve what the books say.
         *
         * @return the deployer
         * @throws IllegalStateException if no target was set, or neither a history nor a store
         */
        public Deployer build() {
            DeploymentTarget driver = target;
            if (driver == null) {
                throw new IllegalStateException("set the deployment target with target(…)");
            }
            if (store == null && history == null) {
                throw new IllegalStateException(
                        "set where the books and events are kept: history(mlops.deployments()) or store(…)");
            }
            ObjectStore books =
                    store != null ? store : Objects.requireNonNull(history).store();
            DeploymentHistory events = history != null ? history : DeploymentHistory.on(books);
            return new Deployer(this, driver, books, events);
        }

        @Override
        public String toString() {
            return "Deployer.Builder{target=" + (target == null ? "none" : target.name()) + "}";
        }
    }
}
