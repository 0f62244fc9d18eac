package org.mlops4j.serving;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Slow clients: connections that each send one byte of a request's headers per second, spread evenly over the second,
 * and never finish. A connection the server closes is opened again on its next tick, so the server keeps facing the
 * same number of slow connections.
 */
final class Trickler implements AutoCloseable {
    private static final byte[] SCRIPT = ("POST /endpoints/churn/score HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nX-Pad: ")
            .getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final Slot[] slots;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "trickler");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger reopened = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    Trickler(int port, int connections) {
        this.port = port;
        this.slots = new Slot[connections];
        for (int i = 0; i < connections; i++) {
            slots[i] = new Slot();
            Slot slot = slots[i];
            long phase = 1000L * i / connections;
            var unused = ticks.scheduleAtFixedRate(() -> tick(slot), phase, 1000, TimeUnit.MILLISECONDS);
        }
    }

    private void tick(Slot slot) {
        try {
            if (slot.socket == null) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                slot.socket = socket;
                slot.out = socket.getOutputStream();
                slot.sent = 0;
                if (slot.opened++ > 0) {
                    reopened.incrementAndGet();
                }
            }
            OutputStream out = slot.out;
            if (out != null) {
                out.write(slot.sent < SCRIPT.length ? SCRIPT[(int) slot.sent] : 'a');
                out.flush();
                slot.sent++;
                bytes.incrementAndGet();
            }
        } catch (IOException e) {
            slot.close(); // the server closed it, or it is full: open it again on the next tick
        }
    }

    /** The fewest bytes any connection has sent on its current socket (0 while one is being opened). */
    long fewestBytesSent() {
        long fewest = Long.MAX_VALUE;
        for (Slot slot : slots) {
            fewest = Math.min(fewest, slot.socket == null ? 0 : slot.sent);
        }
        return fewest;
    }

    int reopened() {
        return reopened.get();
    }

    long bytesSent() {
        return bytes.get();
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        try {
            boolean unused = ticks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Slot slot : slots) {
            slot.close();
        }
    }

    private static final class Slot {
        volatile @Nullable Socket socket;

        @Nullable
        OutputStream out;

        volatile long sent;
        int opened;

        void close() {
            Socket s = socket;
            socket = null;
            out = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a socket the server already dropped
                }
            }
        }
    }
}
