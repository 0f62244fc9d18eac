package org.mlops4j.mlflow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A loopback HTTP/1.1 proxy in front of an MLflow server that injects faults into a share of the requests: the
 * connection reset before or after the server saw the request, 500 and 503, 429 with {@code Retry-After}, and stalls
 * (before the request reaches the server, or holding the server's answer back) longer than the client's timeout. It
 * rewrites the {@code Host} header to the server's loopback address (MLflow 3.x checks it), closes every connection
 * after one exchange, and counts requests and bytes in both directions. Also a plain counting proxy ({@link
 * Fault#NONE} always).
 */
final class FaultProxy implements AutoCloseable {
    /** What happens to one request. */
    enum Fault {
        NONE,
        RESET_BEFORE,
        RESET_AFTER,
        ERROR_500,
        UNAVAILABLE_503,
        TOO_MANY_429,
        STALL_BEFORE,
        STALL_AFTER
    }

    private final ServerSocket socket;
    private final URI upstream;
    private final java.util.function.Function<String, Fault> faults;
    private final long stallMillis;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private volatile boolean closed;
    private volatile long epoch = System.nanoTime();
    private final java.util.List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();

    FaultProxy(String upstreamUri, Supplier<Fault> faults, long stallMillis) throws IOException {
        this(upstreamUri, requestLine -> faults.get(), stallMillis);
    }

    /** A proxy that picks each request's fault by its request line ({@code POST /api/2.0/mlflow/… HTTP/1.1}). */
    FaultProxy(String upstreamUri, java.util.function.Function<String, Fault> faults, long stallMillis)
            throws IOException {
        this.upstream = URI.create(upstreamUri);
        this.faults = faults;
        this.stallMillis = stallMillis;
        for (Fault f : Fault.values()) {
            counts.put(f, new AtomicLong());
        }
        this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    /** A proxy that only counts. */
    static FaultProxy counting(String upstreamUri) throws IOException {
        return new FaultProxy(upstreamUri, () -> Fault.NONE, 0);
    }

    String uri() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    long requests() {
        return requests.get();
    }

    long bytesUp() {
        return bytesUp.get();
    }

    long bytesDown() {
        return bytesDown.get();
    }

    /** The CPU time the proxy's threads spent on exchanges since it started, in nanoseconds. */
    long cpuNanos() {
        return cpuNanos.get();
    }

    Map<Fault, Long> counts() {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * The requests since the last {@link #reset()}, one line each: when it arrived and when its answer went back (ms
     * since the reset), how long the server took, the request line.
     */
    java.util.List<String> trace() {
        return java.util.List.copyOf(trace);
    }

    void reset() {
        epoch = System.nanoTime();
        trace.clear();
        requests.set(0);
        bytesUp.set(0);
        bytesDown.set(0);
        counts.values().forEach(c -> c.set(0));
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = socket.accept();
                workers.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("the fault proxy stopped accepting", e);
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            while (true) { // keep-alive from the client's side: one exchange after another on this connection
                byte[] request = readRequest(in);
                if (request == null) {
                    return;
                }
                long arrived = System.nanoTime();
                long cpu0 =
                        java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                requests.incrementAndGet();
                bytesUp.addAndGet(request.length);
                String line = new String(request, 0, Math.min(request.length, 300), StandardCharsets.ISO_8859_1);
                line = line.substring(0, Math.max(0, line.indexOf('\r')));
                Fault fault = faults.apply(line);
                counts.get(fault).incrementAndGet();
                boolean open = handle(client, request, fault);
                long done = System.nanoTime();
                cpuNanos.addAndGet(
                        java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0);
                trace.add(String.format(
                        Locale.ROOT,
                        "%7.1f %7.1f %6.1f ms  %s",
                        (arrived - epoch) / 1e6,
                        (done - epoch) / 1e6,
                        (done - arrived) / 1e6,
                        line));
                if (!open) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to do
        }
    }

    /** Handles one exchange; false when the connection must close. */
    private boolean handle(Socket client, byte[] request, Fault fault) throws IOException {
        OutputStream out = client.getOutputStream();
        switch (fault) {
            case RESET_BEFORE -> {
                reset(client);
                return false;
            }
            case ERROR_500 -> {
                respond(out, 500, "", "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"injected\"}");
                return true;
            }
            case UNAVAILABLE_503 -> {
                respond(out, 503, "", "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"injected\"}");
                return true;
            }
            case TOO_MANY_429 -> {
                respond(out, 429, "Retry-After: 1\r\n", "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\"}");
                return true;
            }
            case STALL_BEFORE -> {
                pause(stallMillis);
                return false;
            }
            default -> {}
        }
        byte[] response = forward(request);
        if (fault == Fault.RESET_AFTER) {
            reset(client);
            return false;
        }
        if (fault == Fault.STALL_AFTER) {
            pause(stallMillis);
            return false;
        }
        bytesDown.addAndGet(response.length);
        out.write(response);
        out.flush();
        return true;
    }

    private static void reset(Socket client) throws IOException {
        client.setSoLinger(true, 0); // close sends RST
        client.close();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the proxy's stall, not a test's wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(OutputStream out, int status, String headers, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " injected\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                        + "\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    /** Sends the request to the server on a fresh connection (Host rewritten, Connection: close) and reads it all. */
    private byte[] forward(byte[] request) throws IOException {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        StringBuilder head = new StringBuilder();
        String[] lines = text.substring(0, end).split("\r\n");
        head.append(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String lower = lines[i].toLowerCase(Locale.ROOT);
            if (!lower.startsWith("host:") && !lower.startsWith("connection:")) {
                head.append(lines[i]).append("\r\n");
            }
        }
        head.append("Host: 127.0.0.1:").append(upstream.getPort()).append("\r\nConnection: close\r\n\r\n");
        try (Socket server = new Socket()) {
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getPort()));
            OutputStream up = server.getOutputStream();
            up.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.write(request, end + 4, request.length - end - 4);
            up.flush();
            byte[] response = server.getInputStream().readAllBytes();
            return keepAlive(response);
        }
    }

    /** The server's response with its {@code Connection: close} dropped, so the client may reuse its connection. */
    private static byte[] keepAlive(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return response;
        }
        String head = text.substring(0, end);
        boolean framed = head.toLowerCase(Locale.ROOT).contains("\r\ncontent-length:");
        if (!framed) {
            // no length (a chunked or close-delimited body): re-frame it with a length
            byte[] body = java.util.Arrays.copyOfRange(response, end + 4, response.length);
            if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            StringBuilder h = new StringBuilder();
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("connection:") && !lower.startsWith("transfer-encoding:")) {
                    h.append(line).append("\r\n");
                }
            }
            h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }
        StringBuilder h = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                h.append(line).append("\r\n");
            }
        }
        h.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(response, end + 4, response.length - end - 4);
        return out.toByteArray();
    }

    private static byte[] unchunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int lineEnd = indexOf(body, i);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].strip();
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            out.write(body, lineEnd + 2, n);
            i = lineEnd + 2 + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Reads one request (head and a Content-Length or chunked body); null at the end of the stream. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int c;
        while (last4 != 0x0d0a0d0a && (c = in.read()) >= 0) {
            head.write(c);
            last4 = (last4 << 8) | c;
        }
        if (last4 != 0x0d0a0d0a) {
            return null;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        long length = 0;
        boolean chunked = false;
        for (String line : text.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                int n = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
                if (n == 0) {
                    var unused = readLine(in);
                    break;
                }
                body.write(in.readNBytes(n));
                var unused = readLine(in);
            }
            String fixed = text.substring(0, text.length() - 2).replaceAll("(?i)transfer-encoding: chunked\r\n", "")
                    + "Content-Length: " + body.size() + "\r\n\r\n";
            all.writeBytes(fixed.getBytes(StandardCharsets.ISO_8859_1));
            all.writeBytes(body.toByteArray());
            return all.toByteArray();
        }
        all.writeBytes(head.toByteArray());
        all.writeBytes(in.readNBytes((int) length));
        return all.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        workers.shutdownNow();
    }
}
