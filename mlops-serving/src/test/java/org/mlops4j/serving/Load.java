package org.mlops4j.serving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scoring load from a few clients, each calling in a loop, one call at a time: a fixed number of calls or as many as a
 * duration allows. Records every call's latency and whether it got a 200 with predictions.
 */
final class Load {
    private Load() {}

    record Result(int calls, int succeeded, long[] latencyNanos, long elapsedNanos, Map<String, Integer> failures) {
        double p(double quantile) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            long[] sorted = latencyNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(quantile * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        double throughput() {
            return calls * 1e9 / elapsedNanos;
        }

        int failed() {
            return calls - succeeded;
        }

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d calls, %d failed, %.0f calls/s, p50 %.2f ms, p99 %.2f ms%s",
                    calls,
                    failed(),
                    throughput(),
                    p(0.50),
                    p(0.99),
                    failures.isEmpty() ? "" : " " + failures);
        }
    }

    /**
     * Runs the load from a minimal HTTP/1.1 client: one kept-alive socket per client, one request at a time, the
     * response read by its {@code Content-Length}; a closed or failed socket is opened again for the next call. It has
     * no connection pool, so no pool race between client and server, and little overhead of its own.
     *
     * @param duration how long to call
     */
    static Result runRaw(int port, String path, int clients, Duration duration) throws Exception {
        byte[] body = "{\"rows\":[{\"x\":1.5},{\"x\":2.5}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] request = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json"
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n"
                        + new String(body, java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicInteger succeeded = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<long[]>> perClient = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                perClient.add(pool.submit(() -> {
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    java.net.Socket socket = null;
                    java.io.InputStream in = null;
                    try {
                        while (System.nanoTime() < deadline) {
                            long t0 = System.nanoTime();
                            boolean ok = false;
                            try {
                                if (socket == null) {
                                    socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
                                    socket.setTcpNoDelay(true);
                                    socket.setSoTimeout(10_000);
                                    in = new java.io.BufferedInputStream(socket.getInputStream());
                                }
                                socket.getOutputStream().write(request);
                                Http.Raw response = Http.Raw.read(in);
                                ok = response.status() == 200 && response.body().startsWith("{\"predictions\":[");
                                if (!ok) {
                                    failures.merge("status " + response.status(), 1, Integer::sum);
                                }
                                if ("close".equals(response.headers().get("connection"))) {
                                    socket.close();
                                    socket = null;
                                }
                            } catch (java.io.IOException e) {
                                failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                                if (socket != null) {
                                    socket.close();
                                }
                                socket = null;
                            }
                            if (n == latencies.length) {
                                latencies = Arrays.copyOf(latencies, n * 2);
                            }
                            latencies[n++] = System.nanoTime() - t0;
                            if (ok) {
                                succeeded.incrementAndGet();
                            }
                        }
                    } finally {
                        if (socket != null) {
                            socket.close();
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> f : perClient) {
                long[] mine = f.get();
                int old = all.length;
                all = Arrays.copyOf(all, old + mine.length);
                System.arraycopy(mine, 0, all, old, mine.length);
            }
            return new Result(all.length, succeeded.get(), all, System.nanoTime() - start, new TreeMap<>(failures));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs the load from the JDK's {@link HttpClient}.
     *
     * @param callsPerClient calls each client makes, or 0 to call until {@code duration} passes
     * @param timeout each call's own time limit; a call over it fails
     */
    static Result run(String uri, int clients, int callsPerClient, Duration duration, Duration timeout)
            throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":[{\"x\":1.5},{\"x\":2.5}]}"))
                .build();
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicInteger succeeded = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<long[]>> perClient = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                perClient.add(pool.submit(() -> {
                    long[] latencies = new long[callsPerClient > 0 ? callsPerClient : 1 << 16];
                    int n = 0;
                    while (callsPerClient > 0 ? n < callsPerClient : System.nanoTime() < deadline) {
                        if (callsPerClient > 0 && System.nanoTime() > deadline) {
                            break; // the run's bound: calls not made count as failed
                        }
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            ok = response.statusCode() == 200 && response.body().startsWith("{\"predictions\":[");
                            if (!ok) {
                                failures.merge("status " + response.statusCode(), 1, Integer::sum);
                            }
                        } catch (java.io.IOException e) {
                            ok = false;
                            failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        }
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - t0;
                        if (ok) {
                            succeeded.incrementAndGet();
                        }
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> f : perClient) {
                long[] mine = f.get();
                int old = all.length;
                all = Arrays.copyOf(all, old + mine.length);
                System.arraycopy(mine, 0, all, old, mine.length);
            }
            int calls = callsPerClient > 0 ? clients * callsPerClient : all.length;
            if (calls > all.length) {
                failures.merge("not made within the run's bound", calls - all.length, Integer::sum);
            }
            return new Result(calls, succeeded.get(), all, System.nanoTime() - start, new TreeMap<>(failures));
        } finally {
            pool.shutdownNow();
        }
    }
}
