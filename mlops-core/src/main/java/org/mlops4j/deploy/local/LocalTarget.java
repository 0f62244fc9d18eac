package org.mlops4j.deploy.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.deploy.spi.SlotHealth;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetOperation;
import org.mlops4j.internal.Names;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local deployment target: model versions served in this JVM by the {@link ScoringEngine} (slots, weighted
 * routing, shadow copies, per-slot counters), behind an HTTP {@link ScoringFront} when one is given (module
 * {@code mlops-serving}); without one it serves in this process only and has no scoring URI. Model versions are
 * checked out of the registry and loaded by {@link ModelArtifacts}.
 *
 * <p>An update is carried out at once: the handle it returns is already done, and its token is the layout's text, so
 * a poll after a restart answers by comparing it with what is served. The layout of every endpoint is kept in the lake
 * ({@code deployments/<endpoint>/local.json}) and served again when a local target starts on the same lake.
 *
 * <p>Thread-safe. Closing stops the front and every predictor (each after its in-flight requests).
 */
final class LocalTarget implements DeploymentTarget {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTarget.class);
    private static final RecordFormat LAYOUT_FORMAT = RecordFormat.of("mlops4j.local-target-layout", 1);

    private final ObjectStore store;
    private final ModelArtifacts artifacts;
    private final ScoringEngine engine = new ScoringEngine();
    private final @Nullable ScoringFront front;
    private final AtomicBoolean closed = new AtomicBoolean();

    LocalTarget(ObjectStore store, ModelArtifacts artifacts, ScoringFront.@Nullable Factory frontFactory) {
        this.store = store;
        this.artifacts = artifacts;
        this.front = frontFactory == null ? null : frontFactory.start(engine);
        LOG.info(
                "local deployment target serving {} (lake {})",
                front == null ? "in this process only" : "on " + front.getBaseUri(),
                store);
        restore();
    }

    @Override
    public String name() {
        return LocalDeployer.TARGET;
    }

    @Override
    public void checkServable(ModelVersion model) {
        var unused = artifacts.loaderFor(model);
    }

    @Override
    public Optional<String> findScoringUri(String endpoint) {
        Names.requireValid("endpoint", endpoint);
        return front == null ? Optional.empty() : Optional.of(front.getBaseUri() + "/endpoints/" + endpoint + "/score");
    }

    @Override
    public Optional<SlotLayout> read(String endpoint) {
        return engine.read(endpoint);
    }

    @Override
    public TargetOperation beginUpdate(String endpoint, SlotLayout layout, String key) {
        Names.requireValid("endpoint", endpoint);
        requireOpen();
        engine.serve(endpoint, layout, artifacts::load);
        keep(endpoint, layout);
        return new TargetOperation(layout.toString(), TargetOperation.State.SUCCEEDED, "serving " + layout);
    }

    @Override
    public TargetOperation poll(String endpoint, String token) {
        Optional<SlotLayout> served = engine.read(endpoint);
        if (served.isPresent() && served.get().toString().equals(token)) {
            return new TargetOperation(token, TargetOperation.State.SUCCEEDED, "serving " + token);
        }
        throw new NotFoundException("the local target has no update " + token + " on endpoint '" + endpoint
                + "'; it serves " + served.map(SlotLayout::toString).orElse("nothing") + "; begin the update again");
    }

    @Override
    public SlotHealth health(String endpoint, String slot) {
        RoutingTable.Slot served = engine.findSlot(endpoint, slot);
        if (served == null) {
            throw new NotFoundException("endpoint '" + endpoint + "' serves no slot " + slot + " here; it serves "
                    + read(endpoint).map(SlotLayout::toString).orElse("nothing"));
        }
        SlotMetrics m = served.model().counters().metricsSince(slot, served.since());
        return new SlotHealth(m.requests(), m.errors(), m.p95Latency(), m.maxLatency());
    }

    /** The engine behind the front: what an HTTP front reads. */
    ScoringEndpoints endpoints() {
        return engine;
    }

    /** The running front, if one was given. */
    Optional<ScoringFront> findFront() {
        return Optional.ofNullable(front);
    }

    boolean awaitShadows(Duration timeout) {
        return engine.awaitShadows(timeout);
    }

    /** Stops the front and closes every predictor; the lake keeps the layouts. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (front != null) {
                front.close();
            }
        } finally {
            engine.close();
            artifacts.close();
        }
        LOG.info("local deployment target {} closed", front == null ? "in this process" : "on " + front.getBaseUri());
    }

    @Override
    public String toString() {
        return "LocalTarget{" + (front == null ? "in-process" : front.getBaseUri()) + ", lake " + store + ", " + engine
                + "}";
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this local target is closed; build a new one on the same lake");
        }
    }

    // --- the layouts kept in the lake -------------------------------------------------------------------------------

    /** Serves again every layout kept in the lake; one that cannot be loaded is logged and left out. */
    private void restore() {
        for (StoreKey key : store.list("deployments/")) {
            String[] parts = key.value().split("/");
            if (parts.length == 3 && parts[2].equals("local.json")) {
                try {
                    store.find(key).ifPresent(o -> engine.serve(parts[1], decode(o), artifacts::load));
                } catch (RuntimeException e) {
                    LOG.warn("cannot serve endpoint '{}' again: {}", parts[1], e.toString());
                }
            }
        }
    }

    /** Keeps the layout an endpoint serves, for the next start; the last writer wins. */
    private void keep(String endpoint, SlotLayout layout) {
        StoreKey key = layoutKey(endpoint);
        byte[] bytes = encode(endpoint, layout);
        while (true) {
            Optional<StoredObject> found = store.find(key);
            ObjectTag tag = found.map(StoredObject::getTag).orElse(null);
            if (found.isPresent() && java.util.Arrays.equals(found.get().getBytes(), bytes)) {
                return;
            }
            if (store.compareAndSet(key, tag, bytes).isPresent()) {
                return;
            }
        }
    }

    private static StoreKey layoutKey(String endpoint) {
        return StoreKey.of("deployments/" + Names.requireValid("endpoint", endpoint) + "/local.json");
    }

    private static byte[] encode(String endpoint, SlotLayout layout) {
        return RecordWriter.create(LAYOUT_FORMAT)
                .put("endpoint", endpoint)
                .put("layout", layout.toString())
                .toBytes();
    }

    private static SlotLayout decode(StoredObject object) {
        return RecordReader.decode(
                object.getBytes(), LAYOUT_FORMAT, object.getKey().value(), r -> {
                    var unused = r.getString("endpoint");
                    SlotLayout layout = r.getParsed("layout", SlotLayout::parse);
                    return layout;
                });
    }
}
