package org.mlops4j.deploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.MlopsException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.internal.Names;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Deployer}: model versions served over HTTP by the JDK's {@code HttpServer}, in this JVM.
 *
 * <p>One server carries every endpoint:
 *
 * <ul>
 *   <li>{@code POST /endpoints/<name>/score} with {@code {"rows":[{"x":1.0,"city":"Oslo"}, …]}} answers
 *       {@code {"predictions":[…]}}, with the headers {@code X-Mlops-Slot} (the slot that answered) and
 *       {@code X-Mlops-Model} ({@code name@version}); a body above the size limit gets 413, bad JSON or bad rows 400,
 *       a failing model 500, each with a JSON {@code {"error": "…"}} body;
 *   <li>{@code GET /endpoints/<name>/health}: the endpoint's slots, shares and counters;
 *   <li>{@code GET /health}: the server and its endpoints.
 * </ul>
 *
 * <p>An endpoint has up to two slots, {@code blue} and {@code green}. Traffic is split between them by weight; a
 * shadow slot gets a copy of a share of requests, answered by nobody (its answers are counted and discarded, off the
 * caller's path). A switch swaps an immutable routing table, so no request fails or is dropped during it, and a
 * predictor that leaves the table is closed only after its in-flight requests end. Each slot counts requests, errors
 * (5xx) and latency in a bounded histogram; these feed {@link SlotStatus} and the canary's {@link HealthGate}. Bad
 * requests (4xx) are not errors of the slot.
 *
 * <p>The desired state of each endpoint lives in the lake ({@code deployments/<endpoint>/state.json}, moved by
 * compare-and-set, so two deployers on one lake cannot both win), every applied change is an immutable event in
 * {@link DeploymentHistory} with its lineage edge, and a new {@code LocalDeployer} on the same lake serves the
 * desired state again: it checks the models' artifacts out of the registry into its artifact cache and loads them
 * through its {@link ModelLoader}s. A deployer reads the desired state when it starts and whenever it changes it; it
 * does not watch for changes made by another deployer.
 *
 * <pre>{@code
 * try (LocalDeployer deployer = LocalDeployer.builder().mlops(mlops).loader(new LinearModelLoader()).build()) {
 *     DeploymentPlan plan = deployer.plan("churn", model, Rollout.blueGreen(), OperationId.of("run-42"));
 *     Deployment done = deployer.beginApply(plan).getFinalResult();
 *     String uri = deployer.status("churn").findScoringUri().orElseThrow();
 * }
 * }</pre>
 *
 * <p>The JDK server needs {@code sun.net.httpserver.nodelay=true} to answer without a 40 ms delayed-ACK stall per
 * request; the first {@code LocalDeployer} sets this system property unless it is set already (say {@code false} to
 * keep Nagle's algorithm on).
 *
 * <p>Thread-safe. Closing stops the server, its threads and every predictor; the lake keeps the desired state.
 */
public final class LocalDeployer implements Deployer, AutoCloseable {
    /** The target name written into deployment events. */
    public static final String TARGET = "local";

    private static final Logger LOG = LoggerFactory.getLogger(LocalDeployer.class);
    private static final String BLUE = "blue";
    private static final String GREEN = "green";
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final ObjectStore store;
    private final ModelRegistry registry;
    private final DeploymentHistory history;
    private final Clock clock;
    private final ModelArtifacts artifacts;
    private final Duration pollInterval;
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final ThreadPoolExecutor shadowThreads;
    private final AtomicInteger pendingShadows = new AtomicInteger();
    private final ConcurrentHashMap<String, EndpointRuntime> runtimes = new ConcurrentHashMap<>();
    private final String baseUri;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final DeployerEventPublisher events = new DeployerEventPublisher();

    private LocalDeployer(Builder b, Mlops mlops) throws IOException {
        this.store = mlops.objectStore();
        this.registry = mlops.registry();
        this.history = mlops.deployments();
        this.clock = b.clock != null ? b.clock : mlops.clock();
        this.pollInterval = b.pollInterval;
        this.artifacts = ModelArtifacts.open(registry, b.loaders, b.artifactCache);
        InetAddress address = InetAddress.getByName(b.host);
        enableNoDelay();
        this.server = HttpServer.create(new InetSocketAddress(address, b.port), 256);
        this.requestThreads = Executors.newFixedThreadPool(b.threads, daemonThreads("mlops4j-endpoint-"));
        this.shadowThreads = new ThreadPoolExecutor(
                1,
                2,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024),
                daemonThreads("mlops4j-shadow-"),
                (task, pool) -> pendingShadows.decrementAndGet()); // a full queue drops the copy, uncounted
        server.setExecutor(requestThreads);
        server.createContext("/", new ScoringHandler(this, b.maxRequestBytes));
        server.start();
        String host = address.getHostAddress().contains(":")
                ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        this.baseUri = "http://" + host + ":" + server.getAddress().getPort();
        LOG.info("LocalDeployer serving on {} (lake {})", baseUri, store);
        restoreEndpoints();
    }

    /**
     * Switches Nagle's algorithm off for the JDK's HTTP server unless the host chose otherwise. The server writes a
     * response's headers and body in two segments; with Nagle on, the body waits for the client's delayed ACK of the
     * headers, about 40 ms per request (measured here: 47 ms per sequential request, 3.5 ms without). The JDK reads
     * this system property once, when the first {@code HttpServer} of the JVM starts: an explicit setting is kept.
     */
    private static void enableNoDelay() {
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
    }

    /** Returns the first step of the builder: the {@link Mlops} whose lake, registry and clock the deployer uses. */
    public static MlopsStep builder() {
        return new Builder();
    }

    /** Returns where this deployer publishes the changes it makes: deployments, rollbacks, canary steps. */
    public DeployerEventPublisher getEventPublisher() {
        return events;
    }

    /** Returns the server's base URI, e.g. {@code http://127.0.0.1:41234}. */
    public String getBaseUri() {
        return baseUri;
    }

    /** Returns the port the server listens on. */
    public int getPort() {
        return server.getAddress().getPort();
    }

    /**
     * Returns the URI that scores rows on an endpoint.
     *
     * @param endpoint the endpoint's name
     * @return {@code <base>/endpoints/<endpoint>/score}
     * @throws IllegalArgumentException if the name is invalid
     */
    public String scoringUri(String endpoint) {
        return baseUri + "/endpoints/" + Names.requireValid("endpoint", endpoint) + "/score";
    }

    // --- Deployer ----------------------------------------------------------------------------------------------

    @Override
    public DeploymentPlan plan(String endpoint, ModelVersion model, Rollout rollout, OperationId operationId) {
        Names.requireValid("endpoint", endpoint);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(operationId, "operationId");
        var unused = artifacts.loaderFor(model);
        EndpointState state = readState(endpoint).map(Stored::state).orElse(null);
        Target target = target(endpoint, state, model.getRef(), rollout);
        return new DeploymentPlan(
                endpoint, operationId, model.getRef(), rollout, state == null ? null : toStatus(state), target.changes);
    }

    @Override
    public Poller<DeploymentProgress, Deployment> beginApply(DeploymentPlan plan) {
        Objects.requireNonNull(plan, "plan");
        requireOpen();
        String endpoint = plan.getEndpoint();
        HealthGate gate = plan.getRollout() instanceof Rollout.Canary canary ? canary.gate() : HealthGate.ofDefaults();
        while (true) {
            Optional<Stored> stored = readState(endpoint);
            EndpointState state = stored.map(Stored::state).orElse(null);
            if (state != null) {
                heal(state);
                if (findOperation(endpoint, state, plan.getOperationId()).isPresent()) {
                    reconcile(state, Map.of());
                    return new OperationPoller(this, endpoint, plan.getOperationId(), gate, pollInterval);
                }
            }
            long plannedEvent = plan.findBefore().map(EndpointStatus::getEvent).orElse(0L);
            long currentEvent = state == null ? 0 : state.event();
            if (plannedEvent != currentEvent
                    || (state != null && plan.findBefore().isEmpty())) {
                throw new ConflictException("endpoint '" + endpoint + "' changed since plan " + plan.getOperationId()
                        + " was made (event " + plannedEvent + ", now " + currentEvent
                        + "); make a new plan and review it");
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
                        : state.findLive().map(EndpointState.SlotState::model).orElse(plan.getModel());
                Instant now = clock.instant();
                Deployment done = new Deployment(
                        endpoint,
                        plan.getOperationId(),
                        OperationStatus.SUCCEEDED,
                        live,
                        null,
                        plan.getRollout().toString(),
                        "no change: " + live + " is already live as asked",
                        currentEvent,
                        now,
                        now);
                return new DonePoller(done);
            }
            Target target = target(endpoint, state, plan.getModel(), plan.getRollout());
            Map<String, LoadedModel> prepared = prepare(endpoint, target.slots);
            Instant now = clock.instant();
            ModelRef previous = state == null
                    ? null
                    : state.findLive().map(EndpointState.SlotState::model).orElse(null);
            boolean immediate = target.steps.isEmpty();
            long event = immediate ? currentEvent + 1 : 0;
            EndpointState.OperationState operation = new EndpointState.OperationState(
                    plan.getOperationId(),
                    immediate ? OperationStatus.SUCCEEDED : OperationStatus.IN_PROGRESS,
                    plan.getModel(),
                    previous,
                    plan.getRollout().toString(),
                    immediate
                            ? String.join("; ", target.changes)
                            : "canary step 1 of " + target.steps.size() + ": " + target.steps.get(0) + "% on "
                                    + target.newSlot,
                    event,
                    now,
                    immediate ? now : null,
                    target.newSlot,
                    target.oldSlot,
                    target.steps,
                    0,
                    now);
            EndpointState next = new EndpointState(endpoint, immediate ? event : currentEvent, target.slots, operation);
            if (!commit(endpoint, stored.orElse(null), next, prepared)) {
                continue; // another writer moved the state: re-read, then re-attach or conflict
            }
            return new OperationPoller(this, endpoint, plan.getOperationId(), gate, pollInterval);
        }
    }

    @Override
    public Optional<EndpointStatus> findStatus(String endpoint) {
        return readState(endpoint).map(s -> toStatus(s.state()));
    }

    @Override
    public Optional<Deployment> findOperation(String endpoint, OperationId operationId) {
        Objects.requireNonNull(operationId, "operationId");
        Optional<EndpointState> state = readState(endpoint).map(Stored::state);
        return state.flatMap(s -> findOperation(endpoint, s, operationId)).map(op -> op.toDeployment(endpoint));
    }

    @Override
    public Deployment rollback(String endpoint, String reason) {
        Objects.requireNonNull(reason, "reason");
        requireOpen();
        while (true) {
            Stored stored = readState(endpoint)
                    .orElseThrow(() -> new NotFoundException("endpoint '" + endpoint
                            + "' has no deployment to roll back; deploy a model with plan() and beginApply()"));
            EndpointState state = stored.state();
            heal(state);
            if (state.findRunning().isPresent()) {
                throw new ConflictException(
                        "operation " + state.findRunning().get().id() + " is in progress on " + "endpoint '" + endpoint
                                + "'; wait for it to end before rolling back");
            }
            EndpointState.SlotState live = state.findLive()
                    .orElseThrow(() -> new IllegalStateException("no model answers on endpoint '" + endpoint + "'"));
            ModelRef previous = previousLive(endpoint, state.event(), live.model())
                    .orElseThrow(() -> new IllegalStateException("endpoint '" + endpoint + "' has had only "
                            + live.model() + " live; there is no previous version to roll back to"));
            String other = live.name().equals(BLUE) ? GREEN : BLUE;
            List<EndpointState.SlotState> slots = sorted(List.of(
                    new EndpointState.SlotState(live.name(), live.model(), 0, 0),
                    new EndpointState.SlotState(other, previous, 100, 0)));
            Map<String, LoadedModel> prepared = prepare(endpoint, slots);
            Instant now = clock.instant();
            long event = state.event() + 1;
            EndpointState.OperationState operation = new EndpointState.OperationState(
                    OperationId.of("rollback-" + event),
                    OperationStatus.SUCCEEDED,
                    previous,
                    live.model(),
                    "rollback",
                    reason,
                    event,
                    now,
                    now,
                    other,
                    live.name(),
                    List.of(),
                    0,
                    now);
            EndpointState next = new EndpointState(endpoint, event, slots, operation);
            if (commit(endpoint, stored, next, prepared)) {
                return operation.toDeployment(endpoint);
            }
        }
    }

    /**
     * Stops the server and its threads and closes every predictor (each after its in-flight requests); the lake keeps
     * the desired state. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        requestThreads.shutdown();
        shadowThreads.shutdown();
        try {
            if (!requestThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                requestThreads.shutdownNow();
            }
            if (!shadowThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                shadowThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (EndpointRuntime runtime : runtimes.values()) {
            RoutingTable table = runtime.table.getAndSet(RoutingTable.EMPTY);
            table.slots().forEach(slot -> slot.model().retire());
        }
        artifacts.close();
        LOG.info("LocalDeployer on {} closed", baseUri);
    }

    @Override
    public String toString() {
        return "LocalDeployer{" + baseUri + ", lake " + store + ", endpoints " + runtimes.keySet() + "}";
    }

    // --- operations --------------------------------------------------------------------------------------------

    /** Moves a running canary on by one look of its gate; reports where the operation is. */
    PollResponse<DeploymentProgress> advance(String endpoint, OperationId id, HealthGate gate) {
        while (true) {
            Optional<Stored> stored = readState(endpoint);
            EndpointState state = stored.map(Stored::state).orElse(null);
            EndpointState.OperationState op =
                    state == null ? null : findOperation(endpoint, state, id).orElse(null);
            if (op == null) {
                throw new NotFoundException(
                        "endpoint '" + endpoint + "' never saw operation " + id + "; apply a plan with that id");
            }
            if (!op.isRunning()) {
                return response(op);
            }
            RoutingTable table = reconcile(state, Map.of());
            RoutingTable.Slot newSlot = table.find(op.newSlot())
                    .orElseThrow(() -> new MlopsException("canary slot " + op.newSlot() + " of endpoint '" + endpoint
                            + "' is missing from its state; the lake is damaged"));
            EndpointRuntime runtime = runtime(endpoint);
            Baseline baseline = runtime.baseline;
            if (baseline == null || !baseline.matches(id, op.step(), newSlot.model())) {
                baseline = new Baseline(
                        id,
                        op.step(),
                        newSlot.model(),
                        newSlot.model().counters().snapshot());
                runtime.baseline = baseline;
            }
            SlotMetrics metrics = newSlot.model().counters().metricsSince(op.newSlot(), baseline.snapshot());
            Instant now = clock.instant();
            Duration waited = Duration.between(op.stepStarted(), now);
            HealthGate.GateResult result = gate.evaluate(metrics, waited.isNegative() ? Duration.ZERO : waited);
            String oldSlot = Objects.requireNonNull(op.oldSlot(), "a canary has an old slot");
            ModelRef oldModel = state.findSlot(oldSlot).orElseThrow().model();
            EndpointState next;
            switch (result.state()) {
                case WAIT -> {
                    return new PollResponse<>(
                            OperationStatus.IN_PROGRESS,
                            new DeploymentProgress(
                                    op.step() + 1, op.steps().size(), newSlot.traffic(), result.reason()));
                }
                case PASS -> {
                    int nextStep = op.step() + 1;
                    if (nextStep < op.steps().size()) {
                        int share = op.steps().get(nextStep);
                        next = new EndpointState(
                                endpoint,
                                state.event(),
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
                                canarySlots(oldSlot, oldModel, op.newSlot(), op.model(), 100),
                                op.ended(
                                        OperationStatus.SUCCEEDED,
                                        "canary passed all " + op.steps().size() + " steps; last: " + result.reason(),
                                        event,
                                        now));
                    }
                }
                default -> {
                    long event = state.event() + 1;
                    next = new EndpointState(
                            endpoint,
                            event,
                            List.of(new EndpointState.SlotState(oldSlot, oldModel, 100, 0)),
                            op.ended(OperationStatus.ROLLED_BACK, result.reason(), event, now));
                }
            }
            if (commit(endpoint, stored.orElse(null), next, Map.of())) {
                EndpointState.OperationState after = Objects.requireNonNull(next.operation());
                if (after.isRunning()) {
                    RoutingTable installed = runtime.table.get();
                    installed
                            .find(after.newSlot())
                            .ifPresent(slot -> runtime.baseline = new Baseline(
                                    id,
                                    after.step(),
                                    slot.model(),
                                    slot.model().counters().snapshot()));
                }
                return response(after);
            }
        }
    }

    private static PollResponse<DeploymentProgress> response(EndpointState.OperationState op) {
        int steps = Math.max(1, op.steps().size());
        if (op.isRunning()) {
            return new PollResponse<>(
                    op.status(),
                    new DeploymentProgress(op.step() + 1, steps, op.steps().get(op.step()), op.reason()));
        }
        boolean serving =
                op.status().equals(OperationStatus.SUCCEEDED) && !op.rollout().startsWith("shadow");
        return new PollResponse<>(op.status(), new DeploymentProgress(steps, steps, serving ? 100 : 0, op.reason()));
    }

    private static List<EndpointState.SlotState> canarySlots(
            String oldSlot, ModelRef oldModel, String newSlot, ModelRef newModel, int share) {
        return sorted(List.of(
                new EndpointState.SlotState(oldSlot, oldModel, 100 - share, 0),
                new EndpointState.SlotState(newSlot, newModel, share, 0)));
    }

    /** The slots an operation asks for, and what changes, worked out once for both plan and apply. */
    private record Target(
            List<EndpointState.SlotState> slots,
            String newSlot,
            @Nullable String oldSlot,
            List<Integer> steps,
            List<String> changes) {}

    private Target target(String endpoint, @Nullable EndpointState state, ModelRef model, Rollout rollout) {
        Optional<EndpointState.SlotState> live = state == null ? Optional.empty() : state.findLive();
        List<String> changes = new ArrayList<>();
        if (live.isEmpty()) {
            if (rollout instanceof Rollout.Shadow) {
                throw new IllegalStateException("endpoint '" + endpoint + "' has no live model to copy requests from;"
                        + " deploy one first (e.g. Rollout.blueGreen()), then shadow " + model);
            }
            changes.add("create endpoint '" + endpoint + "' at " + scoringUri(endpoint));
            changes.add("load " + model + " into slot " + BLUE);
            changes.add("route 100% of traffic to " + BLUE + " (" + model + ")");
            if (rollout instanceof Rollout.Canary) {
                changes.add("no live model to compare with: the canary starts at 100%");
            }
            return new Target(
                    List.of(new EndpointState.SlotState(BLUE, model, 100, 0)), BLUE, null, List.of(), changes);
        }
        EndpointState.SlotState current = live.get();
        String idle = current.name().equals(BLUE) ? GREEN : BLUE;
        Optional<EndpointState.SlotState> idleSlot = state.findSlot(idle);
        boolean alreadyLive = current.model().equals(model) && current.traffic() == 100;
        if (rollout instanceof Rollout.Shadow shadow) {
            if (idleSlot.isPresent()
                    && idleSlot.get().model().equals(model)
                    && idleSlot.get().shadow() == shadow.percent()) {
                return new Target(state.slots(), idle, current.name(), List.of(), List.of());
            }
            if (current.model().equals(model)) {
                throw new IllegalStateException(model + " already answers on endpoint '" + endpoint
                        + "'; a shadow copies requests to another version");
            }
        } else if (alreadyLive) {
            return new Target(state.slots(), current.name(), null, List.of(), List.of());
        }
        if (rollout instanceof Rollout.Replace) {
            changes.add("replace " + current.model() + " with " + model + " in slot " + current.name()
                    + " (100% of traffic)");
            idleSlot.ifPresent(s -> changes.add("unload " + s.model() + " from slot " + s.name()));
            return new Target(
                    List.of(new EndpointState.SlotState(current.name(), model, 100, 0)),
                    current.name(),
                    null,
                    List.of(),
                    changes);
        }
        if (idleSlot.isPresent() && idleSlot.get().model().equals(model)) {
            changes.add("reuse " + model + ", already loaded in slot " + idle);
        } else {
            idleSlot.ifPresent(s -> changes.add("unload " + s.model() + " from slot " + idle));
            changes.add("load " + model + " into slot " + idle);
        }
        if (rollout instanceof Rollout.Shadow shadow) {
            changes.add("copy " + shadow.percent() + "% of requests to " + idle + " (" + model
                    + "); its answers are counted and discarded, " + current.name() + " (" + current.model()
                    + ") keeps answering");
            return new Target(
                    sorted(List.of(
                            new EndpointState.SlotState(current.name(), current.model(), 100, 0),
                            new EndpointState.SlotState(idle, model, 0, shadow.percent()))),
                    idle,
                    current.name(),
                    List.of(),
                    changes);
        }
        if (rollout instanceof Rollout.Canary canary && canary.percentSteps().get(0) < 100) {
            List<Integer> steps = canary.percentSteps();
            changes.add("canary " + idle + " (" + model + "): "
                    + String.join(" → ", steps.stream().map(s -> s + "%").toList())
                    + " of traffic, each step judged by "
                    + canary.gate());
            changes.add("on a failed gate, all traffic goes back to " + current.name() + " (" + current.model() + ")");
            return new Target(
                    canarySlots(current.name(), current.model(), idle, model, steps.get(0)),
                    idle,
                    current.name(),
                    steps,
                    changes);
        }
        changes.add("switch 100% of traffic from " + current.name() + " (" + current.model() + ") to " + idle + " ("
                + model + ")");
        changes.add("keep " + current.name() + " (" + current.model() + ") warm for rollback");
        return new Target(
                canarySlots(current.name(), current.model(), idle, model, 100),
                idle,
                current.name(),
                List.of(),
                changes);
    }

    private static List<EndpointState.SlotState> sorted(List<EndpointState.SlotState> slots) {
        List<EndpointState.SlotState> copy = new ArrayList<>(slots);
        copy.sort(Comparator.comparing(EndpointState.SlotState::name));
        return copy;
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

    private Optional<EndpointState.OperationState> findOperation(String endpoint, EndpointState state, OperationId id) {
        if (state.operation() != null && state.operation().id().equals(id)) {
            return Optional.of(state.operation());
        }
        return store.find(operationKey(endpoint, id))
                .map(o -> EndpointState.decodeOperation(o.getBytes(), o.getKey().value()));
    }

    /**
     * Moves the stored state by compare-and-set, then writes its derived records and serves it.
     *
     * @return false if another writer moved the state first (the prepared models are retired then)
     */
    private boolean commit(
            String endpoint, @Nullable Stored before, EndpointState next, Map<String, LoadedModel> prepared) {
        Optional<ObjectTag> tag;
        try {
            tag = store.compareAndSet(stateKey(endpoint), before == null ? null : before.tag(), next.encode());
        } catch (RuntimeException e) {
            prepared.values().forEach(LoadedModel::retire);
            throw e;
        }
        if (tag.isEmpty()) {
            prepared.values().forEach(LoadedModel::retire);
            return false;
        }
        DeploymentEvent event = heal(next);
        reconcile(next, prepared);
        EndpointState.OperationState op = next.operation();
        if (op != null && op.isRunning()) {
            RoutingTable table = runtime(endpoint).table.get();
            table.find(op.newSlot())
                    .ifPresent(slot -> runtime(endpoint).baseline = new Baseline(
                            op.id(),
                            op.step(),
                            slot.model(),
                            slot.model().counters().snapshot()));
            if (op.step() > 0) {
                events.publish(new CanaryStepEvent(
                        endpoint,
                        op.id(),
                        op.step() + 1,
                        op.steps().size(),
                        op.steps().get(op.step()),
                        op.reason(),
                        op.stepStarted()));
            }
        }
        if (event != null) {
            events.publish(event);
        }
        return true;
    }

    /**
     * Writes the records a state implies: its last event (with the lineage edge) and its ended operation. Idempotent,
     * and called before every move too, so that a writer that died between its move and these writes is healed.
     */
    @CanIgnoreReturnValue
    private @Nullable DeploymentEvent heal(EndpointState state) {
        EndpointState.OperationState op = state.operation();
        if (op == null || op.isRunning() || op.event() == 0 || op.event() != state.event()) {
            return null;
        }
        DeploymentEvent event = new DeploymentEvent(
                state.endpoint(),
                op.event(),
                TARGET,
                op.id(),
                op.model(),
                op.previous(),
                state.findLive().map(EndpointState.SlotState::model).orElse(null),
                op.rollout(),
                op.status(),
                op.reason(),
                Objects.requireNonNull(op.ended(), "an ended operation has an end"));
        var unused = history.record(event);
        boolean unusedCreated = store.createIfAbsent(
                operationKey(state.endpoint(), op.id()), EndpointState.encodeOperation(state.endpoint(), op));
        return event;
    }

    // --- serving -----------------------------------------------------------------------------------------------

    /** Loads the models a slot list needs that the endpoint does not serve yet, before any traffic moves. */
    private Map<String, LoadedModel> prepare(String endpoint, List<EndpointState.SlotState> slots) {
        RoutingTable table = runtime(endpoint).table.get();
        Map<String, LoadedModel> prepared = new HashMap<>();
        try {
            for (EndpointState.SlotState slot : slots) {
                boolean served = table.find(slot.name())
                        .filter(s -> s.model().ref().equals(slot.model()))
                        .isPresent();
                if (!served) {
                    prepared.put(slot.name(), artifacts.load(slot.model()));
                }
            }
        } catch (RuntimeException e) {
            prepared.values().forEach(LoadedModel::retire);
            throw e;
        }
        return prepared;
    }

    /**
     * Makes the endpoint's routing table match a state: keeps the predictors of unchanged slots, takes prepared ones,
     * loads the rest, swaps the table in one step and retires what left it.
     */
    @CanIgnoreReturnValue
    private RoutingTable reconcile(EndpointState state, Map<String, LoadedModel> prepared) {
        EndpointRuntime runtime = runtime(state.endpoint());
        synchronized (runtime) {
            RoutingTable current = runtime.table.get();
            List<RoutingTable.Slot> slots = new ArrayList<>();
            List<LoadedModel> loadedHere = new ArrayList<>();
            try {
                for (EndpointState.SlotState wanted : state.slots()) {
                    LoadedModel model = current.find(wanted.name())
                            .map(RoutingTable.Slot::model)
                            .filter(m -> m.ref().equals(wanted.model()))
                            .orElse(null);
                    if (model == null) {
                        LoadedModel ready = prepared.get(wanted.name());
                        if (ready != null && ready.ref().equals(wanted.model())) {
                            model = ready;
                        } else {
                            model = artifacts.load(wanted.model());
                            loadedHere.add(model);
                        }
                    }
                    slots.add(new RoutingTable.Slot(wanted.name(), model, wanted.traffic(), wanted.shadow()));
                }
            } catch (RuntimeException e) {
                loadedHere.forEach(LoadedModel::retire);
                prepared.values().forEach(LoadedModel::retire);
                throw e;
            }
            RoutingTable next = new RoutingTable(slots);
            if (next.equals(current)) {
                return current;
            }
            runtime.table.set(next);
            for (RoutingTable.Slot old : current.slots()) {
                if (next.slots().stream().noneMatch(s -> s.model() == old.model())) {
                    old.model().retire();
                }
            }
            for (LoadedModel ready : prepared.values()) {
                if (next.slots().stream().noneMatch(s -> s.model() == ready)) {
                    ready.retire();
                }
            }
            return next;
        }
    }

    private void restoreEndpoints() {
        for (StoreKey key : store.list("deployments/")) {
            String[] parts = key.value().split("/");
            if (parts.length == 3 && parts[2].equals("state.json")) {
                try {
                    readState(parts[1]).ifPresent(s -> {
                        heal(s.state());
                        var unused = reconcile(s.state(), Map.of());
                    });
                } catch (RuntimeException e) {
                    LOG.warn("cannot serve endpoint '{}' again: {}", parts[1], e.toString());
                }
            }
        }
    }

    @Nullable
    EndpointRuntime findRuntime(String endpoint) {
        return runtimes.get(endpoint);
    }

    List<String> servedEndpoints() {
        return runtimes.entrySet().stream()
                .filter(e -> !e.getValue().table.get().slots().isEmpty())
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    private EndpointRuntime runtime(String endpoint) {
        return runtimes.computeIfAbsent(endpoint, EndpointRuntime::new);
    }

    /**
     * Sends a copy of a request to a shadow slot, off the caller's path; a full queue drops the copy.
     *
     * @param task the copy's work
     */
    void submitShadow(Runnable task) {
        pendingShadows.incrementAndGet();
        try {
            shadowThreads.execute(() -> {
                try {
                    task.run();
                } finally {
                    pendingShadows.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pendingShadows.decrementAndGet(); // shut down
        }
    }

    /**
     * Waits until every shadow copy sent so far has been scored and counted (for tests).
     *
     * @param timeout how long to wait at most
     * @return true if none is pending
     */
    boolean awaitShadows(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingShadows.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    private EndpointStatus toStatus(EndpointState state) {
        EndpointRuntime runtime = runtimes.get(state.endpoint());
        RoutingTable table = runtime == null ? RoutingTable.EMPTY : runtime.table.get();
        List<SlotStatus> slots = new ArrayList<>();
        for (EndpointState.SlotState slot : state.slots()) {
            SlotMetrics metrics = table.find(slot.name())
                    .filter(s -> s.model().ref().equals(slot.model()))
                    .map(s -> s.model().counters().metricsSince(slot.name(), SlotCounters.Snapshot.ZERO))
                    .orElse(new SlotMetrics(slot.name(), 0, 0, Duration.ZERO, Duration.ZERO));
            slots.add(new SlotStatus(slot.name(), slot.model(), slot.traffic(), slot.shadow(), metrics));
        }
        EndpointState.OperationState op = state.operation();
        return new EndpointStatus(
                state.endpoint(),
                slots,
                scoringUri(state.endpoint()),
                state.event(),
                op == null ? null : op.id(),
                op == null ? OperationStatus.NOT_STARTED : op.status());
    }

    private record Stored(EndpointState state, ObjectTag tag) {}

    private Optional<Stored> readState(String endpoint) {
        Optional<StoredObject> object = store.find(stateKey(endpoint));
        return object.map(
                o -> new Stored(EndpointState.decode(o.getBytes(), o.getKey().value()), o.getTag()));
    }

    private static StoreKey stateKey(String endpoint) {
        return StoreKey.of("deployments/" + Names.requireValid("endpoint", endpoint) + "/state.json");
    }

    private static StoreKey operationKey(String endpoint, OperationId id) {
        return StoreKey.of("deployments/" + endpoint + "/operations/" + id.value() + ".json");
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this LocalDeployer is closed; build a new one on the same lake");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** An endpoint as served here: its routing table, its request counter, the current canary step's baseline. */
    static final class EndpointRuntime {
        final String name;
        final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.EMPTY);
        final AtomicLong requests = new AtomicLong();
        volatile @Nullable Baseline baseline;

        EndpointRuntime(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return "EndpointRuntime{" + name + "}";
        }
    }

    /** The new slot's counters when a canary step began: the gate judges only what came after. */
    record Baseline(OperationId operation, int step, LoadedModel model, SlotCounters.Snapshot snapshot) {
        boolean matches(OperationId id, int currentStep, LoadedModel current) {
            return operation.equals(id) && step == currentStep && model == current;
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
            return done;
        }
    }

    // --- builder -----------------------------------------------------------------------------------------------

    /** The builder's first step. A step type for chaining: not to be implemented or stored by users. */
    public interface MlopsStep {
        /**
         * Sets the {@link Mlops} whose lake (desired state, events), registry (artifacts) and clock are used.
         *
         * @param mlops the instance; it must outlive the deployer
         * @return the next step
         */
        LoaderStep mlops(Mlops mlops);
    }

    /** The builder's second step. A step type for chaining: not to be implemented or stored by users. */
    public interface LoaderStep {
        /**
         * Adds a loader; a model is loaded by the first loader that supports it.
         *
         * @param loader the loader
         * @return the builder, to add more loaders or settings
         */
        Builder loader(ModelLoader loader);
    }

    /** Builds a {@link LocalDeployer}; each setting may be set once, loaders added many times. */
    public static final class Builder implements MlopsStep, LoaderStep {
        private @Nullable Mlops mlops;
        private final List<ModelLoader> loaders = new ArrayList<>();
        private String host = "127.0.0.1";
        private boolean nonLoopback;
        private int port;
        private int maxRequestBytes = 1 << 20;
        private int threads = 8;
        private @Nullable Clock clock;
        private @Nullable Path artifactCache;
        private Duration pollInterval = Duration.ofMillis(200);
        private final java.util.Set<String> set = new java.util.HashSet<>();

        private Builder() {}

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set on this LocalDeployer builder");
            }
        }

        @Override
        public Builder mlops(Mlops mlops) {
            once("mlops");
            this.mlops = Objects.requireNonNull(mlops, "mlops");
            return this;
        }

        @Override
        @CanIgnoreReturnValue
        public Builder loader(ModelLoader loader) {
            loaders.add(Objects.requireNonNull(loader, "loader"));
            return this;
        }

        /**
         * Sets the address to bind to; {@code 127.0.0.1} by default. An address other than loopback exposes every
         * endpoint beyond this host and needs {@link #allowNonLoopback()} too.
         *
         * @param host a host name or address
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder host(String host) {
            once("host");
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Allows binding to an address other than loopback: an explicit choice, since the endpoints have no
         * authentication.
         *
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder allowNonLoopback() {
            once("allowNonLoopback");
            this.nonLoopback = true;
            return this;
        }

        /**
         * Sets the port; 0 (the default) takes a free one.
         *
         * @param port 0..65535
         * @return this builder
         * @throws IllegalArgumentException if outside 0..65535
         */
        @CanIgnoreReturnValue
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535 (0 for a free one), got " + port);
            }
            once("port");
            this.port = port;
            return this;
        }

        /**
         * Sets the largest request body accepted; larger ones get 413. 1 MiB by default.
         *
         * @param bytes at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        @CanIgnoreReturnValue
        public Builder maxRequestBytes(int bytes) {
            if (bytes < 1 || bytes == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxRequestBytes must be within 1..2^31-2, got " + bytes);
            }
            once("maxRequestBytes");
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * Sets how many threads serve requests; 8 by default.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        @CanIgnoreReturnValue
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            once("threads");
            this.threads = threads;
            return this;
        }

        /**
         * Sets the clock for timestamps and the canary gate's maxWait; the {@link Mlops} clock by default.
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
         * Sets the directory models' artifacts are checked out into (kept across runs); by default a temp directory
         * deleted on close.
         *
         * @param directory the directory
         * @return this builder
         */
        @CanIgnoreReturnValue
        public Builder artifactCache(Path directory) {
            once("artifactCache");
            this.artifactCache = Objects.requireNonNull(directory, "directory");
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
         * Starts the server and serves the desired state of every endpoint already in the lake.
         *
         * @return the deployer; close it when done
         * @throws IllegalStateException if no loader was added
         * @throws IllegalArgumentException if the host is not loopback and {@link #allowNonLoopback()} was not called,
         *     or cannot be resolved
         * @throws UncheckedIOException if the server cannot bind or the artifact cache cannot be created
         */
        public LocalDeployer build() {
            Mlops instance = Objects.requireNonNull(mlops, "mlops");
            if (loaders.isEmpty()) {
                throw new IllegalStateException("add at least one ModelLoader with loader(…)");
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
            }
            if (!address.isLoopbackAddress() && !nonLoopback) {
                throw new IllegalArgumentException("host '" + host + "' is not a loopback address: binding to it"
                        + " exposes unauthenticated endpoints beyond this machine; call allowNonLoopback() to do so"
                        + " on purpose");
            }
            try {
                return new LocalDeployer(this, instance);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot start the LocalDeployer's server on " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "LocalDeployer.Builder{host=" + host + ", port=" + port + ", loaders=" + loaders + "}";
        }
    }
}
