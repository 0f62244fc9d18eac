package org.mlops4j.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Callers of a scoring endpoint: a few threads posting rows to {@code /score} until closed, counting the answers by the
 * model version that served them ({@code X-Mlops-Model}). A canary's health gate needs live traffic to judge the new
 * slot; this is that traffic. Thread-safe.
 */
final class ScoringTraffic implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final List<Map<String, Object>> rows;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private final int callers;
    private final List<Thread> threads;

    private ScoringTraffic(String scoringUri, List<Map<String, Object>> rows, int threads) {
        this.uri = URI.create(scoringUri);
        this.rows = List.copyOf(rows);
        this.callers = threads;
        this.threads = java.util.stream.IntStream.range(0, threads)
                .mapToObj(i -> {
                    Thread thread = new Thread(() -> call(i), "quickstart-caller-" + i);
                    thread.setDaemon(true);
                    thread.start();
                    return thread;
                })
                .toList();
    }

    /**
     * Starts callers.
     *
     * @param scoringUri the endpoint's {@code /score} address
     * @param rows rows to send, one per request, in turn
     * @param threads how many callers
     * @return the running traffic; close it to stop
     */
    static ScoringTraffic start(String scoringUri, List<Map<String, Object>> rows, int threads) {
        return new ScoringTraffic(scoringUri, rows, threads);
    }

    /**
     * Scores one row and returns the model version that answered.
     *
     * @param scoringUri the endpoint's {@code /score} address
     * @param row the row
     * @return the {@code X-Mlops-Model} header and the answer's body
     */
    static Answer scoreOnce(String scoringUri, Map<String, Object> row) {
        HttpClient client = HttpClient.newHttpClient();
        try {
            HttpResponse<String> response =
                    client.send(request(URI.create(scoringUri), row), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("X-Mlops-Model").orElse("-"),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + scoringUri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        }
    }

    /** One answer: HTTP status, the model version that served it, the body. */
    record Answer(int status, String model, String body) {}

    private void call(int offset) {
        int next = offset;
        while (running.get()) {
            Map<String, Object> row = rows.get(next % rows.size());
            next += callers;
            try {
                HttpResponse<Void> response = http.send(request(uri, row), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    String model =
                            response.headers().firstValue("X-Mlops-Model").orElse("-");
                    servedBy.computeIfAbsent(model, k -> new LongAdder()).increment();
                } else if (response.statusCode() != 404) { // 404: the endpoint is not created yet
                    failed.incrementAndGet();
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static HttpRequest request(URI uri, Map<String, Object> row) {
        try {
            return HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("rows", List.of(row)))))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row cannot be written as JSON: " + row, e);
        }
    }

    /** Returns answers so far by the model version that served them, e.g. {@code churn-classifier@2=812}. */
    Map<String, Long> servedBy() {
        Map<String, Long> counts = new TreeMap<>();
        servedBy.forEach((k, v) -> counts.put(k, v.sum()));
        return counts;
    }

    /** Returns requests answered with an error status (other than 404 before the endpoint exists) or not at all. */
    long failed() {
        return failed.get();
    }

    /** Stops the callers and waits for them. */
    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
