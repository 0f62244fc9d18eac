package org.mlops4j.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a {@link LocalDeployer}: routes {@code /health} and {@code /endpoints/<name>/score|health}, reads
 * bounded JSON bodies, scores through the endpoint's routing table and counts each answer on the slot that gave it.
 * Thread-safe; one instance serves every request thread.
 */
final class ScoringHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringHandler.class);
    private static final String PREFIX = "/endpoints/";
    private static final int MAX_ACQUIRE_ATTEMPTS = 100;

    private final LocalDeployer deployer;
    /** How much of an oversized body is read and discarded so that the 413 reaches the client. */
    private static final long DRAIN_LIMIT = 4L << 20;

    private final int maxRequestBytes;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    ScoringHandler(LocalDeployer deployer, int maxRequestBytes) {
        this.deployer = deployer;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Runnable afterResponse = null;
        try {
            afterResponse = route(exchange);
        } catch (RuntimeException | IOException e) {
            LOG.debug("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            try {
                send(exchange, 500, error("the server failed: " + e.getClass().getSimpleName()), Map.of());
            } catch (IOException | RuntimeException ignored) {
                // the response had started or the client left: nothing more to tell it
            }
        } finally {
            exchange.close();
        }
        if (afterResponse != null) {
            afterResponse.run();
        }
    }

    /** Answers one request; returns work to do once the response is sent (a shadow copy), or null. */
    private @Nullable Runnable route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if ("/health".equals(path)) {
            if (!requireMethod(exchange, "GET")) {
                return null;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "up");
            body.put("endpoints", deployer.servedEndpoints());
            send(exchange, 200, body, Map.of());
            return null;
        }
        if (path == null || !path.startsWith(PREFIX)) {
            send(exchange, 404, error("no such path '" + path + "'; use /endpoints/<name>/score or /health"), Map.of());
            return null;
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length != 2 || !(parts[1].equals("score") || parts[1].equals("health"))) {
            send(
                    exchange,
                    404,
                    error("no such path '" + path + "'; use /endpoints/<name>/score or /endpoints/<name>/health"),
                    Map.of());
            return null;
        }
        LocalDeployer.EndpointRuntime runtime = deployer.findRuntime(parts[0]);
        if (runtime == null || runtime.table.get().slots().isEmpty()) {
            send(
                    exchange,
                    404,
                    error("no endpoint '" + parts[0] + "'; endpoints here: " + deployer.servedEndpoints()),
                    Map.of());
            return null;
        }
        if (parts[1].equals("health")) {
            if (requireMethod(exchange, "GET")) {
                health(exchange, runtime);
            }
            return null;
        }
        if (!"POST".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "POST");
            send(exchange, 405, error(method + " is not allowed on " + path + "; POST {\"rows\":[…]}"), Map.of());
            return null;
        }
        return score(exchange, runtime);
    }

    private boolean requireMethod(HttpExchange exchange, String allowed) throws IOException {
        if (allowed.equals(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", allowed);
        send(
                exchange,
                405,
                error(exchange.getRequestMethod() + " is not allowed on "
                        + exchange.getRequestURI().getPath() + "; use " + allowed),
                Map.of());
        return false;
    }

    private void health(HttpExchange exchange, LocalDeployer.EndpointRuntime runtime) throws IOException {
        List<Object> slots = new ArrayList<>();
        for (RoutingTable.Slot slot : runtime.table.get().slots()) {
            SlotMetrics m = slot.model().counters().metricsSince(slot.name(), SlotCounters.Snapshot.ZERO);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("slot", slot.name());
            entry.put("model", slot.model().ref().toString());
            entry.put("traffic", slot.traffic());
            entry.put("shadow", slot.shadow());
            entry.put("requests", m.requests());
            entry.put("errors", m.errors());
            entry.put("p95Millis", m.p95Latency().toNanos() / 1e6);
            slots.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint", runtime.name);
        body.put("status", "up");
        body.put("slots", slots);
        send(exchange, 200, body, Map.of());
    }

    private @Nullable Runnable score(HttpExchange exchange, LocalDeployer.EndpointRuntime runtime) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && parseLength(declared) > maxRequestBytes) {
            tooLarge(exchange);
            return null;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxRequestBytes + 1);
        }
        if (body.length > maxRequestBytes) {
            tooLarge(exchange);
            return null;
        }
        List<Map<String, Object>> rows;
        try {
            rows = parseRows(body);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, error(e.getMessage()), Map.of());
            return null;
        }
        long n = runtime.requests.getAndIncrement();
        RoutingTable table = null;
        RoutingTable.Slot slot = null;
        for (int attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS && slot == null; attempt++) {
            table = runtime.table.get(); // a switch swaps the table: a request sees the old one or the new one
            RoutingTable.Slot picked = table.pick(n);
            if (picked == null) {
                break;
            }
            if (picked.model().tryAcquire()) {
                slot = picked;
            }
        }
        if (slot == null || table == null) {
            send(exchange, 503, error("endpoint '" + runtime.name + "' has no slot taking traffic"), Map.of());
            return null;
        }
        LoadedModel model = slot.model();
        Map<String, String> headers =
                Map.of("X-Mlops-Slot", slot.name(), "X-Mlops-Model", model.ref().toString());
        long start = System.nanoTime();
        int status = 500;
        Object answer;
        try {
            List<Object> predictions = model.predictor().predict(rows);
            if (predictions == null || predictions.size() != rows.size()) {
                answer = error("model " + model.ref() + " returned "
                        + (predictions == null ? "nothing" : predictions.size() + " predictions") + " for "
                        + rows.size() + " rows");
            } else {
                answer = Map.of("predictions", predictions);
                status = 200;
            }
        } catch (IllegalArgumentException e) {
            answer = error(String.valueOf(e.getMessage()));
            status = 400;
        } catch (RuntimeException e) {
            LOG.debug("model {} failed on endpoint {}", model.ref(), runtime.name, e);
            answer = error("model " + model.ref() + " failed: " + e.getClass().getSimpleName());
        } finally {
            model.release();
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            bytes = JSON.writeValueAsBytes(error("model " + model.ref() + " returned predictions that are not JSON"));
            status = 500;
        }
        model.counters().record(System.nanoTime() - start, status >= 500);
        sendBytes(exchange, status, bytes, headers);
        RoutingTable.Slot shadow = table.pickShadow(n, slot);
        if (shadow == null) {
            return null;
        }
        LoadedModel copy = shadow.model();
        return () -> deployer.submitShadow(() -> shadowScore(copy, rows));
    }

    /** Scores a copy on the shadow slot; the answer is counted and thrown away. */
    private static void shadowScore(LoadedModel model, List<Map<String, Object>> rows) {
        if (!model.tryAcquire()) {
            return; // it left the table meanwhile
        }
        long start = System.nanoTime();
        boolean failed = false;
        try {
            List<Object> predictions = model.predictor().predict(rows);
            failed = predictions == null || predictions.size() != rows.size();
        } catch (IllegalArgumentException e) {
            failed = false; // the caller's bad row, not the model's fault
        } catch (RuntimeException e) {
            failed = true;
        } finally {
            model.release();
        }
        model.counters().record(System.nanoTime() - start, failed);
    }

    /**
     * Reads a scoring request's rows.
     *
     * @param body {@code {"rows":[{"column": value, …}, …]}}
     * @return one map per row; values are numbers, strings or booleans
     * @throws IllegalArgumentException saying what is wrong with the body, for a 400 answer
     */
    static List<Map<String, Object>> parseRows(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request body is not valid JSON (" + e.getOriginalMessage()
                    + "); send {\"rows\":[{\"column\":value, …}]}");
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body cannot be read as JSON: " + e);
        }
        if (root == null || !root.isObject() || !root.path("rows").isArray()) {
            throw new IllegalArgumentException(
                    "the request body must be a JSON object with a \"rows\" array: {\"rows\":[{\"column\":value, …}]}");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        int index = 0;
        for (JsonNode row : root.get("rows")) {
            if (!row.isObject()) {
                throw new IllegalArgumentException("row " + index + " is a JSON "
                        + row.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + "; each row is an object of column to value");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isNumber()) {
                    values.put(field.getKey(), value.numberValue());
                } else if (value.isTextual()) {
                    values.put(field.getKey(), value.textValue());
                } else if (value.isBoolean()) {
                    values.put(field.getKey(), value.booleanValue());
                } else {
                    throw new IllegalArgumentException("row " + index + " column '" + field.getKey() + "' is a JSON "
                            + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                            + "; values are numbers, strings or booleans (omit a missing value)");
                }
            }
            rows.add(values);
            index++;
        }
        return rows;
    }

    private void tooLarge(HttpExchange exchange) throws IOException {
        // Read what the client is still sending (up to a bound) before answering: closing a socket with unread input
        // makes TCP reset it, and the reset can overtake the 413 so that the client never sees why.
        try (InputStream in = exchange.getRequestBody()) {
            long drained = 0;
            byte[] sink = new byte[8192];
            for (int n; drained < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) {
                drained += n;
            }
        } catch (IOException e) {
            LOG.debug("client left while an oversized body was drained", e);
        }
        exchange.getResponseHeaders().set("Connection", "close");
        send(
                exchange,
                413,
                error("the request body is larger than the limit of " + maxRequestBytes
                        + " bytes; send fewer rows per request"),
                Map.of());
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private void send(HttpExchange exchange, int status, Object body, Map<String, String> headers) throws IOException {
        sendBytes(exchange, status, JSON.writeValueAsBytes(body), headers);
    }

    private static void sendBytes(HttpExchange exchange, int status, byte[] bytes, Map<String, String> headers)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
