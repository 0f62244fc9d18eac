package org.mlops4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.mlops4j.common.ProgressListener;

/**
 * A progress bar on stderr for a terminal, redrawn in place at most every 100 ms; {@link #NONE} when the output is a
 * pipe or JSON, so that logs and parsers never see carriage returns.
 */
class Progress implements ProgressListener, AutoCloseable {
    /** Reports nothing. */
    static final Progress NONE = new Progress();

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;
    /** ANSI "erase to end of line": a shorter line leaves nothing of the longer one before it. */
    private static final String CLEAR_TO_END_OF_LINE = "\u001b[K";

    Progress() {}

    static Progress bar(PrintStream err, String operation) {
        return new Bar(err, operation);
    }

    @Override
    public void onProgress(ProgressEvent event) {}

    /** Ends the bar's line. */
    @Override
    public void close() {}

    private static final class Bar extends Progress {
        private final PrintStream err;
        private final String operation;
        private long lastDraw;
        private boolean drawn;

        Bar(PrintStream err, String operation) {
            this.err = err;
            this.operation = operation;
        }

        @Override
        public synchronized void onProgress(ProgressEvent event) {
            long now = System.nanoTime();
            if (drawn && now - lastDraw < REDRAW_NANOS && event.filesDone() != event.filesTotal()) {
                return;
            }
            lastDraw = now;
            drawn = true;
            err.print("\r" + line(operation, event) + CLEAR_TO_END_OF_LINE);
            err.flush();
        }

        @Override
        public synchronized void close() {
            if (drawn) {
                err.println();
            }
        }
    }

    /** One line of the bar: {@code snapshot churn [#######       ]  50% 5/10 files 1.2 MB}. */
    static String line(String operation, ProgressEvent event) {
        long total = event.bytesTotal() > 0 ? event.bytesTotal() : event.filesTotal();
        long done = event.bytesTotal() > 0 ? event.bytesDone() : event.filesDone();
        StringBuilder line = new StringBuilder(operation).append(" [");
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            line.append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
            line.append(String.format(Locale.ROOT, "%3d%%", (int) Math.min(100, 100 * done / total)));
        } else {
            line.append(" ".repeat(WIDTH)).append("]  ...");
        }
        line.append(' ').append(event.filesDone());
        if (event.filesTotal() >= 0) {
            line.append('/').append(event.filesTotal());
        }
        return line.append(" files ").append(Text.bytes(event.bytesDone())).toString();
    }
}
