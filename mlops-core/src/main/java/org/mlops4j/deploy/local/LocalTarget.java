package org.mlops4j.deploy.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.deploy.spi.DeploymentTarget;
import org.mlops4j.deploy.spi.SlotHealth;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetOperation;
import org.mlops4j.internal.Names;
import org.mlops4j.lake.RecordFormat;
import org.mlops4j.lake.RecordReader;
import org.mlops4j.lake.RecordWriter;
import org.mlops4j.registry.ModelVersion;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local deployment target: model versions served in this JVM by the {@link ScoringEngine} (slots, weighted
 * routing, shadow copies, per-slot counters) behind the JDK {@code HttpServer} front ({@link ScoringHandler}). Model
 * versions are checked out of the registry and loaded by {@link ModelArtifacts}.
 *
 * <p>An update is carried out at once: the handle it returns is already done, and its token is the layout's text, so
 * a poll after a restart answers by comparing it with what is served. The layout of every endpoint is kept in the lake
 * ({@code deployments/<endpoint>/local.json}) and served again when a local target starts on the same lake.
 *
 * <p>Thread-safe. Closing stops the server, its threads and every predictor (each after its in-flight requests).
 */
final class LocalTarget implements DeploymentTarget {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTarget.class);
    private static final RecordFormat LAYOUT_FORMAT = RecordFormat.of("mlops4j.local-target-layout", 1);
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final ObjectStore store;
    private final ModelArtifacts artifacts;
    private final ScoringEngine engine = new ScoringEngine();
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final String baseUri;
    private final AtomicBoolean closed = new AtomicBoolean();

    LocalTarget(ObjectStore store, ModelArtifacts artifacts, InetAddress address, int port, int threads, int maxBytes)
            throws IOException {
        this.store = store;
        this.artifacts = artifacts;
        enableNoDelay();
        this.server = HttpServer.create(new InetSocketAddress(address, port), 256);
        this.requestThreads = Executors.newFixedThreadPool(threads, ScoringEngine.daemonThreads("mlops4j-endpoint-"));
        server.setExecutor(requestThreads);
        server.createContext("/", new ScoringHandler(engine, maxBytes));
        server.start();
        String host = address.getHostAddress().contains(":")
                ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        this.baseUri = "http://" + host + ":" + server.getAddress().getPort();
        LOG.info("local deployment target serving on {} (lake {})", baseUri, store);
        restore();
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
        return Optional.of(scoringUri(endpoint));
    }

    String scoringUri(String endpoint) {
        return baseUri + "/endpoints/" + Names.requireValid("endpoint", endpoint) + "/score";
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

    String getBaseUri() {
        return baseUri;
    }

    int getPort() {
        return server.getAddress().getPort();
    }

    boolean awaitShadows(Duration timeout) {
        return engine.awaitShadows(timeout);
    }

    /** Stops the server and its threads and closes every predictor; the lake keeps the layouts. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        requestThreads.shutdown();
        try {
            if (!requestThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                requestThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
        artifacts.close();
        LOG.info("local deployment target on {} closed", baseUri);
    }

    @Override
    public String toString() {
        return "LocalTarget{" + baseUri + ", lake " + store + ", " + engine + "}";
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
        RecordReader r = RecordReader.parse(
                object.getBytes(), LAYOUT_FORMAT, object.getKey().value());
        var unused = r.getString("endpoint");
        SlotLayout layout = r.getParsed("layout", SlotLayout::parse);
        r.finish();
        return layout;
    }
}
