package org.mlops4j.store.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.Supplier;
import org.mlops4j.common.IntegrityException;
import org.mlops4j.store.Digest;

/**
 * Hashes what is read and throws {@link IntegrityException} at the end of the stream, or on close after the last
 * byte was read, when the bytes do not match the expected digest and size, and as soon as more bytes arrive than
 * expected. A stream closed before its end is not checked: only the bytes that were read could be wrong, and the check
 * needs all of them. Used for contents read from the lake and for artifacts read back from a registry server. Not API.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    /** Names the bytes in the message; computed only when they are damaged. */
    private final Supplier<String> what;
    /** Told before the exception is thrown: the bytes' source can stop handing out this copy. */
    private final Runnable onDamaged;
    /** What the reader should do about damaged bytes, ending the message. */
    private final String advice;

    private final MessageDigest sha = Digest.newSha256();
    private long size;
    private boolean checked;

    /**
     * Checks bytes of the lake.
     *
     * @param in the bytes
     * @param expected their digest
     * @param expectedSize their size
     * @param what names them in the message
     */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
        this(in, expected, expectedSize, () -> what, () -> {}, LAKE_ADVICE);
    }

    /**
     * Checks bytes, telling their source when they are damaged.
     *
     * @param in the bytes
     * @param expected their digest
     * @param expectedSize their size
     * @param what names them in the message; called only when they are damaged
     * @param onDamaged told before the exception is thrown
     * @param advice what to do about damaged bytes, ending the message
     */
    public VerifyingInputStream(
            InputStream in,
            Digest expected,
            long expectedSize,
            Supplier<String> what,
            Runnable onDamaged,
            String advice) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.onDamaged = onDamaged;
        this.advice = advice;
    }

    /** The advice for bytes of the lake. */
    public static final String LAKE_ADVICE = "do not use these bytes, restore the lake";

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            sha.update((byte) b);
            size++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            check();
        } else {
            sha.update(buffer, offset, n);
            size += n;
            if (size > expectedSize) {
                check(); // more bytes than recorded: damaged whatever follows, and the rest need not be hashed
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        try {
            if (!checked && size >= expectedSize && super.read() < 0) {
                check();
            }
        } finally {
            super.close();
        }
    }

    private void check() {
        if (checked) {
            return;
        }
        checked = true;
        Digest actual = Digest.ofHash(sha.digest());
        if (size != expectedSize || !actual.equals(expected)) {
            onDamaged.run();
            throw new IntegrityException(what.get() + " is damaged: expected " + expected + " (" + expectedSize
                    + " bytes), read " + actual + " (" + size + " bytes); " + advice);
        }
    }
}
