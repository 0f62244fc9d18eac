package org.mlops4j.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Helpers for {@link ObjectStore#openContent(org.mlops4j.store.Digest, long, long)}: argument checks and a limit. */
final class ContentRange {
    private ContentRange() {}

    static void check(long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(
                    "a content range needs offset >= 0 and length >= 0, got offset " + offset + ", length " + length);
        }
    }

    /** A stream that ends after {@code length} bytes of {@code in}; closing it closes {@code in}. */
    static InputStream limit(InputStream in, long length) {
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) throws IOException {
                if (left <= 0) {
                    return count == 0 ? 0 : -1;
                }
                int n = super.read(buffer, offset, (int) Math.min(count, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(Math.min(n, left));
                left -= skipped;
                return skipped;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the caller is already failing with the first error
        }
    }
}
