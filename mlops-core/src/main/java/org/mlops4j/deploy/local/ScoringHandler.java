package org.mlops4j.deploy.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlops4j.deploy.SlotMetrics;
import org.mlops4j.deploy.SlotStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@code HttpServer} front of the local target: HTTP only. Routes {@code /health} and
 * {@code /endpoints/<name>/score|health}, reads bounded JSON bodies and writes what the {@link ScoringEndpoints} seam
 * answers; routing, shadow copies and counters are the engine's. Thread-safe; one instance serves every request
 * thread.
 */
final class ScoringHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringHandler.class);
    private static final String PREFIX = "/endpoints/";

    private final ScoringEndpoints endpoints;
    /** How much of an oversized body is read and discarded so that the 413 reaches the client. */
    private static final long DRAIN_LIMIT = 4L << 20;

    private final int maxRequestBytes;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    ScoringHandler(ScoringEndpoints endpoints, int maxRequestBytes) {
        this.endpoints = endpoints;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
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
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if ("/health".equals(path)) {
            if (!requireMethod(exchange, "GET")) {
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "up");
            body.put("endpoints", endpoints.names());
            send(exchange, 200, body, Map.of());
            return;
        }
        if (path == null || !path.startsWith(PREFIX)) {
            send(exchange, 404, error("no such path '" + path + "'; use /endpoints/<name>/score or /health"), Map.of());
            return;
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length != 2 || !(parts[1].equals("score") || parts[1].equals("health"))) {
            send(
                    exchange,
                    404,
                    error("no such path '" + path + "'; use /endpoints/<name>/score or /endpoints/<name>/health"),
                    Map.of());
            return;
        }
        ScoringEndpoint endpoint = endpoints.find(parts[0]);
        if (endpoint == null) {
            send(
                    exchange,
                    404,
                    error("no endpoint '" + parts[0] + "'; endpoints here: " + endpoints.names()),
                    Map.of());
            return;
        }
        if (parts[1].equals("health")) {
            if (requireMethod(exchange, "GET")) {
                health(exchange, endpoint);
            }
            return;
        }
        if (!"POST".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "POST");
            send(exchange, 405, error(method + " is not allowed on " + path + "; POST {\"rows\":[…]}"), Map.of());
            return;
        }
        score(exchange, endpoint);
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

    private void health(HttpExchange exchange, ScoringEndpoint endpoint) throws IOException {
        List<Object> slots = new ArrayList<>();
        for (SlotStatus slot : endpoint.slots()) {
            SlotMetrics m = slot.metrics();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("slot", slot.slot());
            entry.put("model", slot.model().toString());
            entry.put("traffic", slot.trafficPercent());
            entry.put("shadow", slot.shadowPercent());
            entry.put("requests", m.requests());
            entry.put("errors", m.errors());
            entry.put("p95Millis", m.p95Latency().toNanos() / 1e6);
            slots.add(entry);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("endpoint", endpoint.name());
        body.put("status", "up");
        body.put("slots", slots);
        send(exchange, 200, body, Map.of());
    }

    private void score(HttpExchange exchange, ScoringEndpoint endpoint) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && parseLength(declared) > maxRequestBytes) {
            tooLarge(exchange);
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxRequestBytes + 1);
        }
        if (body.length > maxRequestBytes) {
            tooLarge(exchange);
            return;
        }
        List<Map<String, Object>> rows;
        try {
            rows = parseRows(body);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, error(e.getMessage()), Map.of());
            return;
        }
        Scored scored = endpoint.score(rows);
        Map<String, String> headers = new LinkedHashMap<>();
        if (scored.slot() != null) {
            headers.put("X-Mlops-Slot", scored.slot());
        }
        if (scored.model() != null) {
            headers.put("X-Mlops-Model", scored.model());
        }
        Object answer = scored.error() == null
                ? Collections.singletonMap("predictions", scored.predictions())
                : error(scored.error());
        send(exchange, scored.status(), answer, headers);
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
