package org.mlops4j.serving;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.deploy.local.ScoringEndpoints;
import org.mlops4j.deploy.local.ScoringFront;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP front for the endpoints of a local deployment target, on an embedded Jetty 12 server: it does HTTP only
 * (routes, limits, timeouts, request formats, JSON encoding) and scores through {@link ScoringEndpoints}.
 *
 * <p>Routes:
 *
 * <ul>
 *   <li>{@code POST /endpoints/<name>/score} with {@code {"rows":[{"x":1.5,"city":"Oslo"}, …]}} answers
 *       {@code {"predictions":[…]}} with the headers {@code X-Mlops-Slot} and {@code X-Mlops-Model};
 *   <li>{@code POST /endpoints/<name>/invocations} takes MLflow's scoring formats ({@code dataframe_split},
 *       {@code dataframe_records}, {@code instances}, {@code inputs}) and answers {@code {"predictions":[…]}}, with
 *       errors as MLflow words them ({@code {"error_code": …, "message": …}}); see {@code docs/serving.md};
 *   <li>{@code GET /endpoints/<name>/health}: the endpoint's slots, shares and counters;
 *   <li>{@code GET /health}: the server and the endpoints it serves.
 * </ul>
 *
 * <p>Errors are JSON ({@code {"error": "…"}}) and say what to do: 400 bad JSON or rows (a key repeated in one object
 * included), 403 a {@code Host} this server does not answer for, 404, 405, 408 a request that did not arrive in time,
 * 413 a body above the size limit, 415 a body not sent as {@code application/json}, 500 a model's failure or a
 * prediction JSON cannot carry (a NaN or an infinity is never answered as 200), 503 when saturated.
 *
 * <p>Everything that keeps the server answering while slow or idle clients hold connections is per instance, with no
 * JVM-wide setting: a header timeout (request line and headers, from their first byte), a body timeout, an idle timeout
 * between requests, a connection limit (a connection beyond it is answered 503 and closed), and a bounded pool of
 * scoring threads with a bounded queue (a request beyond it is answered 503 with {@code Retry-After}). Reading a
 * request holds no thread, so slow clients cost a socket each, not a thread.
 *
 * <pre>{@code
 * try (ScoringServer server = ScoringServer.builder().endpoints(endpoints).build()) {
 *     String uri = server.getBaseUri() + "/endpoints/churn/score";
 * }
 * }</pre>
 *
 * <p>As the local target's front, the builder is given to {@code LocalDeployer.builder()…front(…)}, which sets the
 * endpoints and starts the server when the target starts:
 *
 * <pre>{@code
 * Deployer deployer = LocalDeployer.builder().mlops(mlops).loader(loader).front(ScoringServer.builder().port(8080)).build();
 * }</pre>
 *
 * <p>Thread-safe. Closing stops the server and its threads; requests in flight are cut.
 */
