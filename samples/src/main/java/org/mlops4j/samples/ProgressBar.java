package org.mlops4j.samples;

import java.io.PrintStream;
import org.mlops4j.common.ProgressListener;

/** A one-line text progress bar for the terminal; prints at most every 5% so logs stay short. */
final class ProgressBar implements ProgressListener {
    private final PrintStream out;
    private final String label;
    private int lastPercent = -5;

    ProgressBar(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public synchronized void onProgress(ProgressEvent event) {
        if (event.bytesTotal() <= 0) {
            return;
        }
        int percent = (int) (100 * event.bytesDone() / event.bytesTotal());
        if (percent < lastPercent + 5 && percent < 100) {
            return;
        }
        lastPercent = percent;
        int filled = percent / 5;
        out.printf(
                "%s [%s%s] %3d%% %d/%d files%n",
                label, "#".repeat(filled), ".".repeat(20 - filled), percent, event.filesDone(), event.filesTotal());
    }
}
