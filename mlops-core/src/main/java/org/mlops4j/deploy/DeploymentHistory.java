package org.mlops4j.deploy;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.common.Page;
import org.mlops4j.common.Paged;
import org.mlops4j.deploy.internal.DeployServices;
import org.mlops4j.internal.Names;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.lineage.Lineage;
import org.mlops4j.lineage.LineageEdge;
import org.mlops4j.lineage.LineageGraph;
import org.mlops4j.lineage.LineageIndex;
import org.mlops4j.lineage.LineageNode;
import org.mlops4j.lineage.UpstreamResolver;
import org.mlops4j.registry.ModelRef;
import org.mlops4j.registry.ModelRegistry;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.mlops4j.store.VersionAllocator;

/**
 * The deployment events of every endpoint in a lake, whichever deployer wrote them: the backend-neutral record that
 * answers "why is this model live?" ({@link #explain}). Events are immutable records under
 * {@code deployments/<endpoint>/events/<8 digits>.json}; recording one also writes the lineage edge
 * {@code model → deployment} (role {@value #DEPLOY_ROLE}), so that {@code mlops.lineage().upstream(deployment)} reaches
 * the model and, through it, the datasets it was trained on.
 *
 * <pre>{@code
 * DeploymentExplanation why = mlops.deployments().explain("churn");
 * System.out.println(why.getModel().getMetrics() + " from " + why.getDatasets());
 * }</pre>
 *
 * <p>Thread-safe; obtain it from {@code Mlops.deployments()}.
 */
public final class DeploymentHistory {
    /** The lineage role of the edge from a model version to a deployment event. */
    public static final String DEPLOY_ROLE = "deploy";

    static final RecordFormat EVENT_FORMAT = RecordFormat.of("mlops4j.deployment-event", 1);
    private static final String ROOT = "deployments/";

    private final ObjectStore store;
    private final VersionAllocator versions;
    private final @Nullable ModelRegistry registry;
    private final @Nullable Lineage lineage;
    private final LineageIndex index;

    /**
     * Creates the history on a lake; {@code Mlops} does this for you.
     *
     * @param store the lake
     * @param versions the lake's version allocator (finds the latest event by probing)
     * @param registry the registry the deployed model versions live in
     * @param lineage lineage queries, for the upstream of a live model
     * @param index the reverse-edge index the {@code deploy} edges are written to
     */
    static {
        DeployServices.HISTORY.install(DeploymentHistory::new);
    }

    private DeploymentHistory(
            ObjectStore store, VersionAllocator versions, ModelRegistry registry, Lineage lineage, LineageIndex index) {
        this.store = Objects.requireNonNull(store, "store");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.lineage = Objects.requireNonNull(lineage, "lineage");
        this.index = Objects.requireNonNull(index, "index");
    }

    private DeploymentHistory(ObjectStore store) {
        this.store = store;
        this.versions = new VersionAllocator(store);
        this.registry = null;
        this.lineage = null;
        this.index = new LineageIndex(store);
    }

    /**
     * Returns a history on a bare store, for a {@link Deployer} built without {@code mlops.deployments()}: it records
     * events and their lineage edges, but cannot {@link #explain} them (it has no registry).
     */
    static DeploymentHistory on(ObjectStore store) {
        return new DeploymentHistory(Objects.requireNonNull(store, "store"));
    }

    /** The store the events are kept in. */
    ObjectStore store() {
        return store;
    }

    /**
     * Returns the resolver that reads a deployment node's input (the deployed model version) from its event record;
     * {@code Mlops} registers it with lineage.
     *
     * @param store the lake
     * @return the resolver: answers for nodes of kind {@link LineageNode#DEPLOYMENT}, empty for other kinds
     * @throws NotFoundException (from the resolver) if the event does not exist
     */
    public static UpstreamResolver upstreamResolver(ObjectStore store) {
        Objects.requireNonNull(store, "store");
        return node -> {
            if (!LineageNode.DEPLOYMENT.equals(node.kind())) {
                return Optional.empty();
            }
            StoredObject object = store.get(eventKey(node.name(), node.version()));
            return Optional.of(List.of(deployEdge(decode(object))));
        };
    }

    /**
     * Records an event and its lineage edge; idempotent: recording the same event again changes nothing (a writer
     * that died between its state change and this call is healed by the next one).
     *
     * @param event the event
     * @return true if this call wrote the event record
     * @throws ConflictException if another event with this number is already recorded
     */
    @CanIgnoreReturnValue
    public boolean record(DeploymentEvent event) {
        byte[] bytes = encode(event);
        StoreKey key = eventKey(event.endpoint(), event.number());
        boolean created = store.createIfAbsent(key, bytes);
        if (!created && !Arrays.equals(store.get(key).getBytes(), bytes)) {
            throw new ConflictException("deployment event " + event.number() + " of endpoint '" + event.endpoint()
                    + "' was recorded by another operation than " + event.operationId()
                    + "; re-read the endpoint and plan again");
        }
        boolean unused = index.record(deployEdge(event));
        return created;
    }

