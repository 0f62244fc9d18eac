package org.mlops4j.serving;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.SlotStatus;
import org.mlops4j.deploy.local.Scored;
import org.mlops4j.deploy.local.ScoringEndpoint;
import org.mlops4j.deploy.local.ScoringEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and answers requests: checks the {@code Host}, the route, the method and the {@code Content-Type} on Jetty's
 * threads, reads the body without holding a thread (bounded in size and time), then parses and scores on the
 * scoring executor, whose bounded queue turns overload into 503. Thread-safe; one instance serves every request.
 */
final class ServingHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ServingHandler.class);
    /** How much of an oversized body is read and dropped so that the 413 reaches the client (see below). */
    private static final long DRAIN_LIMIT = 4L << 20;
    /** How many endpoint names a 404 offers; {@code GET /health} lists them all. */
    private static final int NAMES_IN_404 = 10;

    private static final String JSON = "application/json";

    private final ScoringEndpoints endpoints;
    private final HostCheck hosts;
    private final int maxRequestBytes;
    private final Duration bodyTimeout;
    private final Executor scoring;

    ServingHandler(
            ScoringEndpoints endpoints, HostCheck hosts, int maxRequestBytes, Duration bodyTimeout, Executor scoring) {
        this.endpoints = endpoints;
        this.hosts = hosts;
        this.maxRequestBytes = maxRequestBytes;
        this.bodyTimeout = bodyTimeout;
        this.scoring = scoring;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (endPoint instanceof GuardedConnector.GuardedEndPoint guarded) {
            guarded.beginHandling();
            Request.addCompletionListener(request, failure -> guarded.endHandling());
        }
        Exchange exchange = new Exchange(request, response, callback);
        try {
            route(exchange);
        } catch (RuntimeException e) {
            LOG.debug("request {} failed", Echo.of(request.getHttpURI().getPath()), e);
            exchange.error(500, "the server failed: " + e.getClass().getSimpleName());
        }
        return true;
    }

    private void route(Exchange exchange) {
        Request request = exchange.request;
        HostCheck.Refusal refusal = hosts.refuse(request.getHeaders().get(HttpHeader.HOST));
        if (refusal != null) {
            exchange.error(refusal.status(), refusal.message());
            return;
        }
        Route route;
        try {
            route = Route.parse(request.getHttpURI().getPath());
        } catch (IllegalArgumentException e) {
            exchange.error(400, e.getMessage());
            return;
        }
        if (route.kind() == Route.Kind.INVOCATIONS) {
            exchange.dialect = Dialect.MLFLOW;
        }
        switch (route.kind()) {
            case HEALTH:
                if (exchange.allow("GET", "use GET")) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", "up");
                    body.put("endpoints", endpoints.names());
                    exchange.answer(200, JsonAnswers.object(body), Map.of());
                }
                return;
            case NONE:
                exchange.error(
                        404,
                        "no such path '" + Echo.of(request.getHttpURI().getPath()) + "'; use /endpoints/<name>/score,"
                                + " /endpoints/<name>/invocations, /endpoints/<name>/health or /health");
                return;
            default:
                break;
        }
        ScoringEndpoint endpoint = endpoints.find(route.endpoint());
        if (endpoint == null) {
            exchange.error(404, notFound(route.endpoint()));
            return;
        }
        if (route.kind() == Route.Kind.ENDPOINT_HEALTH) {
            if (exchange.allow("GET", "use GET")) {
                health(exchange, endpoint);
            }
            return;
        }
        String shape =
                route.kind() == Route.Kind.SCORE ? "POST {\"rows\":[…]}" : "POST one of MLflow's scoring formats";
        if (exchange.allow("POST", shape) && exchange.acceptsContentType()) {
            exchange.endpoint = endpoint;
            exchange.readBody();
        }
    }

    private String notFound(String name) {
        List<String> names = endpoints.names();
        StringBuilder message =
                new StringBuilder("no endpoint '").append(Echo.of(name)).append('\'');
        if (names.isEmpty()) {
            return message.append("; none is served here yet").toString();
        }
        List<String> shown = new ArrayList<>();
        for (String served : names.subList(0, Math.min(NAMES_IN_404, names.size()))) {
            shown.add(Echo.of(served));
        }
        message.append("; endpoints here: ").append(String.join(", ", shown));
        if (names.size() > NAMES_IN_404) {
            message.append(" and ").append(names.size() - NAMES_IN_404).append(" more (GET /health lists them all)");
        }
        return message.toString();
    }

    private static void health(Exchange exchange, ScoringEndpoint endpoint) {
        List<SlotStatus> slots = endpoint.slots();
        if (slots.isEmpty()) {
            exchange.error(404, "no endpoint '" + Echo.of(endpoint.name()) + "'; it takes no traffic any more");
            return;
        }
        List<Object> described = new ArrayList<>(slots.size());
        for (SlotStatus slot : slots) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("slot", slot.slot());
            entry.put("model", slot.model().toString());
            entry.put("traffic", slot.trafficPercent());
            entry.put("shadow", slot.shadowPercent());
            entry.put("requests", slot.metrics().requests());
            entry.put("errors", slot.metrics().errors());
            entry.put("p95Millis", slot.metrics().p95Latency().toNanos() / 1e6);
            described.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint", endpoint.name());
        body.put("status", "up");
        body.put("slots", described);
        exchange.answer(200, JsonAnswers.object(body), Map.of());
    }

    /** One request and its answer: the answer is written once, whoever (reader, timer, scorer) gets there first. */
    private final class Exchange implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean answered = new AtomicBoolean();
        private Dialect dialect = Dialect.NATIVE;
        private @Nullable ScoringEndpoint endpoint;
        private byte[] body = new byte[0];
        private int length;
        private long dropped;
        private boolean tooLarge;
        private volatile Scheduler.@Nullable Task timeout;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        boolean allow(String method, String hint) {
            if (method.equals(request.getMethod())) {
                return true;
            }
            answer(
                    405,
                    JsonAnswers.object(dialect.error(
                            405,
                            Echo.of(request.getMethod()) + " is not allowed on "
                                    + Echo.of(request.getHttpURI().getPath(), 200) + "; " + hint)),
                    Map.of("Allow", method));
            return false;
        }

        /** Requires {@code application/json} (UTF-8): a browser page cannot send it cross-origin without a preflight. */
        boolean acceptsContentType() {
            String declared = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            String problem = null;
            if (declared == null) {
                problem = "the request has no Content-Type";
            } else {
                String[] parts = declared.split(";");
                if (!parts[0].trim().equalsIgnoreCase(JSON)) {
                    problem = "the request's Content-Type is '" + Echo.of(declared) + "'";
                }
                for (int i = 1; i < parts.length && problem == null; i++) {
                    String[] parameter = parts[i].split("=", 2);
                    if (parameter[0].trim().equalsIgnoreCase("charset")
                            && (parameter.length < 2
                                    || !parameter[1]
                                            .trim()
                                            .replace("\"", "")
                                            .toLowerCase(Locale.ROOT)
                                            .matches("utf-?8"))) {
                        problem = "the request's Content-Type names the charset '" + Echo.of(parts[i].trim()) + "'";
                    }
                }
            }
            if (problem == null) {
                return true;
            }
            error(415, problem + "; send the body as UTF-8 JSON with Content-Type: application/json");
            return false;
        }

        void readBody() {
            long declared = request.getLength();
            if (declared > maxRequestBytes && declared > DRAIN_LIMIT) {
                tooLarge(true); // too much to read just to answer: answer and close
                return;
            }
            tooLarge = declared > maxRequestBytes;
            body = new byte[tooLarge ? 0 : declared >= 0 ? (int) declared : Math.min(maxRequestBytes, 16 * 1024)];
            timeout = request.getComponents().getScheduler().schedule(this::bodyLate, bodyTimeout);
            run();
        }

        /** Reads what has arrived; asks to be called again when more does. */
        @Override
        public void run() {
            while (!answered.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable failure = chunk.getFailure();
                    error(
                            400,
                            "the request body could not be read ("
                                    + (failure == null
                                            ? "no cause"
                                            : failure.getClass().getSimpleName()) + ")");
                    return;
                }
                boolean last;
                try {
                    take(chunk.getByteBuffer());
                    last = chunk.isLast();
                } finally {
                    chunk.release();
                }
                if (tooLarge && dropped > DRAIN_LIMIT) {
                    tooLarge(true);
                    return;
                }
                if (last) {
                    if (tooLarge) {
                        tooLarge(false);
                    } else {
                        dispatch();
                    }
                    return;
                }
            }
        }

        private void take(ByteBuffer bytes) {
            int n = bytes.remaining();
            if (!tooLarge && (long) length + n > maxRequestBytes) {
                tooLarge = true;
            }
            if (tooLarge) {
                dropped += n;
                return;
            }
            if (length + n > body.length) {
                body = java.util.Arrays.copyOf(
                        body, (int) Math.min(maxRequestBytes, Math.max(2L * body.length, length + n)));
            }
            bytes.get(body, length, n);
            length += n;
        }

        private void bodyLate() {
            error(
                    408,
                    "the request body did not arrive within " + bodyTimeout.toMillis() + " ms; send it at once,"
                            + " or fewer rows per request",
                    true);
        }

        /**
         * Answers 413. The body was read and dropped up to a bound first: closing a socket with unread input makes
         * TCP reset it, and the reset can overtake the 413 so that the client never sees why.
         */
        private void tooLarge(boolean close) {
            error(
                    413,
                    "the request body is larger than the limit of " + maxRequestBytes + " bytes; send fewer rows"
                            + " per request",
                    close);
        }

        private void dispatch() {
            if (timeout != null) {
                boolean unused = timeout.cancel();
            }
            try {
                scoring.execute(this::score);
            } catch (RejectedExecutionException e) {
                answer(
                        503,
                        JsonAnswers.object(dialect.error(
                                503,
                                "the server is saturated: every scoring thread is busy and its queue is full; retry"
                                        + " in a second")),
                        Map.of("Retry-After", "1"));
            }
        }

        private void score() {
            ScoringEndpoint target = java.util.Objects.requireNonNull(endpoint, "endpoint");
            byte[] bytes = length == body.length ? body : java.util.Arrays.copyOf(body, length);
            List<Map<String, Object>> rows;
            try {
                rows = dialect == Dialect.MLFLOW ? ScoringRequests.invocation(bytes) : ScoringRequests.rows(bytes);
            } catch (IllegalArgumentException e) {
                error(400, String.valueOf(e.getMessage()));
                return;
            }
            Scored scored;
            try {
                scored = target.score(rows);
            } catch (RuntimeException e) {
                LOG.debug("endpoint {} failed to score", Echo.of(target.name()), e);
                error(
                        500,
                        "endpoint '" + Echo.of(target.name()) + "' failed: "
                                + e.getClass().getSimpleName());
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (scored.slot() != null) {
                headers.put("X-Mlops-Slot", scored.slot());
            }
            if (scored.model() != null) {
                headers.put("X-Mlops-Model", scored.model());
            }
            if (scored.status() != 200) {
                String message = scored.error() == null ? "scoring failed" : scored.error();
                answer(scored.status(), JsonAnswers.object(dialect.error(scored.status(), message)), headers);
                return;
            }
            byte[] answer;
            try {
                answer = JsonAnswers.predictions(scored.predictions());
            } catch (JsonAnswers.NotJsonException e) {
                String model = scored.model() == null ? "the model" : "model " + scored.model();
                String where = e.path().startsWith(".") ? e.path().substring(1) : e.path();
                answer(500, JsonAnswers.object(dialect.error(500, model + "'s " + where + " " + e.problem())), headers);
                return;
            }
            answer(200, answer, headers);
        }

        void error(int status, String message) {
            error(status, message, false);
        }

        private void error(int status, String message, boolean close) {
            Map<String, String> headers = close ? Map.of("Connection", "close") : Map.of();
            answer(status, JsonAnswers.object(dialect.error(status, message)), headers);
        }

        void answer(int status, byte[] bytes, Map<String, String> headers) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (timeout != null) {
                boolean unused = timeout.cancel();
            }
            response.setStatus(status);
            HttpFields.Mutable fields = response.getHeaders();
            fields.put(HttpHeader.CONTENT_TYPE, JSON);
            fields.put(HttpHeader.CONTENT_LENGTH, bytes.length);
            headers.forEach(fields::put);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }
    }
}