public final class ScoringServer implements ScoringFront {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringServer.class);
    /** Jetty's own threads: one acceptor, one selector, and the rest parse and write; none ever runs a model. */
    private static final int IO_THREADS = 16;

    private final Server server;
    private final GuardedConnector connector;
    private final ThreadPoolExecutor scoring;
    private final String baseUri;
    private final String settings;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ScoringServer(Builder b, ScoringEndpoints endpoints, InetAddress address) {
        this.scoring = new ThreadPoolExecutor(
                b.threads,
                b.threads,
                30,
                TimeUnit.SECONDS,
                b.queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(b.queueCapacity),
                daemonThreads("mlops4j-serving-score-"),
                new ThreadPoolExecutor.AbortPolicy());
        scoring.allowCoreThreadTimeOut(true);
        QueuedThreadPool io = new QueuedThreadPool(
                IO_THREADS, 2, 60_000, -1, new BlockingArrayQueue<>(64, 64, b.maxConnections + 64), null);
        io.setName("mlops4j-serving-io");
        io.setDaemon(true);
        this.server = new Server(io, new ScheduledExecutorScheduler("mlops4j-serving-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new GuardedConnector(server, http, b.maxConnections, b.headerTimeout);
        connector.setHost(address.getHostAddress());
        connector.setPort(b.port);
        connector.setIdleTimeout(b.idleTimeout.toMillis());
        server.addConnector(connector);
        server.setHandler(new ServingHandler(
                endpoints, new HostCheck(b.allowedHosts, address), b.maxRequestBytes, b.bodyTimeout, scoring));
        server.setErrorHandler(new JsonErrorHandler());
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            throw new MlopsException(
                    "cannot start the scoring server on " + b.host + ":" + b.port + ": " + e
                            + "; choose a free port with port(…), or 0 for any free one",
                    e);
        }
        String host = address.getHostAddress().contains(":")
                ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        this.baseUri = "http://" + host + ":" + connector.getLocalPort();
        this.settings = "threads=" + b.threads + ", queueCapacity=" + b.queueCapacity + ", maxConnections="
                + b.maxConnections + ", headerTimeout=" + b.headerTimeout + ", bodyTimeout=" + b.bodyTimeout
                + ", idleTimeout=" + b.idleTimeout + ", maxRequestBytes=" + b.maxRequestBytes;
        LOG.info("ScoringServer serving on {} ({})", baseUri, settings);
    }

    /**
     * Returns a builder; {@link Builder#endpoints(ScoringEndpoints)} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the server's base URI, e.g. {@code http://127.0.0.1:43521}.
     *
     * @return the URI, without a trailing slash
     */
    @Override
    public String getBaseUri() {
        return baseUri;
    }

    /**
     * Returns the port the server listens on (the free one taken when port 0 was asked).
     *
     * @return the port
     */
    @Override
    public int getPort() {
        return connector.getLocalPort();
    }

    /** Returns how many admitted connections are open now (for tests of the limit). */
    int openConnections() {
        return connector.openConnections();
    }

    /** Stops the server and its threads; requests in flight are cut. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stopQuietly();
            LOG.info("ScoringServer on {} stopped", baseUri);
        }
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the scoring server failed", e);
        }
        scoring.shutdownNow();
    }

    @Override
    public String toString() {
        return "ScoringServer{" + baseUri + ", " + settings + (closed.get() ? ", closed" : "") + "}";
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Builds a {@link ScoringServer}. Each setting may be set once; {@link #build()} starts a new server each time it
     * is called. As a {@link ScoringFront.Factory} it starts a server over the endpoints the local target gives.
     * Not thread-safe.
     */
    public static final class Builder implements ScoringFront.Factory {
        private @Nullable ScoringEndpoints endpoints;
        private String host = "127.0.0.1";
        private boolean nonLoopback;
        private int port;
        private int maxRequestBytes = 1 << 20;
        private int threads = 8;
        private int queueCapacity = 64;
        private int maxConnections = 1024;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(20);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private final Set<String> allowedHosts = new LinkedHashSet<>();
        private final Set<String> set = new HashSet<>();

        private Builder() {}

        private void once(String setting) {
            if (!set.add(setting)) {
                throw new IllegalStateException(setting + " was already set on this ScoringServer builder");
            }
        }

        /**
         * Sets the endpoints to serve; required. They are looked up by name on every request.
         *
         * @param endpoints the local target's endpoints
         * @return this builder
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder endpoints(ScoringEndpoints endpoints) {
            Objects.requireNonNull(endpoints, "endpoints");
            once("endpoints");
            this.endpoints = endpoints;
            return this;
        }

        /**
         * Sets the address to bind to; {@code 127.0.0.1} by default. An address other than loopback exposes every
         * endpoint beyond this host and needs {@link #allowNonLoopback()} too.
         *
         * @param host a host name or address
         * @return this builder
         * @throws IllegalArgumentException if blank
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder host(String host) {
            if (Objects.requireNonNull(host, "host").isBlank()) {
                throw new IllegalArgumentException("host must be a host name or address, got '" + host + "'");
            }
            once("host");
            this.host = host;
            return this;
        }

        /**
         * Allows binding to an address other than loopback: an explicit choice, since the endpoints have no
         * authentication.
         *
         * @return this builder
         * @throws IllegalStateException if already called
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
         * @throws IllegalStateException if already set
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
         * Sets the largest request body accepted; a larger one gets 413. 1 MiB by default.
         *
         * @param bytes 1..2^31-2
         * @return this builder
         * @throws IllegalArgumentException if outside that range
         * @throws IllegalStateException if already set
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
         * Sets how many threads run models (parse, score, encode); 8 by default. No other thread of the server runs
         * a model.
         *
         * @param threads 1..1024
         * @return this builder
         * @throws IllegalArgumentException if outside that range
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("threads must be within 1..1024, got " + threads);
            }
            once("threads");
            this.threads = threads;
            return this;
        }

        /**
         * Sets how many read requests may wait for a scoring thread; one more is answered 503 with
         * {@code Retry-After: 1}. 64 by default; 0 answers 503 whenever every thread is busy.
         *
         * @param requests 0..100000
         * @return this builder
         * @throws IllegalArgumentException if outside that range
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder queueCapacity(int requests) {
            if (requests < 0 || requests > 100_000) {
                throw new IllegalArgumentException("queueCapacity must be within 0..100000, got " + requests);
            }
            once("queueCapacity");
            this.queueCapacity = requests;
            return this;
        }

        /**
         * Sets how many connections may be open at once; one more is answered 503 and closed. 1024 by default.
         *
         * @param connections 1..1000000
         * @return this builder
         * @throws IllegalArgumentException if outside that range
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder maxConnections(int connections) {
            if (connections < 1 || connections > 1_000_000) {
                throw new IllegalArgumentException("maxConnections must be within 1..1000000, got " + connections);
            }
            once("maxConnections");
            this.maxConnections = connections;
            return this;
        }

        /**
         * Sets how long a request's line and headers may take from their first byte; later, the client gets 408 and
         * the connection is closed. 10 s by default.
         *
         * @param timeout a positive duration of at least 1 ms
         * @return this builder
         * @throws IllegalArgumentException if shorter than 1 ms
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder headerTimeout(Duration timeout) {
            check("headerTimeout", timeout);
            once("headerTimeout");
            this.headerTimeout = timeout;
            return this;
        }

        /**
         * Sets how long a request's body may take once its headers are in; later, the client gets 408 and the
         * connection is closed. 20 s by default.
         *
         * @param timeout a positive duration of at least 1 ms
         * @return this builder
         * @throws IllegalArgumentException if shorter than 1 ms
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder bodyTimeout(Duration timeout) {
            check("bodyTimeout", timeout);
            once("bodyTimeout");
            this.bodyTimeout = timeout;
            return this;
        }

        /**
         * Sets how long a connection may stay silent; then it is closed. 30 s by default. It also bounds how long a
         * request may go without any byte moving, so keep it above the slowest model's scoring time.
         *
         * @param timeout a positive duration of at least 1 ms
         * @return this builder
         * @throws IllegalArgumentException if shorter than 1 ms
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder idleTimeout(Duration timeout) {
            check("idleTimeout", timeout);
            once("idleTimeout");
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Adds names or addresses the server answers for besides loopback ones: a request whose {@code Host} header
         * names anything else gets 403 (a guard against DNS rebinding). Needed when clients reach the server under
         * another name, e.g. through a proxy that keeps the {@code Host}.
         *
         * @param hosts bare host names or address literals, no port
         * @return this builder
         * @throws IllegalArgumentException if one is empty or has a scheme, port or path
         * @throws IllegalStateException if already set
         */
        @CanIgnoreReturnValue
        public Builder allowedHosts(String... hosts) {
            Set<String> checked = new LinkedHashSet<>();
            for (String host : Objects.requireNonNull(hosts, "hosts")) {
                checked.add(HostCheck.validate(Objects.requireNonNull(host, "host")));
            }
            once("allowedHosts");
            allowedHosts.addAll(checked);
            return this;
        }

        private static void check(String setting, Duration timeout) {
            Objects.requireNonNull(timeout, setting);
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException(setting + " must be at least 1 ms, got " + timeout);
            }
        }

        /**
         * Starts a server.
         *
         * @return the running server; close it when done
         * @throws IllegalStateException if no endpoints were set, or the host is not loopback and
         *     {@link #allowNonLoopback()} was not called
         * @throws IllegalArgumentException if the host cannot be resolved
         * @throws MlopsException if the server cannot bind (say, the port is in use)
         */
        public ScoringServer build() {
            if (endpoints == null) {
                throw new IllegalStateException("set the endpoints to serve with endpoints(…)");
            }
            return startOver(endpoints);
        }

        /**
         * Starts a server over the local target's endpoints: what {@code LocalDeployer.builder()…front(this)} calls
         * when the target starts.
         *
         * @param targetEndpoints the local target's endpoints
         * @return the running server; the target closes it
         * @throws IllegalStateException if endpoints were set on this builder too, or the host is not loopback and
         *     {@link #allowNonLoopback()} was not called
         * @throws IllegalArgumentException if the host cannot be resolved
         * @throws MlopsException if the server cannot bind (say, the port is in use)
         */
        @Override
        public ScoringServer start(ScoringEndpoints targetEndpoints) {
            Objects.requireNonNull(targetEndpoints, "targetEndpoints");
            if (endpoints != null) {
                throw new IllegalStateException("this builder already serves the endpoints set with endpoints(…);"
                        + " give the local target a builder without them");
            }
            return startOver(targetEndpoints);
        }

        private ScoringServer startOver(ScoringEndpoints served) {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
            }
            if (!address.isLoopbackAddress() && !nonLoopback) {
                throw new IllegalStateException("host '" + host + "' is not a loopback address: binding to it exposes"
                        + " unauthenticated endpoints beyond this machine; call allowNonLoopback() to do so on"
                        + " purpose");
            }
            return new ScoringServer(this, served, address);
        }

        @Override
        public String toString() {
            return "ScoringServer.Builder{host=" + host + ", port=" + port + ", settings=" + set + "}";
        }
    }
}
