package org.mlops4j.serving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A connection beyond the limit: it writes a ready-made 503 at once, shuts its output, then reads and drops whatever
 * the client sends until the client closes or the linger bound passes. Reading before closing matters: closing a
 * socket with unread input makes TCP reset it, and the reset can overtake the 503 so that the client never sees why.
 */
final class RejectingConnection extends AbstractConnection {
    private final byte[] answer;
    private final Scheduler scheduler;
    private final Duration linger;
    private final ByteBuffer sink = BufferUtil.allocate(1024);

    RejectingConnection(EndPoint endPoint, Executor executor, Scheduler scheduler, byte[] answer, Duration linger) {
        super(endPoint, executor);
        this.answer = answer;
        this.scheduler = scheduler;
        this.linger = linger;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        Scheduler.Task unused = scheduler.schedule(this::close, linger);
        getEndPoint()
                .write(
                        Callback.from(
                                () -> {
                                    getEndPoint().shutdownOutput();
                                    fillInterested();
                                },
                                failure -> close()),
                        ByteBuffer.wrap(answer));
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                BufferUtil.clear(sink);
                int read = getEndPoint().fill(sink);
                if (read < 0) {
                    close();
                    return;
                }
                if (read == 0) {
                    fillInterested();
                    return;
                }
            }
        } catch (IOException e) {
            close();
        }
    }
}
