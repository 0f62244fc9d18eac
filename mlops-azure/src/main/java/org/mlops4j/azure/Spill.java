package org.mlops4j.azure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.mlops4j.store.Digest;

/**
 * Bytes of unknown digest held until their digest is known, since a blob cannot be renamed: in memory up to a
 * threshold, beyond it in a temp file that is deleted on {@link #close()}. Read back by position, so its blocks upload
 * in parallel. Not thread-safe while written; {@link #read} may be called from many threads afterwards.
 */
final class Spill implements AutoCloseable {
    private final byte @Nullable [] memory;
    private final @Nullable Path file;
    private final @Nullable FileChannel channel;
    private final long size;
    private final Digest digest;

    private Spill(
            @Nullable byte[] memory, @Nullable Path file, @Nullable FileChannel channel, long size, Digest digest) {
        this.memory = memory;
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.digest = digest;
    }

    /**
     * Reads a stream to its end, hashing it.
     *
     * @param in the bytes
     * @param inMemory how many bytes stay in memory before the spill moves to a temp file
     * @param directory where temp files go
     * @return the spill, which the caller closes
     * @throws IOException if the stream or the temp file fails
     */
    static Spill of(InputStream in, int inMemory, Path directory) throws IOException {
        MessageDigest sha = Digest.newSha256();
        byte[] head = in.readNBytes(inMemory);
        sha.update(head);
        int next = in.read();
        if (next < 0) {
            return new Spill(head, null, null, head.length, Digest.ofHash(sha.digest()));
        }
        Path file = Files.createTempFile(directory, "mlops4j-azure-", ".spill");
        try {
            long size = head.length + 1L;
            sha.update((byte) next);
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(head);
                out.write(next);
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    size += n;
                }
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            return new Spill(null, file, channel, size, Digest.ofHash(sha.digest()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Returns the bytes' SHA-256. */
    Digest digest() {
        return digest;
    }

    /** Returns the number of bytes. */
    long size() {
        return size;
    }

    /**
     * Reads bytes at a position.
     *
     * @param position the first byte
     * @param length how many bytes; the spill holds them all
     * @return the bytes
     * @throws IOException if the temp file cannot be read
     */
    byte[] read(long position, int length) throws IOException {
        if (memory != null) {
            return Arrays.copyOfRange(memory, (int) position, (int) position + length);
        }
        return readFully(channel, position, length);
    }

    /** Reads {@code length} bytes of a file at a position, as positional reads that other threads may run alongside. */
    static byte[] readFully(@Nullable FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("the file ended " + buffer.remaining() + " bytes early; was it changed?");
            }
        }
        return buffer.array();
    }

    /** Returns the bytes in memory, or {@code null} when they were spilled to a file. */
    @Nullable
    byte[] memory() {
        return memory;
    }

    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temp file; the OS cleans up what is left
        }
    }

    @Override
    public String toString() {
        return "Spill{" + size + " bytes, " + (memory != null ? "in memory" : "in " + file) + "}";
    }
}
