package org.mlops4j.data;

import java.security.MessageDigest;
import org.mlops4j.store.Digest;

/**
 * A byte buffer and a SHA-256 digest per thread, reused from file to file by snapshots and checkouts: a new 128 KiB
 * buffer and a new digest per file made a checkout of 100,000 small files allocate about 15 GB (issue 19). A buffer
 * grows to the largest file its thread has read, up to {@link #MAX_BYTES}; callers never hold it across a call that
 * could use it too.
 */
final class ThreadBuffers {
    /** The largest buffer kept per thread; larger contents are read in pieces of this size. */
    static final int MAX_BYTES = 128 * 1024;

    private static final int MIN_BYTES = 8 * 1024;

    private static final ThreadLocal<byte[][]> BUFFER = ThreadLocal.withInitial(() -> new byte[1][]);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digest::newSha256);

    private ThreadBuffers() {}

    /** This thread's buffer, at least {@code min(size, MAX_BYTES)} bytes long. */
    static byte[] bytes(long size) {
        int wanted = (int) Math.min(Math.max(size, MIN_BYTES), MAX_BYTES);
        byte[][] holder = BUFFER.get();
        byte[] buffer = holder[0];
        if (buffer == null || buffer.length < wanted) {
            buffer = new byte[wanted];
            holder[0] = buffer;
        }
        return buffer;
    }

    /** This thread's SHA-256 digest, reset. */
    static MessageDigest sha256() {
        MessageDigest sha = SHA256.get();
        sha.reset(); // a read that failed half-way may have left bytes in it
        return sha;
    }
}
