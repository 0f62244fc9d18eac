package org.mlops4j.serving;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Scoring load from a few clients, each calling in a loop, one call at a time: a fixed number of calls or as many as a
 * duration allows. Records every call's latency and whether it got a 200 with predictions. Two clients: a minimal
 * kept-alive socket client ({@link #runRaw}) and the JDK's HttpClient ({@link #run}), which (JDK 17) fails about one
 * call in 100,000 with "HTTP/1.1 header parser received no bytes" on either front alike (see docs/serving.md).
 */
final class Load {
    private static final String BODY = "{\"rows\":[{\"x\":1.5},{\"x\":2.5}]}";

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

    /** One client's way of making a call; it records why a call failed. Used by one thread. */
    private interface Caller extends AutoCloseable {
        boolean call(Map<String, Integer> failures);

        @Override
        void close();
    }

    /**
     * Runs the load from a minimal HTTP/1.1 client: one kept-alive socket per client, one request at a time, the
     * response read by its {@code Content-Length}; a closed or failed socket is opened again for the next call. It has
     * no connection pool, so no pool race between client and server, and little overhead of its own.
     *
     * @param callsPerClient calls each client makes, or 0 to call until {@code duration} passes
     * @param timeout each call's own time limit (connecting, then reading the answer); a call over it fails
     */
    static Result runRaw(int port, String path, int clients, int callsPerClient, Duration duration, Duration timeout)
            throws Exception {
        byte[] request = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json"
                        + "\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY)
                .getBytes(StandardCharsets.UTF_8);
        return drive(clients, callsPerClient, duration, () -> new RawCaller(port, request, (int) timeout.toMillis()));
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
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();
        return drive(clients, callsPerClient, duration, () -> new Caller() {
            @Override
            public boolean call(Map<String, Integer> failures) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    return scored(response.statusCode(), response.body(), failures);
                } catch (IOException e) {
                    failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.merge("interrupted", 1, Integer::sum);
                    return false;
                }
            }

            @Override
            public void close() {}
        });
    }

    private static boolean scored(int status, String body, Map<String, Integer> failures) {
        boolean ok = status == 200 && body.startsWith("{\"predictions\":[");
        if (!ok) {
            failures.merge("status " + status, 1, Integer::sum);
        }
        return ok;
    }

    /** Runs the clients, each with its own caller, and gathers their latencies and failures. */
    private static Result drive(int clients, int callsPerClient, Duration duration, Supplier<Caller> callers)
            throws Exception {
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
                    try (Caller caller = callers.get()) {
                        // a fixed number of calls stops at the deadline too: calls not made count as failed
                        while ((callsPerClient == 0 || n < callsPerClient) && System.nanoTime() < deadline) {
                            long t0 = System.nanoTime();
                            boolean ok = caller.call(failures);
                            if (n == latencies.length) {
                                latencies = Arrays.copyOf(latencies, n * 2);
                            }
                            latencies[n++] = System.nanoTime() - t0;
                            if (ok) {
                                succeeded.incrementAndGet();
                            }
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

    /** A kept-alive socket, opened again after a failure or a {@code Connection: close}. */
    private static final class RawCaller implements Caller {
        private final int port;
        private final byte[] request;
        private final int timeoutMillis;
        private @Nullable Socket socket;
        private @Nullable InputStream in;

        RawCaller(int port, byte[] request, int timeoutMillis) {
            this.port = port;
            this.request = request;
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public boolean call(Map<String, Integer> failures) {
            try {
                if (socket == null || in == null) {
                    socket = new Socket();
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(timeoutMillis);
                    in = new BufferedInputStream(socket.getInputStream());
                }
                socket.getOutputStream().write(request);
                Http.Raw response = Http.Raw.read(in);
                if ("close".equals(response.headers().get("connection"))) {
                    close();
                }
                return scored(response.status(), response.body(), failures);
            } catch (IOException e) {
                failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                close();
                return false;
            }
        }

        @Override
        public void close() {
            Socket open = socket;
            socket = null;
            in = null;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException ignored) {
                    // the server closed it first
                }
            }
        }
    }
}
