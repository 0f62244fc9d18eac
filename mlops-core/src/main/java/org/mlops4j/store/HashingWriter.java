package org.mlops4j.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlops4j.common.MlopsException;
import org.mlops4j.internal.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a content into a new file while a second thread hashes the same bytes, so each byte is read once and what
 * is hashed is what was written.
 *
 * <p>Large contents from a file can be written with direct I/O ({@code O_DIRECT}), past the page cache: such a
 * content is written once and read rarely, so caching it would evict the application's working set for nothing, and
 * on virtual machines whose memory the host reclaims, filling gigabytes of fresh page cache costs several times the
 * copy itself (a 2 GiB file on a 2-core VM, by {@code dd}: 3.3 to 6.2 s buffered, 1.5 to 1.8 s direct; {@code
 * benchmarks/DATASETS.md}). The cost: on a disk slower than memory the write waits for the disk instead of for
 * writeback.
 */
final class HashingWriter {
    /** Bytes per buffer of the ordinary path; contents up to this size are hashed before anything is written. */
    static final int BUFFER_SIZE = 256 * 1024;
    /** Buffers per content write, so that reading and writing run ahead of hashing by up to three chunks. */
    private static final int RING_SIZE = 4;
    /**
     * Bytes per direct write: a direct write waits for the disk, so fewer, larger writes keep it busier (2 GiB in
     * 256 KiB writes took 1.5 times as long as in 1 MiB ones).
     */
    private static final int DIRECT_CHUNK_SIZE = 1024 * 1024;
    /** Direct buffers are aligned to this, which covers every filesystem block size up to it. */
    static final int MAX_DIRECT_ALIGNMENT = 64 * 1024;
    /** The hasher copies a direct buffer into a small array piece by piece, in the cache, before hashing it. */
    private static final int HASH_PIECE = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(HashingWriter.class);
    /** Direct writes at once per store; more do not wait, they go through the page cache. */
    private static final int DIRECT_WRITES = 2;
    /** Each thread's buffers: direct ones for channels, heap ones for streams. */
    private static final ThreadLocal<Chunk[]> DIRECT_RINGS = ThreadLocal.withInitial(() -> ring(Chunk::mirrored));

    private static final ThreadLocal<Chunk[]> HEAP_RINGS = ThreadLocal.withInitial(() -> ring(Chunk::onHeap));
    private static final ThreadLocal<byte[]> HASH_PIECES = ThreadLocal.withInitial(() -> new byte[HASH_PIECE]);

    private final ExecutorService hashers;
    private final boolean durable;
    /** Where direct writes are probed, and a new probe file's name there. */
    private final Path probeDirectory;

    private final Supplier<Path> probeFile;
    /** The filesystem's block size when direct writes work, 0 when not, -1 before the first large write asked. */
    private volatile int directAlignment = -1;

    private final long directMinBytes;
    /** Rings of aligned buffers (4 MiB each) for direct writes, at most {@link #DIRECT_WRITES}, made when needed. */
    private final BlockingQueue<Chunk[]> alignedRings = new ArrayBlockingQueue<>(DIRECT_WRITES);

    private final AtomicInteger alignedRingsMade = new AtomicInteger();

    /**
     * @param hashers runs the hashers; owned by the caller
     * @param durable fsync each file before returning
     * @param directMinBytes contents from a file of at least this many bytes are written directly, if the
     *     filesystem supports it; {@code Long.MAX_VALUE} for never
     * @param probeDirectory the directory of the temp files, where direct writes are probed once, when first needed
     * @param probeFile a new file name in it
     */
    HashingWriter(
            ExecutorService hashers,
            boolean durable,
            long directMinBytes,
            Path probeDirectory,
            Supplier<Path> probeFile) {
        this.hashers = hashers;
        this.durable = durable;
        this.directMinBytes = directMinBytes;
        this.probeDirectory = probeDirectory;
        this.probeFile = probeFile;
    }

    /**
     * Returns the size from which contents from a file are written directly, or empty if they never are; probes the
     * filesystem if it was not yet.
     */
    OptionalLong directWriteThreshold() {
        return directMinBytes != Long.MAX_VALUE && directAlignment() > 0
                ? OptionalLong.of(directMinBytes)
                : OptionalLong.empty();
    }

