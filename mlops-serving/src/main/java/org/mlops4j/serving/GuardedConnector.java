package org.mlops4j.serving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritePendingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * A loopback-or-configured HTTP/1.1 connector that guards against clients who hold connections without finishing a
 * request, per server instance:
 *
 * <ul>
 *   <li>a <em>header timeout</em>: from the first byte of a request, its request line and headers must arrive within a
 *       bound, or the connection gets a 408 and is closed. Jetty's idle timeout alone does not do this: each trickled
 *       byte restarts it, so one byte a second holds a connection for ever;
 *   <li>a <em>connection limit</em>: a connection beyond it is accepted, answered 503 with {@code Retry-After} and
 *       closed, instead of waiting unanswered in the accept queue.
 * </ul>
 *
 * The body's own timeout is the handler's ({@link ServingHandler}), and the idle timeout between requests is Jetty's.
 * Thread-safe.
 */
final class GuardedConnector extends ServerConnector {
    /** How long a refused connection may stay open while its 503 is written and its request is read and dropped. */
    private static final Duration REFUSED_LINGER = Duration.ofSeconds(2);

    private final int maxConnections;
    private final Duration headerTimeout;
    private final AtomicInteger open = new AtomicInteger();
    private final byte[] headersLate;

    GuardedConnector(Server server, HttpConfiguration http, int maxConnections, Duration headerTimeout) {
        super(server, 1, 1, new Factory(http, refusal(maxConnections)));
        this.maxConnections = maxConnections;
        this.headerTimeout = headerTimeout;
        this.headersLate = rawAnswer(
                408,
                "Request Timeout",
                "the request line and headers did not arrive within " + headerTimeout.toMillis() + " ms of the"
                        + " request's first byte; send them at once");
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        boolean admitted = open.incrementAndGet() <= maxConnections;
        if (!admitted) {
            open.decrementAndGet();
        }
        GuardedEndPoint endPoint = new GuardedEndPoint(channel, selector, key, getScheduler(), admitted);
        endPoint.setIdleTimeout(admitted ? getIdleTimeout() : REFUSED_LINGER.toMillis());
        return endPoint;
    }

    /**
     * Returns how many admitted connections are open now.
     *
     * @return the count, at most the limit
     */
    int openConnections() {
        return open.get();
    }

    private static byte[] refusal(int maxConnections) {
        return rawAnswer(
                503,
                "Service Unavailable",
                "this server holds its limit of " + maxConnections + " open connections; retry in a second, or"
                        + " close idle connections");
    }

    /** A whole HTTP/1.1 answer with a JSON error body, written where no request is being handled. */
    private static byte[] rawAnswer(int status, String reason, String message) {
        byte[] body = JsonAnswers.object(Dialect.NATIVE.error(status, message));
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n" + (status == 503 ? "Retry-After: 1\r\n" : "") + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** Gives a refused endpoint a {@link RejectingConnection} instead of an HTTP one. */
    private static final class Factory extends HttpConnectionFactory {
        private final byte[] refusal;

        Factory(HttpConfiguration http, byte[] refusal) {
            super(http);
            this.refusal = refusal;
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            if (endPoint instanceof GuardedEndPoint guarded && !guarded.admitted) {
                return new RejectingConnection(
                        endPoint, connector.getExecutor(), connector.getScheduler(), refusal, REFUSED_LINGER);
            }
            return super.newConnection(connector, endPoint);
        }
    }

    /**
     * An endpoint that counts itself against the limit while open, and times the headers of each request: the clock
     * starts with the first byte read while no request is being handled and stops when the handler takes the request.
     */
    final class GuardedEndPoint extends SocketChannelEndPoint {
        private final boolean admitted;
        private final AtomicBoolean released = new AtomicBoolean();
        private final CyclicTimeout headerClock;
        /** Requests taken and not yet complete; a count, since one's completion may be reported after the next began. */
        private final AtomicInteger handling = new AtomicInteger();

        private volatile boolean clockRunning;

        GuardedEndPoint(
                SocketChannel channel,
                ManagedSelector selector,
                SelectionKey key,
                Scheduler scheduler,
                boolean admitted) {
            super(channel, selector, key, scheduler);
            this.admitted = admitted;
            this.headerClock = new CyclicTimeout(scheduler) {
                @Override
                public void onTimeoutExpired() {
                    headersLate();
                }
            };
        }

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            int filled = super.fill(buffer);
            if (filled > 0 && admitted && handling.get() == 0 && !clockRunning) {
                clockRunning = true;
                boolean unused = headerClock.schedule(headerTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            return filled;
        }

        /** The handler took a request: its headers are complete. */
        void beginHandling() {
            handling.incrementAndGet();
            clockRunning = false;
            boolean unused = headerClock.cancel();
        }

        /** The response is complete: the next byte read starts the next request's clock. */
        void endHandling() {
            handling.decrementAndGet();
        }

        private void headersLate() {
            if (handling.get() > 0 || !clockRunning || !isOpen()) {
                return;
            }
            try {
                write(Callback.from(this::close, failure -> close()), ByteBuffer.wrap(headersLate));
            } catch (WritePendingException e) {
                close();
            }
        }

        @Override
        public void onClose(@Nullable Throwable cause) {
            try {
                super.onClose(cause);
            } finally {
                headerClock.destroy();
                if (admitted && released.compareAndSet(false, true)) {
                    open.decrementAndGet();
                }
            }
        }
    }
}
