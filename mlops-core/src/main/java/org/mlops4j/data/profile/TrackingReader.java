package org.mlops4j.data.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Decodes strict UTF-8 while counting physical lines (LF, CRLF or a lone CR end a line) and quote characters.
 * Unlike {@link java.io.InputStreamReader}, it hands out every character before a malformed byte sequence, so that the
 * line of the bad bytes is known; then it throws {@link java.nio.charset.MalformedInputException}. Not thread-safe.
 */
final class TrackingReader extends Reader {
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private boolean eof;
    private boolean flushed;
    private @Nullable CoderResult error;
    private long lineBreaks;
    private boolean previousWasCr;
    private long quotes;

    TrackingReader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        CoderResult pending = error;
        if (pending != null) {
            pending.throwException();
        }
        CharBuffer out = CharBuffer.wrap(buf, off, len);
        while (out.position() == off) {
            CoderResult result = decoder.decode(bytes, out, eof);
            if (result.isError()) {
                error = result;
                if (out.position() == off) {
                    result.throwException();
                }
                break;
            }
            if (out.position() > off || result.isOverflow()) {
                break;
            }
            if (eof) {
                if (!flushed) {
                    decoder.flush(out);
                    flushed = true;
                }
                if (out.position() == off) {
                    return -1;
                }
                break;
            }
            bytes.compact();
            int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }
        int n = out.position() - off;
        track(buf, off, n);
        return n;
    }

    @Override
    public void close() {
        // the caller owns the stream
    }

    /** Returns the number of line breaks read so far: the current line is this plus one. */
    long lineBreaks() {
        return lineBreaks;
    }

    /** Returns the number of quote characters read so far. */
    long quotes() {
        return quotes;
    }

    private void track(char[] buf, int off, int n) {
        int end = off + n;
        long breaks = lineBreaks;
        long q = quotes;
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
                if (c == '"') {
                    q++;
                }
                cr = false;
            }
        }
        lineBreaks = breaks;
        quotes = q;
        previousWasCr = cr;
    }
}
