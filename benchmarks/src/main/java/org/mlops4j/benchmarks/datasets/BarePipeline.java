package org.mlops4j.benchmarks.datasets;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The job of snapshotting one large file with nothing around it: the file is read once into a ring of aligned direct
 * buffers, one thread hashes each chunk with SHA-256 and another writes it with direct I/O, as the store's direct
 * path does, but without the lake (no open, no records, no stat cache). The dataset benchmark times it beside
 * {@code openssl dgst} and the library, so that its figures show how far the library is from the bare job, and how
 * far the job itself is from hashing alone.
 *
 * <pre>
 * java -cp … org.mlops4j.benchmarks.datasets.BarePipeline SOURCE TARGET
 * </pre>
 *
 * <p>Writes {@code TARGET} (which must not exist; through the page cache where the filesystem refuses direct I/O, as
 * the store does, and then {@code "direct": false}) and prints one JSON line: {@code seconds} from opening the source to
 * the closed target, the CPU seconds of the reading, hashing and writing threads, and the SHA-256 in hex.
 */
public final class BarePipeline {
    private static final int CHUNK = 1024 * 1024;
    private static final int RING = 4;
    private static final int HASH_PIECE = 64 * 1024;
    /** Ends a queue. */
    private static final int END = -1;

    private BarePipeline() {}

    /**
     * Runs it.
     *
     * @param args the source file and the target file
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BarePipeline SOURCE TARGET");
            System.exit(2);
        }
        System.out.println(run(Path.of(args[0]), Path.of(args[1])));
    }

    static String run(Path source, Path targetFile) throws IOException, InterruptedException, NoSuchAlgorithmException {
        long blockSize;
        try {
            blockSize =
                    Files.getFileStore(targetFile.toAbsolutePath().getParent()).getBlockSize();
        } catch (UnsupportedOperationException e) {
            blockSize = 4096;
        }
        int alignment =
                blockSize >= 512 && blockSize <= 65536 && Long.bitCount(blockSize) == 1 ? (int) blockSize : 4096;
        ByteBuffer[] ring = new ByteBuffer[RING];
        int[] lengths = new int[RING];
        AtomicInteger[] users = new AtomicInteger[RING];
        for (int i = 0; i < RING; i++) {
            ring[i] = ByteBuffer.allocateDirect(CHUNK + alignment)
                    .alignedSlice(alignment)
                    .limit(CHUNK)
                    .slice();
            users[i] = new AtomicInteger();
        }
        Semaphore free = new Semaphore(RING);
        BlockingQueue<Integer> toHash = new ArrayBlockingQueue<>(RING + 1);
        BlockingQueue<Integer> toWrite = new ArrayBlockingQueue<>(RING + 1);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ExecutorService helpers = Executors.newFixedThreadPool(2);
        long start = System.nanoTime();
        boolean direct = true;
        FileChannel target;
        try {
            target = FileChannel.open(
                    targetFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            // as the store does where the filesystem refuses direct I/O (tmpfs): through the page cache
            Files.deleteIfExists(targetFile);
            direct = false;
            target = FileChannel.open(targetFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = target) {
            Future<Long> hasher = helpers.submit(() -> {
                byte[] piece = new byte[HASH_PIECE];
                for (int i = toHash.take(); i != END; i = toHash.take()) {
                    for (int done = 0; done < lengths[i]; done += HASH_PIECE) {
                        int n = Math.min(HASH_PIECE, lengths[i] - done);
                        ring[i].get(done, piece, 0, n);
                        sha.update(piece, 0, n);
                    }
                    release(users[i], free);
                }
                return threads.getCurrentThreadCpuTime();
            });
            Future<Long> writer = helpers.submit(() -> {
                for (int i = toWrite.take(); i != END; i = toWrite.take()) {
                    ByteBuffer chunk = ring[i].duplicate().position(0);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    release(users[i], free);
                }
                return threads.getCurrentThreadCpuTime();
            });
            long size = 0;
            for (int j = 0; ; j++) {
                acquire(free, hasher, writer);
                int i = j % RING;
                ByteBuffer chunk = ring[i].clear();
                while (chunk.hasRemaining() && in.read(chunk) >= 0) {
                    // a read may return fewer bytes than asked
                }
                int length = chunk.position();
                if (length == 0) {
                    break;
                }
                int padded = (length + alignment - 1) / alignment * alignment; // direct writes take whole blocks
                for (int k = length; k < padded; k++) {
                    chunk.put(k, (byte) 0);
                }
                chunk.position(0).limit(padded);
                lengths[i] = length;
                users[i].set(2);
                toHash.put(i);
                toWrite.put(i);
                size += length;
                if (length < CHUNK) {
                    break;
                }
            }
            long readCpu = threads.getCurrentThreadCpuTime();
            toHash.put(END);
            toWrite.put(END);
            long hashCpu = hasher.get();
            long writeCpu = writer.get();
            out.truncate(size);
            out.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(
                    Locale.ROOT,
                    "{\"tool\":\"bare\",\"direct\":%b,\"seconds\":%.6f,\"bytes\":%d,\"readCpuSeconds\":%.3f,\"hashCpuSeconds\":%.3f,"
                            + "\"writeCpuSeconds\":%.3f,\"sha256\":\"%s\"}",
                    direct,
                    seconds,
                    size,
                    readCpu / 1e9,
                    hashCpu / 1e9,
                    writeCpu / 1e9,
                    HexFormat.of().formatHex(sha.digest()));
        } catch (ExecutionException e) {
            throw new IOException("a helper thread failed: " + e.getCause(), e.getCause());
        } finally {
            helpers.shutdownNow();
        }
    }

    /** Waits for a free buffer; throws the failure of a helper thread that ended, which would never free one. */
    private static void acquire(Semaphore free, Future<Long> hasher, Future<Long> writer)
            throws InterruptedException, ExecutionException {
        while (!free.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            for (Future<Long> helper : List.of(hasher, writer)) {
                if (helper.isDone()) {
                    long unused = helper.get();
                    throw new IllegalStateException("a helper thread ended before the file did");
                }
            }
        }
    }

    /** The last of the hasher and the writer to finish with a buffer hands it back to the reader. */
    private static void release(AtomicInteger users, Semaphore free) {
        if (users.decrementAndGet() == 0) {
            free.release();
        }
    }
}
