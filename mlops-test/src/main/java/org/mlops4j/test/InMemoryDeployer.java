package org.mlops4j.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.Deployer;
import org.mlops4j.deploy.Deployment;
import org.mlops4j.deploy.DeploymentHistory;
import org.mlops4j.deploy.DeploymentPlan;
import org.mlops4j.deploy.DeploymentProgress;
import org.mlops4j.deploy.EndpointStatus;
import org.mlops4j.deploy.HealthGate;
import org.mlops4j.deploy.OperationId;
import org.mlops4j.deploy.OperationStatus;
import org.mlops4j.deploy.PollResponse;
import org.mlops4j.deploy.Poller;
import org.mlops4j.deploy.Rollout;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.deploy.SlotStatus;
import org.mlops4j.lake.RecordFormat;
import org.mlops4j.lake.RecordReader;
import org.mlops4j.lake.RecordWriter;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * A {@link Deployer} that serves nothing but keeps the books exactly: slots, traffic, operations and deployment
 * events, in an {@link ObjectStore} (its own {@link InMemoryObjectStore} by default, or the lake, so that its state
 * survives a process restart in crash tests). Faithful to the SPI where tests depend on it:
 *
 * <ul>
 *   <li>idempotent by {@link OperationId}: applying a plan whose id the endpoint has seen re-attaches to that
 *       operation, also after the process that started it died half-way;
 *   <li>a plan made before the endpoint changed fails with a {@link ConflictException} (stale plan), as does an
 *       apply while another operation is in progress;
 *   <li>canary steps are judged by the rollout's {@link HealthGate} on counters from {@link Builder#slotMetrics}
 *       (healthy by default); a failed gate rolls back;
 *   <li>every change is one deployment event ({@link #events(String)}), published to {@link #onEvent} consumers;
 *   <li>{@link #rollback} puts the previous model back.
 * </ul>
 *
 * <p>Keys: {@code deployments/in-memory/<endpoint>/state.json} (compare-and-set),
 * {@code …/operations/<operation id>.json} (compare-and-set) and {@code …/events/<8-digit event>.json}
 * (create-if-absent). Thread-safe; several processes may share a store.
 */
public final class InMemoryDeployer implements Deployer {
    /** The target name under which events are recorded in a shared {@link DeploymentHistory}. */
    public static final String TARGET = "in-memory";

    private static final RecordFormat STATE = RecordFormat.of("mlops4j.test.deployer-state", 1);
    private static final RecordFormat OPERATION = RecordFormat.of("mlops4j.test.deployer-operation", 1);
    private static final RecordFormat EVENT = RecordFormat.of("mlops4j.test.deployer-event", 1);

    private final ObjectStore store;
    private final Clock clock;
    private final BiFunction<String, ModelRef, SlotMetrics> slotMetrics;
    private final @Nullable DeploymentHistory history;
    private final List<Consumer<DeploymentEvent>> listeners = new CopyOnWriteArrayList<>();

    private InMemoryDeployer(Builder builder) {
        this.store = builder.store == null ? new InMemoryObjectStore() : builder.store;
        this.clock = builder.clock == null ? Clock.systemUTC() : builder.clock;
        this.slotMetrics = builder.slotMetrics;
        this.history = builder.history;
    }

    /** Returns a deployer on its own in-memory store with the system clock and healthy slots. */
    public static InMemoryDeployer create() {
        return builder().build();
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One deployment event: an apply that ended, or a rollback.
     *
     * @param endpoint the endpoint
     * @param event its number on the endpoint, from 1
     * @param operation the operation that wrote it
     * @param kind {@code apply}, {@code gate-rollback} or {@code rollback}
     * @param model the model live (or shadowed) after it
     * @param previous the model live before, or null
     * @param at when
     */
    public record DeploymentEvent(
            String endpoint,
            long event,
            OperationId operation,
            String kind,
            ModelRef model,
            @Nullable ModelRef previous,
            Instant at) {}

    /**
     * Registers a consumer of deployment events (called once per event, by the process that wrote it).
     *
     * @param consumer the consumer
     * @return this deployer
     */
    @com.google.errorprone.annotations.CanIgnoreReturnValue
    public InMemoryDeployer onEvent(Consumer<DeploymentEvent> consumer) {
        listeners.add(Objects.requireNonNull(consumer, "consumer"));
        return this;
    }

    /**
     * Reads an endpoint's deployment events, oldest first: the deployer's records for tests to check.
     *
     * @param endpoint the endpoint
     * @return the events
     */
    public List<DeploymentEvent> events(String endpoint) {
        List<DeploymentEvent> events = new ArrayList<>();
        for (long n = 1; ; n++) {
            Optional<StoredObject> found = store.find(eventKey(endpoint, n));
            if (found.isEmpty()) {
                return events;
            }
            events.add(decodeEvent(endpoint, found.get()));
        }
    }

    @Override
    public DeploymentPlan plan(String endpoint, ModelVersion model, Rollout rollout, OperationId operationId) {
        requireName(endpoint);
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(operationId, "operationId");
        if (model.getArtifacts().isEmpty()) {
            throw new IllegalArgumentException("model " + model.getRef() + " has no artifacts to serve");
        }
        Optional<EndpointStatus> before = findStatus(endpoint);
        List<String> changes = new ArrayList<>();
        Optional<ModelRef> live = before.flatMap(EndpointStatus::findLiveModel);
        if (live.isEmpty() || !live.get().equals(model.getRef()) || rollout instanceof Rollout.Shadow) {
            changes.add("serve " + model.getRef() + " on endpoint '" + endpoint + "' by " + rollout
                    + live.map(m -> ", replacing " + m).orElse(", a new endpoint"));
        }
        return new DeploymentPlan(endpoint, operationId, model.getRef(), rollout, before.orElse(null), changes);
    }

    @Override
    public Poller<DeploymentProgress, Deployment> beginApply(DeploymentPlan plan) {
        String endpoint = plan.getEndpoint();
        OperationId id = plan.getOperationId();
        if (store.find(operationKey(endpoint, id)).isEmpty()) {
            State state = readState(endpoint).map(s -> s.state).orElse(null);
            long expectedEvent = plan.findBefore().map(EndpointStatus::getEvent).orElse(0L);
            if (state != null && state.pending != null && !state.pending.equals(id.value())) {
                throw new ConflictException("endpoint '" + endpoint + "' has operation " + state.pending
                        + " in progress; wait for it, then plan again");
            }
            long currentEvent = state == null ? 0 : state.event;
            if (currentEvent != expectedEvent) {
                throw new ConflictException("endpoint '" + endpoint + "' changed since the plan was made (event "
                        + expectedEvent + ", now " + currentEvent + "); plan again");
            }
            Operation op = new Operation(
                    id.value(),
                    plan.getModel(),
                    state == null ? null : state.live(),
                    plan.getRollout().toString(),
                    OperationStatus.IN_PROGRESS.toString(),
                    "started",
                    0,
                    0,
                    clock.instant(),
                    null);
            var unused = store.compareAndSet(operationKey(endpoint, id), null, op.encode());
        }
        return new ApplyPoller(endpoint, id, plan.getRollout());
    }

    @Override
    public Optional<EndpointStatus> findStatus(String endpoint) {
        return readState(endpoint).map(s -> s.state.toStatus(endpoint));
    }

    @Override
    public Optional<Deployment> findOperation(String endpoint, OperationId operationId) {
        return store.find(operationKey(endpoint, operationId))
                .map(o -> Operation.decode(o).toDeployment(endpoint));
    }

    @Override
    public Deployment rollback(String endpoint, String reason) {
        Stored current = readState(endpoint)
                .orElseThrow(() -> new NotFoundException("endpoint '" + endpoint + "' does not exist"));
        State s = current.state;
        if (s.pending != null) {
            throw new ConflictException("endpoint '" + endpoint + "' has operation " + s.pending + " in progress");
        }
        if (s.previous == null) {
            throw new IllegalStateException("endpoint '" + endpoint + "' has no previous model to go back to");
        }
        OperationId id = OperationId.of("rollback-" + (s.event + 1));
        State after = new State(s.event + 1, s.previous, 100, null, 0, 0, s.live(), id.value(), null);
        if (store.compareAndSet(stateKey(endpoint), current.tag, after.encode()).isEmpty()) {
            throw new ConflictException("endpoint '" + endpoint + "' changed during the rollback; try again");
        }
        Instant now = clock.instant();
        ensureEvent(
                new DeploymentEvent(endpoint, after.event, id, "rollback", s.previous, s.live(), now),
                "rollback",
                OperationStatus.SUCCEEDED,
                reason);
        Deployment done = new Deployment(
                endpoint,
                id,
                OperationStatus.SUCCEEDED,
                s.previous,
                s.live(),
                "rollback",
                reason,
                after.event,
                now,
                now);
        return done;
    }

    // --- state ---------------------------------------------------------------------------------------------

    /** An endpoint: the live slot, an optional second slot (canary or shadow), the event count. */
    private record State(
            long event,
            ModelRef liveModel,
            int liveTraffic,
            @Nullable ModelRef otherModel,
            int otherTraffic,
            int otherShadow,
            @Nullable ModelRef previous,
            String lastOperation,
            @Nullable String pending) {
        ModelRef live() {
            return otherModel != null && otherTraffic > liveTraffic ? otherModel : liveModel;
        }

        byte[] encode() {
            return RecordWriter.create(STATE)
                    .put("event", event)
                    .put("live", liveModel.toString())
                    .put("liveTraffic", liveTraffic)
                    .putIfNotNull("other", otherModel == null ? null : otherModel.toString())
                    .put("otherTraffic", otherTraffic)
                    .put("otherShadow", otherShadow)
                    .putIfNotNull("previous", previous == null ? null : previous.toString())
                    .put("lastOperation", lastOperation)
                    .putIfNotNull("pending", pending)
                    .toBytes();
        }

        static State decode(StoredObject o) {
            RecordReader r = RecordReader.parse(o.getBytes(), STATE, o.getKey().toString());
            State s = new State(
                    r.getLong("event"),
                    ModelRef.parse(r.getString("live")),
                    (int) r.getLong("liveTraffic"),
                    r.findString("other").map(ModelRef::parse).orElse(null),
                    (int) r.getLong("otherTraffic"),
                    (int) r.getLong("otherShadow"),
                    r.findString("previous").map(ModelRef::parse).orElse(null),
                    r.getString("lastOperation"),
                    r.findString("pending").orElse(null));
            var unused = r.getString("format");
            r.finish();
            return s;
        }

        EndpointStatus toStatus(String endpoint) {
            SlotMetrics none = new SlotMetrics("blue", 0, 0, Duration.ZERO, Duration.ZERO);
            List<SlotStatus> slots = new ArrayList<>();
            slots.add(new SlotStatus("blue", liveModel, liveTraffic, 0, none));
            if (otherModel != null) {
                slots.add(new SlotStatus(
                        "green",
                        otherModel,
                        otherTraffic,
                        otherShadow,
                        new SlotMetrics("green", 0, 0, Duration.ZERO, Duration.ZERO)));
            }
            OperationStatus status = pending == null ? OperationStatus.SUCCEEDED : OperationStatus.IN_PROGRESS;
            return new EndpointStatus(
                    endpoint,
                    slots,
                    "memory://" + endpoint,
                    event,
                    OperationId.of(pending == null ? lastOperation : pending),
                    status);
        }
    }

    private record Stored(State state, ObjectTag tag) {}

    private Optional<Stored> readState(String endpoint) {
        return store.find(stateKey(endpoint)).map(o -> new Stored(State.decode(o), o.getTag()));
    }

    /** An operation's record. */
    private record Operation(
            String id,
            ModelRef model,
            @Nullable ModelRef previous,
            String rollout,
            String status,
            String reason,
            int step,
            long event,
            Instant started,
            @Nullable Instant ended) {
        byte[] encode() {
            return RecordWriter.create(OPERATION)
                    .put("id", id)
                    .put("model", model.toString())
                    .putIfNotNull("previous", previous == null ? null : previous.toString())
                    .put("rollout", rollout)
                    .put("status", status)
                    .put("reason", reason)
                    .put("step", step)
                    .put("event", event)
                    .put("started", started.toString())
                    .putIfNotNull("ended", ended == null ? null : ended.toString())
                    .toBytes();
        }

        static Operation decode(StoredObject o) {
            RecordReader r =
                    RecordReader.parse(o.getBytes(), OPERATION, o.getKey().toString());
            Operation op = new Operation(
                    r.getString("id"),
                    ModelRef.parse(r.getString("model")),
                    r.findString("previous").map(ModelRef::parse).orElse(null),
                    r.getString("rollout"),
                    r.getString("status"),
                    r.getString("reason"),
                    (int) r.getLong("step"),
                    r.getLong("event"),
                    r.getParsed("started", Instant::parse),
                    r.findString("ended").map(Instant::parse).orElse(null));
            var unused = r.getString("format");
            r.finish();
            return op;
        }

        boolean isTerminal() {
            return OperationStatus.fromString(status).isTerminal();
        }

        Operation with(String newStatus, String newReason, int newStep, long newEvent, @Nullable Instant newEnded) {
            return new Operation(
                    id, model, previous, rollout, newStatus, newReason, newStep, newEvent, started, newEnded);
        }

        Deployment toDeployment(String endpoint) {
            return new Deployment(
                    endpoint,
                    OperationId.of(id),
                    OperationStatus.fromString(status),
                    model,
                    previous,
                    rollout,
                    reason,
                    event,
                    started,
                    ended);
        }
    }

    /** Drives one operation; every poll re-reads the store, so any process can pick up where another stopped. */
    private final class ApplyPoller implements Poller<DeploymentProgress, Deployment> {
        private final String endpoint;
        private final OperationId id;
        private final Rollout rollout;

        ApplyPoller(String endpoint, OperationId id, Rollout rollout) {
            this.endpoint = endpoint;
            this.id = id;
            this.rollout = rollout;
        }

        @Override
        public OperationId getOperationId() {
            return id;
        }

        @Override
        public PollResponse<DeploymentProgress> poll() {
            StoredObject record = store.get(operationKey(endpoint, id));
            Operation op = Operation.decode(record);
            int steps = rollout instanceof Rollout.Canary c ? c.percentSteps().size() : 1;
            if (op.isTerminal()) {
                return response(op, steps);
            }
            Optional<Stored> current = readState(endpoint);
            State s = current.map(Stored::state).orElse(null);
            ObjectTag tag = current.map(Stored::tag).orElse(null);
            if (s != null && s.lastOperation.equals(id.value()) && s.pending == null) {
                // The state already shows this operation done: a process died before recording it. Finish the books.
                return finish(record, op, s, steps);
            }
            State next;
            int step = op.step() + 1;
            String reason;
            if (rollout instanceof Rollout.Canary canary) {
                int percent = canary.percentSteps().get(step - 1);
                SlotMetrics metrics = slotMetrics.apply("green", op.model());
                HealthGate.GateResult gate =
                        canary.gate().evaluate(metrics, Duration.between(op.started(), clock.instant()));
                if (gate.state() == HealthGate.GateResult.State.FAIL) {
                    return rollBack(record, op, s, tag, gate.reason(), steps);
                }
                if (gate.state() == HealthGate.GateResult.State.WAIT) {
                    return new PollResponse<>(
                            OperationStatus.IN_PROGRESS, new DeploymentProgress(op.step(), steps, 0, gate.reason()));
                }
                reason = gate.reason();
                next = percent == 100
                        ? new State(eventOf(s) + 1, op.model(), 100, null, 0, 0, liveOf(s), id.value(), null)
                        : new State(
                                eventOf(s),
                                s == null ? op.model() : s.liveModel,
                                100 - percent,
                                op.model(),
                                percent,
                                0,
                                s == null ? null : s.previous,
                                id.value(),
                                id.value());
            } else if (rollout instanceof Rollout.Shadow shadow) {
                reason = "shadowing " + shadow.percent() + "%";
                next = s == null
                        ? new State(1, op.model(), 100, null, 0, 0, null, id.value(), null)
                        : new State(
                                s.event + 1,
                                s.liveModel,
                                100,
                                op.model(),
                                0,
                                shadow.percent(),
                                s.previous,
                                id.value(),
                                null);
            } else if (rollout instanceof Rollout.BlueGreen) {
                reason = "switched";
                next = new State(eventOf(s) + 1, op.model(), 100, liveOf(s), 0, 0, liveOf(s), id.value(), null);
            } else {
                reason = "replaced";
                next = new State(eventOf(s) + 1, op.model(), 100, null, 0, 0, liveOf(s), id.value(), null);
            }
            if (store.compareAndSet(stateKey(endpoint), tag, next.encode()).isEmpty()) {
                throw new ConflictException(
                        "endpoint '" + endpoint + "' changed during operation " + id + "; poll again");
            }
            Operation advanced = op.with(op.status(), reason, step, op.event(), null);
            Optional<ObjectTag> written =
                    store.compareAndSet(operationKey(endpoint, id), record.getTag(), advanced.encode());
            StoredObject now = new StoredObject(
                    record.getKey(),
                    advanced.encode(),
                    written.orElseThrow(() -> new ConflictException("operation " + id + " moved; poll again")));
            if (next.pending == null) {
                return finish(now, advanced, next, steps);
            }
            return new PollResponse<>(
                    OperationStatus.IN_PROGRESS, new DeploymentProgress(step, steps, next.otherTraffic, reason));
        }

        private PollResponse<DeploymentProgress> finish(StoredObject record, Operation op, State s, int steps) {
            Instant now = clock.instant();
            ensureEvent(
                    new DeploymentEvent(endpoint, s.event, id, "apply", op.model(), op.previous(), op.started()),
                    op.rollout(),
                    OperationStatus.SUCCEEDED,
                    op.reason());
            Operation done = op.with(OperationStatus.SUCCEEDED.toString(), op.reason(), steps, s.event, now);
            var unused = store.compareAndSet(operationKey(endpoint, id), record.getTag(), done.encode());
            return response(Operation.decode(store.get(operationKey(endpoint, id))), steps);
        }

        private PollResponse<DeploymentProgress> rollBack(
                StoredObject record, Operation op, @Nullable State s, @Nullable ObjectTag tag, String why, int steps) {
            Instant now = clock.instant();
            long event = eventOf(s);
            if (s != null) {
                State restored = new State(s.event + 1, s.liveModel, 100, null, 0, 0, s.previous, id.value(), null);
                if (store.compareAndSet(stateKey(endpoint), tag, restored.encode())
                        .isEmpty()) {
                    throw new ConflictException("endpoint '" + endpoint + "' changed during rollback; poll again");
                }
                event = restored.event;
                ensureEvent(
                        new DeploymentEvent(
                                endpoint, event, id, "gate-rollback", s.liveModel, op.model(), op.started()),
                        op.rollout(),
                        OperationStatus.ROLLED_BACK,
                        why);
            }
            Operation done = op.with(OperationStatus.ROLLED_BACK.toString(), why, op.step(), event, now);
            var unused = store.compareAndSet(operationKey(endpoint, id), record.getTag(), done.encode());
            return response(Operation.decode(store.get(operationKey(endpoint, id))), steps);
        }

        private PollResponse<DeploymentProgress> response(Operation op, int steps) {
            return new PollResponse<>(
                    OperationStatus.fromString(op.status()),
                    new DeploymentProgress(
                            Math.min(op.step(), steps),
                            steps,
                            op.status().equals(OperationStatus.SUCCEEDED.toString()) ? 100 : 0,
                            op.reason()));
        }

        @Override
        public PollResponse<DeploymentProgress> waitForCompletion(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
            }
            PollResponse<DeploymentProgress> last = poll();
            // Each poll advances a step; a gate that keeps waiting is bounded by its maxWait on the clock.
            for (int i = 0; i < 10_000 && !last.status().isTerminal(); i++) {
                last = poll();
            }
            return last;
        }

        @Override
        public Deployment getFinalResult() {
            var unused = waitForCompletion(Duration.ofDays(1));
            return findOperation(endpoint, id).orElseThrow();
        }
    }

    private static long eventOf(@Nullable State s) {
        return s == null ? 0 : s.event;
    }

    private static @Nullable ModelRef liveOf(@Nullable State s) {
        return s == null ? null : s.live();
    }

    private void ensureEvent(DeploymentEvent event, String rollout, OperationStatus status, String reason) {
        if (history != null) {
            // First, and with the operation's start as its time: a re-attached operation writes the same bytes again.
            boolean gateRollback = event.kind().equals("gate-rollback");
            ModelRef attempted = gateRollback ? Objects.requireNonNull(event.previous()) : event.model();
            var unused = history.record(new org.mlops4j.deploy.DeploymentEvent(
                    event.endpoint(),
                    event.event(),
                    TARGET,
                    event.operation(),
                    attempted,
                    gateRollback ? event.model() : event.previous(),
                    event.model(),
                    rollout,
                    status,
                    reason,
                    event.at()));
        }
        byte[] bytes = RecordWriter.create(EVENT)
                .put("event", event.event())
                .put("operation", event.operation().value())
                .put("kind", event.kind())
                .put("model", event.model().toString())
                .putIfNotNull(
                        "previous",
                        event.previous() == null ? null : event.previous().toString())
                .put("at", event.at().toString())
                .toBytes();
        if (store.createIfAbsent(eventKey(event.endpoint(), event.event()), bytes)) {
            listeners.forEach(l -> l.accept(event));
        }
    }

    private static DeploymentEvent decodeEvent(String endpoint, StoredObject o) {
        RecordReader r = RecordReader.parse(o.getBytes(), EVENT, o.getKey().toString());
        DeploymentEvent e = new DeploymentEvent(
                endpoint,
                r.getLong("event"),
                OperationId.of(r.getString("operation")),
                r.getString("kind"),
                ModelRef.parse(r.getString("model")),
                r.findString("previous").map(ModelRef::parse).orElse(null),
                r.getParsed("at", Instant::parse));
        var unused = r.getString("format");
        r.finish();
        return e;
    }

    private static StoreKey stateKey(String endpoint) {
        return StoreKey.of("deployments/in-memory/" + endpoint + "/state.json");
    }

    private static StoreKey operationKey(String endpoint, OperationId id) {
        return StoreKey.of("deployments/in-memory/" + endpoint + "/operations/" + id.value() + ".json");
    }

    private static StoreKey eventKey(String endpoint, long event) {
        return StoreKey.of(
                "deployments/in-memory/" + endpoint + "/events/" + String.format(Locale.ROOT, "%08d", event) + ".json");
    }

    private static void requireName(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!endpoint.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(
                    "an endpoint name is 1..64 letters, digits, '.', '_' or '-', got '" + endpoint + "'");
        }
    }

    @Override
    public String toString() {
        return "InMemoryDeployer{" + store + "}";
    }

    /** Configures an {@link InMemoryDeployer}; each setting once. */
    public static final class Builder {
        private @Nullable ObjectStore store;
        private @Nullable Clock clock;
        private BiFunction<String, ModelRef, SlotMetrics> slotMetrics =
                (slot, model) -> new SlotMetrics(slot, 1_000_000, 0, Duration.ofMillis(1), Duration.ofMillis(1));

        private @Nullable DeploymentHistory history;

        private Builder() {}

        /**
         * Also records every deployment event in the lake's shared history ({@code mlops.deployments()}), as the
         * real deployers do, so that {@code explain(endpoint)} and lineage see this deployer's changes.
         *
         * @param history the history
         * @return this builder
         */
        @com.google.errorprone.annotations.CanIgnoreReturnValue
        public Builder history(DeploymentHistory history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /**
         * Keeps the books in this store (e.g. the lake), so they survive a restart.
         *
         * @param store the store
         * @return this builder
         */
        @com.google.errorprone.annotations.CanIgnoreReturnValue
        public Builder store(ObjectStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the clock of timestamps and gate waits.
         *
         * @param clock the clock
         * @return this builder
         */
        @com.google.errorprone.annotations.CanIgnoreReturnValue
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the counters a canary slot reports to the health gate (default: healthy).
         *
         * @param metrics (slot, model) to counters
         * @return this builder
         */
        @com.google.errorprone.annotations.CanIgnoreReturnValue
        public Builder slotMetrics(BiFunction<String, ModelRef, SlotMetrics> metrics) {
            this.slotMetrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Builds the deployer. */
        public InMemoryDeployer build() {
            return new InMemoryDeployer(this);
        }
    }
}