    /**
     * Looks up an event.
     *
     * @param endpoint the endpoint's name
     * @param number the event's number
     * @return the event, or empty
     * @throws IllegalArgumentException if the name is invalid or the number below 1
     */
    public Optional<DeploymentEvent> findEvent(String endpoint, long number) {
        return store.find(eventKey(endpoint, number)).map(DeploymentHistory::decode);
    }

    /**
     * Reads an event.
     *
     * @param endpoint the endpoint's name
     * @param number the event's number
     * @return the event
     * @throws NotFoundException if it does not exist
     * @throws IllegalArgumentException if the name is invalid or the number below 1
     */
    public DeploymentEvent getEvent(String endpoint, long number) {
        return findEvent(endpoint, number)
                .orElseThrow(() -> new NotFoundException("endpoint '" + endpoint + "' has no deployment event " + number
                        + "; list them with events(\"" + endpoint + "\")"));
    }

    /**
     * Returns an endpoint's latest event.
     *
     * @param endpoint the endpoint's name
     * @return the event with the highest number, or empty if the endpoint has none
     * @throws IllegalArgumentException if the name is invalid
     */
    public Optional<DeploymentEvent> findLatest(String endpoint) {
        long latest = versions.findHighest(series(endpoint));
        return latest == 0 ? Optional.empty() : findEvent(endpoint, latest);
    }

    /**
     * Lists an endpoint's events, oldest first, page by page.
     *
     * @param endpoint the endpoint's name
     * @return the events
     * @throws IllegalArgumentException if the name is invalid
     */
    public Paged<DeploymentEvent> events(String endpoint) {
        String prefix = series(endpoint).value() + "/";
        return Paged.of(token -> {
            Page<StoreKey> keys = store.list(prefix, token, 100);
            List<DeploymentEvent> events = new ArrayList<>();
            for (StoreKey key : keys.items()) {
                events.add(decode(store.get(key)));
            }
            return new Page<>(events, keys.continuationToken());
        });
    }

    /**
     * Answers "why is this model live on this endpoint?": the latest event, the model version that answers after
     * it, that version's metrics, and everything upstream of it (the datasets it was trained and evaluated on).
     *
     * @param endpoint the endpoint's name
     * @return the explanation
     * @throws NotFoundException if the endpoint has no events, or no model answers on it
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if this history was made without a registry (a test kit's deployer on a bare
     *     store)
     */
    public DeploymentExplanation explain(String endpoint) {
        ModelRegistry models = registry;
        Lineage graph = lineage;
        if (models == null || graph == null) {
            throw new IllegalStateException("this deployment history has no registry to explain endpoint '" + endpoint
                    + "' with; use mlops.deployments().explain(…) on the same lake");
        }
        DeploymentEvent event = findLatest(endpoint)
                .orElseThrow(() -> new NotFoundException("endpoint '" + endpoint
                        + "' has no deployment events; deploy a model to it with a Deployer first"));
        ModelRef live = event.findLive()
                .orElseThrow(() -> new NotFoundException(
                        "no model answers on endpoint '" + endpoint + "' after its event " + event.number()));
        ModelVersion model = models.get(live);
        LineageGraph upstream = graph.upstream(LineageNode.model(live.name(), live.version()));
        return new DeploymentExplanation(event, model, upstream);
    }

    @Override
    public String toString() {
        return "DeploymentHistory{lake=" + store + "}";
    }

    static LineageEdge deployEdge(DeploymentEvent event) {
        return new LineageEdge(
                LineageNode.model(event.model().name(), event.model().version()), event.node(), DEPLOY_ROLE);
    }

    static StoreKey series(String endpoint) {
        return StoreKey.of(ROOT + Names.requireValid("endpoint", endpoint) + "/events");
    }

    static StoreKey eventKey(String endpoint, long number) {
        return VersionAllocator.versionKey(series(endpoint), number);
    }

    static byte[] encode(DeploymentEvent event) {
        return RecordWriter.create(EVENT_FORMAT)
                .put("endpoint", event.endpoint())
                .put("number", event.number())
                .put("target", event.target())
                .put("operation", event.operationId().value())
                .put("model", event.model().toString())
                .putIfNotNull(
                        "previous",
                        event.previous() == null ? null : event.previous().toString())
                .putIfNotNull("live", event.live() == null ? null : event.live().toString())
                .put("rollout", event.rollout())
                .put("status", event.status().toString())
                .put("reason", event.reason())
                .put("at", event.at().toString())
                .toBytes();
    }

    static DeploymentEvent decode(StoredObject object) {
        return RecordReader.decode(
                object.getBytes(), EVENT_FORMAT, object.getKey().value(), r -> {
                    DeploymentEvent event = new DeploymentEvent(
                            r.getString("endpoint"),
                            r.getLong("number", 1, Long.MAX_VALUE),
                            r.getString("target"),
                            r.getParsed("operation", OperationId::of),
                            r.getParsed("model", ModelRef::parse),
                            r.findString("previous").map(ModelRef::parse).orElse(null),
                            r.findString("live").map(ModelRef::parse).orElse(null),
                            r.getString("rollout"),
                            r.getParsed("status", OperationStatus::fromString),
                            r.getString("reason"),
                            r.getParsed("at", Instant::parse));
                    return event;
                });
    }
}