    /** The alignment direct writes need, or 0 if they do not work here; probed once, on first use. */
    private int directAlignment() {
        int alignment = directAlignment;
        if (alignment < 0) {
            synchronized (this) {
                alignment = directAlignment;
                if (alignment < 0) {
                    alignment = probeDirect(probeDirectory, probeFile.get());
                    directAlignment = alignment;
                }
            }
        }
        return alignment;
    }

    /** What was written: {@code fileWritten} is false when the content fit one buffer and was stored already. */
    record Written(Digest digest, long size, boolean fileWritten) {}

    /**
     * Tells whether files in {@code directory} can be written with direct I/O, by writing one block to {@code probe}
     * (deleted again).
     *
     * @return the alignment direct I/O needs there (the block size), or 0 if it cannot be used
     */
    private static int probeDirect(Path directory, Path probe) {
        try {
            long blockSize = Files.getFileStore(directory).getBlockSize();
            if (blockSize <= 0 || blockSize > MAX_DIRECT_ALIGNMENT || Long.bitCount(blockSize) != 1) {
                LOG.debug("no direct writes in {}: block size {}", Redaction.redact(directory), blockSize);
                return 0;
            }
            ByteBuffer block = ByteBuffer.allocateDirect(2 * (int) blockSize).alignedSlice((int) blockSize);
            block.limit((int) blockSize);
            try (FileChannel out = FileChannel.open(probe, directOptions())) {
                writeFully(out, block);
            }
            return (int) blockSize;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no direct writes in {}: {}", Redaction.redact(directory), Redaction.redact(e));
            return 0;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.debug("cannot delete the probe {}: {}", Redaction.redact(probe), Redaction.redact(e));
            }
        }
    }

    /**
     * Stores a stream's bytes in {@code temp}, unless they fit one buffer and {@code stored} says that a content of
     * this digest and size is stored already.
     */
    Written write(InputStream content, Path temp, BiPredicate<Digest, Long> stored) throws IOException {
        return write(buffer -> readInto(content, buffer), HEAP_RINGS.get(), temp, stored);
    }

    /**
     * Stores a channel's bytes in {@code temp} as {@link #write(InputStream, Path, BiPredicate)} does. Reads them into
     * direct buffers, so they cross no Java heap array on their way from a source file to the store's file; a large
     * rest of a file is written with direct I/O when that is on.
     */
    Written write(ReadableByteChannel content, Path temp, BiPredicate<Digest, Long> stored) throws IOException {
        if (content instanceof FileChannel file
                && file.size() - file.position() >= directMinBytes
                && directAlignment() > 0) {
            Chunk[] ring = takeAlignedRing();
            if (ring != null) {
                try {
                    FileChannel out = openDirect(temp);
                    if (out != null) {
                        MessageDigest sha = Digest.newSha256();
                        long size = writeWhileHashing(content::read, ring, false, out, directAlignment(), sha);
                        return new Written(Digest.ofHash(sha.digest()), size, true);
                    }
                } finally {
                    alignedRings.add(ring); // its helper threads are done with it: writeWhileHashing waited
                }
            }
        }
        return write(content::read, DIRECT_RINGS.get(), temp, stored);
    }

    /** Returns a free ring of aligned buffers, or null while {@link #DIRECT_WRITES} others are under way. */
    private Chunk @Nullable [] takeAlignedRing() {
        Chunk[] ring = alignedRings.poll();
        if (ring == null && alignedRingsMade.getAndUpdate(n -> Math.min(n + 1, DIRECT_WRITES)) < DIRECT_WRITES) {
            ring = ring(Chunk::aligned);
        }
        return ring;
    }

    /** Opens {@code temp} for direct writes, or returns null (and says why at debug level) if that fails. */
    private static @Nullable FileChannel openDirect(Path temp) throws IOException {
        try {
            return FileChannel.open(temp, directOptions());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug(
                    "writing {} through the page cache: direct I/O failed: {}",
                    Redaction.redact(temp),
                    Redaction.redact(e));
            Files.deleteIfExists(temp); // open(2) may have created it before refusing O_DIRECT
            return null;
        }
    }

    private static OpenOption[] directOptions() {
        return new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT};
    }

    /**
     * Content that fits one buffer is hashed before anything is written, so content the store already holds costs
     * no temp file; larger content goes through {@link #writeWhileHashing}.
     */
    private Written write(ChunkReader reader, Chunk[] ring, Path temp, BiPredicate<Digest, Long> stored)
            throws IOException {
        Chunk first = ring[0];
        boolean more = first.fill(reader);
        MessageDigest sha = Digest.newSha256();
        if (more) {
            FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            long size = writeWhileHashing(reader, ring, true, out, 0, sha);
            return new Written(Digest.ofHash(sha.digest()), size, true);
        }
        first.hashInto(sha);
        Digest digest = Digest.ofHash(sha.digest());
        long size = first.length;
        if (stored.test(digest, size)) {
            return new Written(digest, size, false);
        }
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(out, first.io);
            if (durable) {
                out.force(true);
            }
        }
        return new Written(digest, size, true);
    }

    /**
     * Writes the content into {@code out} while a hasher thread hashes each chunk already read: SHA-256 runs at
     * about the speed of the copy, so overlapping them nearly halves the time for large files. Closes {@code out}.
     * {@code ring[0]} holds the first chunk if {@code firstRead}, else it is read here. Chunk {@code j} uses
     * {@code ring[j % ring.length]}; the semaphore holds one permit per buffer that no thread uses, so a buffer is
     * refilled only after the hasher (and the writer, if any) are done with it. Always waits for them, because the
     * ring belongs to this thread and the next write reuses it.
     *
     * <p>With an {@code alignment} (direct I/O) a writer thread writes, since a direct write waits for the disk and
     * would otherwise hold up the reading: each chunk is padded with zeros to whole blocks, and the file is cut to
     * the content's size at the end. Without, this thread writes into the page cache itself.
     *
     * @return the number of bytes written
     */
    private long writeWhileHashing(
            ChunkReader reader, Chunk[] ring, boolean firstRead, FileChannel out, int alignment, MessageDigest sha)
            throws IOException {
        Semaphore free = new Semaphore(ring.length - 1);
        BlockingQueue<Chunk> toHash = new ArrayBlockingQueue<>(ring.length + 1); // every chunk, plus the end
        BlockingQueue<Chunk> toWrite = alignment > 0 ? new ArrayBlockingQueue<>(ring.length + 1) : null;
        int users = toWrite == null ? 1 : 2;
        long size = 0;
        try (out) {
            Future<?> hasher = start(toHash, free, chunk -> chunk.hashInto(sha));
            try {
                Future<?> writer = toWrite == null ? null : start(toWrite, free, chunk -> writeFully(out, chunk.io));
                try {
                    Chunk chunk = ring[0];
                    boolean more = firstRead ? chunk.length == chunk.io.capacity() : chunk.fill(reader);
                    for (int j = 1; ; j++) {
                        if (chunk.length > 0) {
                            size += chunk.length;
                            chunk.users.set(users);
                            toHash.add(chunk); // never full: at most ring.length chunks are out, plus the end
                            if (toWrite == null) {
                                writeFully(out, chunk.io);
                            } else {
                                chunk.padTo(alignment);
                                toWrite.add(chunk);
                            }
                        }
                        if (!more) {
                            break;
                        }
                        acquire(free, hasher, writer);
                        chunk = ring[j % ring.length];
                        more = chunk.fill(reader);
                    }
                } finally {
                    if (writer != null) {
                        toWrite.add(Chunk.END);
                        await(writer, "writing");
                    }
                }
                if (alignment > 0 && size % alignment != 0) {
                    out.truncate(size);
                }
                if (durable) {
                    out.force(true);
                }
            } finally {
                toHash.add(Chunk.END);
                await(hasher, "hashing");
            }
        }
        return size;
    }

    /** What the hasher or the writer does with a chunk. */
    @FunctionalInterface
    private interface ChunkTask {
        void accept(Chunk chunk) throws IOException;
    }

    /**
     * Starts a thread that does {@code task} to the chunks of {@code queue} in order until {@link Chunk#END}; the
     * last thread done with a chunk releases its buffer's permit.
     */
    private Future<?> start(BlockingQueue<Chunk> queue, Semaphore free, ChunkTask task) {
        return hashers.submit(() -> {
            for (Chunk chunk = queue.take(); chunk != Chunk.END; chunk = queue.take()) {
                task.accept(chunk);
                if (chunk.users.decrementAndGet() == 0) {
                    free.release();
                }
            }
            return null;
        });
    }

    /** Takes a free buffer's permit; fails if a helper thread ended early (it never does unless it failed). */
    private static void acquire(Semaphore free, Future<?> hasher, @Nullable Future<?> writer) throws IOException {
        try {
            while (!free.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (hasher.isDone() || (writer != null && writer.isDone())) {
                    await(hasher.isDone() ? hasher : writer, hasher.isDone() ? "hashing" : "writing");
                    throw new IllegalStateException("a helper thread ended before the content did");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while storing content");
        }
    }

    /**
     * Waits for a helper thread, even when interrupted: it still reads this thread's buffers until it ends. An
     * {@code IOException} of the writer is thrown as such.
     */
    private static void await(Future<?> helper, String what) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    helper.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new MlopsException(what + " content failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Reads into a buffer from its position, as a channel would. */
    @FunctionalInterface
    private interface ChunkReader {
        int read(ByteBuffer into) throws IOException;
    }

    /** Reads into a heap buffer's array directly (no intermediate copy). */
    private static int readInto(InputStream in, ByteBuffer buffer) throws IOException {
        int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        if (n > 0) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }

    private static Chunk[] ring(Supplier<Chunk> chunk) {
        Chunk[] ring = new Chunk[RING_SIZE];
        for (int i = 0; i < RING_SIZE; i++) {
            ring[i] = chunk.get();
        }
        return ring;
    }

    /**
     * One buffer of a content write: {@code io} is read into and written from; {@code hashed}, if any, holds the
     * same bytes for the hasher. A direct {@code io} of the ordinary path is copied into {@code hashed} in one bulk
     * copy by the reading thread, so that the hasher, the slower side, only hashes (the JDK would copy a direct
     * buffer into 4 KiB arrays for it); a heap {@code io} shares its array; an aligned one (direct I/O) has none, and
     * the hasher copies it piece by piece. Used by one write at a time: its thread, then the hasher.
     */
    private static final class Chunk {
        /** Ends the hasher's queue. */
        static final Chunk END = new Chunk(ByteBuffer.allocate(0), new byte[0]);

        final ByteBuffer io;
        final byte @Nullable [] hashed;
        /** The bytes read by the last {@link #fill}. */
        int length;
        /** The helper threads not yet done with these bytes. */
        final AtomicInteger users = new AtomicInteger();

        private Chunk(ByteBuffer io, byte @Nullable [] hashed) {
            this.io = io;
            this.hashed = hashed;
        }

        static Chunk onHeap() {
            byte[] array = new byte[BUFFER_SIZE];
            return new Chunk(ByteBuffer.wrap(array), array);
        }

        static Chunk mirrored() {
            return new Chunk(ByteBuffer.allocateDirect(BUFFER_SIZE), new byte[BUFFER_SIZE]);
        }

        static Chunk aligned() {
            ByteBuffer io = ByteBuffer.allocateDirect(DIRECT_CHUNK_SIZE + MAX_DIRECT_ALIGNMENT)
                    .alignedSlice(MAX_DIRECT_ALIGNMENT);
            return new Chunk(io.limit(DIRECT_CHUNK_SIZE).slice(), null);
        }

        /**
         * Fills the buffer, flips it for writing and mirrors it for hashing.
         *
         * @return true if it is full, so more may follow; false at the end of the content
         */
        boolean fill(ChunkReader reader) throws IOException {
            io.clear();
            boolean full = true;
            while (io.hasRemaining()) {
                if (reader.read(io) < 0) {
                    full = false;
                    break;
                }
            }
            io.flip();
            length = io.remaining();
            if (hashed != null && io.isDirect()) {
                io.get(0, hashed, 0, length);
            }
            return full;
        }

        /** Extends the buffer to a whole number of blocks, the bytes past the content zeroed. */
        void padTo(int alignment) {
            int end = (length + alignment - 1) / alignment * alignment;
            io.limit(end);
            for (int i = length; i < end; i++) {
                io.put(i, (byte) 0);
            }
        }

        /** Hashes the chunk's bytes; a direct buffer without a mirror is copied piece by piece, in the cache. */
        void hashInto(MessageDigest sha) {
            if (hashed != null) {
                sha.update(hashed, 0, length);
                return;
            }
            byte[] piece = HASH_PIECES.get();
            for (int done = 0; done < length; ) {
                int n = Math.min(piece.length, length - done);
                io.get(done, piece, 0, n);
                sha.update(piece, 0, n);
                done += n;
            }
        }
    }
}
