package org.mlops4j.serving;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mlops4j.deploy.local.Scored;
import org.mlops4j.deploy.local.ScoringEndpoint;
import org.mlops4j.deploy.local.ScoringEndpoints;

/**
 * The front this module replaces, kept for comparison: the JDK {@code HttpServer} as {@code LocalDeployer} runs it
 * today (backlog 256, 8 request threads, {@code sun.net.httpserver.nodelay}), answering the same routes the way
 * core's {@code ScoringHandler} does, over the same seam. Only the tests and the side-by-side benchmark use it; run
 * the finding tests against it with {@code -Dmlops4j.serving.front=jdk} to see each one fail.
 */
final class JdkFront implements Fronts.Front {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final long DRAIN_LIMIT = 4L << 20;

    private final HttpServer server;
    private final ExecutorService threads;
    private final ScoringEndpoints endpoints;
    private final int maxRequestBytes;

    JdkFront(ScoringEndpoints endpoints, int maxRequestBytes) throws IOException {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        this.endpoints = endpoints;
        this.maxRequestBytes = maxRequestBytes;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        this.threads = Executors.newFixedThreadPool(8, task -> {
            Thread thread = new Thread(task, "jdk-front");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    @Override
    public String baseUri() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            send(
                    exchange,
                    500,
                    Map.of("error", "the server failed: " + e.getClass().getSimpleName()));
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath(); // decoded: %2F becomes '/'
        if ("/health".equals(path)) {
            send(exchange, 200, Map.of("status", "up", "endpoints", endpoints.names()));
            return;
        }
        String[] parts = path.startsWith("/endpoints/") ? path.substring(11).split("/", -1) : new String[0];
        if (parts.length != 2 || !(parts[1].equals("score") || parts[1].equals("health"))) {
            send(exchange, 404, Map.of("error", "no such path '" + path + "'; use /endpoints/<name>/score or /health"));
            return;
        }
        ScoringEndpoint endpoint = endpoints.find(parts[0]);
        if (endpoint == null) {
            send(
                    exchange,
                    404,
                    Map.of("error", "no endpoint '" + parts[0] + "'; endpoints here: " + endpoints.names()));
            return;
        }
        if (parts[1].equals("health")) {
            send(exchange, 200, Map.of("endpoint", endpoint.name(), "status", "up"));
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            send(exchange, 405, Map.of("error", exchange.getRequestMethod() + " is not allowed"));
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(maxRequestBytes + 1);
            if (body.length > maxRequestBytes) {
                long drained = 0;
                byte[] sink = new byte[8192];
                for (int n; drained < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) {
                    drained += n;
                }
                send(exchange, 413, Map.of("error", "the request body is larger than the limit"));
                return;
            }
        }
        List<Map<String, Object>> rows;
        try {
            rows = rows(body);
        } catch (IllegalArgumentException | IOException e) {
            send(exchange, 400, Map.of("error", String.valueOf(e.getMessage())));
            return;
        }
        Scored scored = endpoint.score(rows);
        if (scored.slot() != null) {
            exchange.getResponseHeaders().set("X-Mlops-Slot", scored.slot());
        }
        if (scored.model() != null) {
            exchange.getResponseHeaders().set("X-Mlops-Model", scored.model());
        }
        send(
                exchange,
                scored.status(),
                scored.status() == 200
                        ? Map.of("predictions", scored.predictions())
                        : Map.of("error", String.valueOf(scored.error())));
    }

    private static List<Map<String, Object>> rows(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.path("rows").isArray()) {
            throw new IllegalArgumentException("the request body must be a JSON object with a \"rows\" array");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode row : root.get("rows")) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : row.properties()) {
                JsonNode value = field.getValue();
                if (!(value.isNumber() || value.isTextual() || value.isBoolean())) {
                    throw new IllegalArgumentException("column '" + field.getKey() + "' is not a plain value");
                }
                values.put(field.getKey(), value.isNumber() ? value.numberValue() : value.asText());
            }
            rows.add(values);
        }
        return rows;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body); // Jackson's default writes a NaN as "NaN"
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
