package org.mlops4j.data.profile;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Passes characters through while counting physical lines (LF, CRLF or a lone CR end a line) and remembering how many
 * quote characters end the text once trailing line breaks are set aside: enough to tell, at the end, whether the
 * last field was a quoted field left open, which FastCSV accepts silently.
 */
final class TrackingReader extends FilterReader {
    private long lineBreaks;
    private boolean previousWasCr;
    private long trailingQuotes;
    private boolean endsWithLineBreak;

    TrackingReader(Reader in) {
        super(in);
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            track(buf, off, n);
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            track(new char[] {(char) c}, 0, 1);
        }
        return c;
    }

    /** Returns the number of line breaks read so far: the current line is this plus one. */
    long lineBreaks() {
        return lineBreaks;
    }

    /** Returns how many quote characters end the text read, not counting trailing line breaks. */
    long trailingQuotes() {
        return trailingQuotes;
    }

    private void track(char[] buf, int off, int n) {
        int end = off + n;
        long breaks = lineBreaks;
        boolean cr = previousWasCr;
        for (int i = off; i < end; i++) {
            char c = buf[i];
            if (c == '\n') {
                if (!cr) {
                    breaks++;
                }
                cr = false;
            } else if (c == '\r') {
                breaks++;
                cr = true;
            } else {
                cr = false;
            }
        }
        lineBreaks = breaks;
        previousWasCr = cr;

        int i = end - 1;
        while (i >= off && (buf[i] == '\n' || buf[i] == '\r')) {
            i--;
        }
        if (i < off) {
            endsWithLineBreak = true;
            return;
        }
        boolean chunkEndsWithBreak = i < end - 1;
        int run = 0;
        while (i >= off && buf[i] == '"') {
            run++;
            i--;
        }
        trailingQuotes = i < off && !endsWithLineBreak ? trailingQuotes + run : run;
        endsWithLineBreak = chunkEndsWithBreak;
    }
}
