package org.mlops4j.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.StoreKey;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link LocalObjectStore#putContent} and {@link LocalObjectStore#createIfAbsent} for small objects, each side by
 * side with a <em>floor</em>: the fewest plain {@code java.nio.file} calls that give the same guarantee, so that the
 * ratio store / floor is the price of the store itself, not of the disk.
 *
 * <h2>What each benchmark does per operation</h2>
 *
 * <ul>
 *   <li>{@code putContent_store}: {@code store.putContent(stream)} of {@code size} fresh bytes (never seen before,
 *       so every call stores). The store hashes with SHA-256 while writing a temp file, stats the target (dedup and
 *       repair check), renames the temp file to {@code objects/sha256/ab/<hex>} and makes sure the temp is gone.
 *   <li>{@code putContent_floor}: write a temp file ({@code CREATE_NEW}), rename it ({@code ATOMIC_MOVE}) into a
 *       2-hex-digit shard directory under a name the caller already knows (a counter). Write-then-rename is the
 *       minimum for "never visible half-written"; it does not hash, so the gap to the store includes SHA-256.
 *   <li>{@code putContent_floorHashed}: the same plus SHA-256 of the bytes (one reused {@link MessageDigest}) and
 *       naming the file by its hex digest, sharded by its first two digits as the store does. This is the fair
 *       floor of content addressing; the ratio against it is the store's own overhead.
 *   <li>{@code createIfAbsent_store}: {@code store.createIfAbsent(key, bytes)} under a fresh key.
 *   <li>{@code createIfAbsent_floor}: write a temp file, {@code Files.createLink(target, temp)} (a hard link fails
 *       if the name exists, so nothing is ever replaced or seen half-written), delete the temp. That is exactly the
 *       mechanism the guarantee needs: {@code CREATE_NEW} on the target itself would be atomic but would expose a
 *       half-written record, and a rename would replace an existing one.
 * </ul>
 *
 * <p>Store and floors use the same layout: temp files in one directory, targets spread over 256 shard directories
 * (created lazily, once per trial, during warm-up), the same key strings and the same bytes. Nothing is fsynced (the
 * store's default mode; the durable mode costs about one disk flush per write, which would swamp everything else).
 *
 * <h2>Why single-shot batches, and why nothing is deleted while measuring</h2>
 *
 * <p>Each fork writes into a fresh directory on the real disk (under {@code -Dbench.dir}, default
 * {@code java.io.tmpdir}/mlops4j-bench). An iteration is a fixed batch of operations, so every fork writes a bounded
 * number of files (22,000 of 4 KiB; the shard directories hold a few hundred each), whatever the speed of the
 * disk. At the end of a fork its directory is renamed into {@code trash/}, not deleted: on ext4 without a journal
 * (as on our development VMs) creating a file scans past every inode deleted in the last one to six minutes
 * ({@code recently_deleted()} in {@code ialloc.c}), so mass deletion between forks made every later create cost
 * ~0.7 ms instead of ~30 µs. {@code scripts/bench-store} empties the trash after the run. The score of one
 * iteration is the time of the whole batch; {@code scripts/bench-report} divides it by the batch size.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, batchSize = ObjectStoreBenchmark.WARMUP_BATCH)
@Measurement(iterations = 20, batchSize = ObjectStoreBenchmark.BATCH)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class ObjectStoreBenchmark {
    /** Operations per measured iteration. */
    static final int BATCH = 500;
    /** Operations per warm-up iteration: 3 of them let C2 compile the store's and the floors' paths. */
    static final int WARMUP_BATCH = 4000;

    private static final HexFormat HEX = HexFormat.of();
    private static final String[] SHARDS = new String[256];

    static {
        for (int i = 0; i < SHARDS.length; i++) {
            SHARDS[i] = HEX.toHexDigits((byte) i);
        }
    }

    /** The size of each object, in bytes. */
    @Param("4096")
    public int size;

    private byte[] bytes = new byte[0];
    private long counter;
    private long pairCalls;
    private Path trialDir = Path.of("unset");
    private LocalObjectStore store;
    private Path floorTemp = Path.of("unset");
    private Path floorRoot = Path.of("unset");
    private final boolean[] floorShards = new boolean[256];
    private MessageDigest sha = newSha256();
    private String floorTempPrefix = "";

    /** Fills the bytes once; each operation then makes them distinct by writing its counter into bytes 1 to 8. */
    @Setup(Level.Trial)
    public void setUpBytes() {
        bytes = new byte[size];
        new SplittableRandom(42).nextBytes(bytes);
        bytes[size - 1] = '\n'; // never the store's pointer header: that starts with a NUL byte
        bytes[0] = '{';
        sha = newSha256();
        floorTempPrefix = ProcessHandle.current().pid() + "-floor-";
    }

    /** A fresh directory per fork: the store opened on one half, the floor writing into the other. */
    @Setup(Level.Trial)
    public void setUpDirectories() throws IOException {
        Path base = baseDir();
        Files.createDirectories(base);
        trialDir = Files.createTempDirectory(base, "run-");
        store = LocalObjectStore.open(trialDir.resolve("store"));
        floorRoot = trialDir.resolve("floor");
        floorTemp = floorRoot.resolve("tmp");
        Files.createDirectories(floorTemp);
        Arrays.fill(floorShards, false);
    }

    /**
     * Closes the store and renames the fork's directory into {@code trash/} (not measured). Deleting here would slow
     * the next fork's creates; see the class comment.
     */
    @TearDown(Level.Trial)
    public void tearDownDirectories() throws IOException {
        store.close();
        Path trash = baseDir().resolve("trash");
        Files.createDirectories(trash);
        Files.move(trialDir, trash.resolve(trialDir.getFileName()));
    }

    static Path baseDir() {
        String dir = System.getProperty("bench.dir");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("java.io.tmpdir"), "mlops4j-bench");
    }

    // --- putContent ----------------------------------------------------------------------------------------------

    /** The store: hash, temp file, stat, rename. */
    @Benchmark
    public ContentInfo putContent_store() {
        nextBytes();
        return store.putContent(new ByteArrayInputStream(bytes));
    }

    /** Floor without hashing: temp file + atomic rename to a name the caller knows. */
    @Benchmark
    public Path putContent_floor() throws IOException {
        long n = nextBytes();
        Path temp = floorTemp.resolve(floorTempPrefix + n + ".tmp");
        Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Path target = floorTarget("objects", (int) n & 0xff, Long.toString(n));
        return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Floor of content addressing: SHA-256 + temp file + atomic rename to {@code objects/ab/<hex>}. */
    @Benchmark
    public Path putContent_floorHashed() throws IOException {
        long n = nextBytes();
        byte[] hash = sha.digest(bytes);
        Path temp = floorTemp.resolve(floorTempPrefix + n + ".tmp");
        Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Path target = floorTarget("objects", hash[0] & 0xff, HEX.formatHex(hash));
        return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    // --- createIfAbsent ------------------------------------------------------------------------------------------

    /** The store: validated key, temp file, hard link, temp deleted. */
    @Benchmark
    public boolean createIfAbsent_store() {
        long n = nextBytes();
        return store.createIfAbsent(StoreKey.of(recordKey(n)), bytes);
    }

    /** Floor: temp file + {@code link()} (fails rather than replace) + delete the temp. */
    @Benchmark
    public Path createIfAbsent_floor() throws IOException {
        long n = nextBytes();
        Path temp = floorTemp.resolve(floorTempPrefix + n + ".tmp");
        Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Path target = floorTarget("records", (int) n & 0xff, Long.toString(n) + ".json");
        Path linked = Files.createLink(target, temp);
        Files.delete(temp);
        return linked;
    }

    // --- paired: store and floor interleaved, operation by operation -------------------------------------------------

    /**
     * Time spent in each side of {@link #putContent_paired}, per iteration; JMH reports the sums as secondary metrics.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PutContentTimes {
        /** Nanoseconds in {@code putContent_store}. */
        public long putStoreNanos;
        /** Nanoseconds in {@code putContent_floor}. */
        public long putFloorNanos;
        /** Nanoseconds in {@code putContent_floorHashed}. */
        public long putFloorHashedNanos;

        /** JMH sums the counters per iteration: start each from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            putStoreNanos = 0;
            putFloorNanos = 0;
            putFloorHashedNanos = 0;
        }
    }

    /** Time spent in each side of {@link #createIfAbsent_paired}, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CreateTimes {
        /** Nanoseconds in {@code createIfAbsent_store}. */
        public long createStoreNanos;
        /** Nanoseconds in {@code createIfAbsent_floor}. */
        public long createFloorNanos;

        /** JMH sums the counters per iteration: start each from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            createStoreNanos = 0;
            createFloorNanos = 0;
        }
    }

    /**
     * One {@code putContent_store}, one {@code putContent_floor} and one {@code putContent_floorHashed}, in a rotating
     * order, each timed: on a shared machine whose speed drifts by 2x from minute to minute, the ratio of two sums
     * taken over the same second is far steadier than the ratio of two benchmarks run minutes apart. The extra
     * {@code nanoTime} calls cost about 50 ns per operation.
     */
    @Benchmark
    public void putContent_paired(PutContentTimes times, Blackhole blackhole) throws IOException {
        int turn = (int) (pairCalls++ % 3);
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            switch ((turn + i) % 3) {
                case 0 -> {
                    blackhole.consume(putContent_store());
                    times.putStoreNanos += System.nanoTime() - start;
                }
                case 1 -> {
                    blackhole.consume(putContent_floor());
                    times.putFloorNanos += System.nanoTime() - start;
                }
                default -> {
                    blackhole.consume(putContent_floorHashed());
                    times.putFloorHashedNanos += System.nanoTime() - start;
                }
            }
        }
    }

    /** One {@code createIfAbsent_store} and one {@code createIfAbsent_floor}, alternating which goes first. */
    @Benchmark
    public void createIfAbsent_paired(CreateTimes times, Blackhole blackhole) throws IOException {
        boolean storeFirst = (pairCalls++ & 1) == 0;
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            if (storeFirst == (i == 0)) {
                blackhole.consume(createIfAbsent_store());
                times.createStoreNanos += System.nanoTime() - start;
            } else {
                blackhole.consume(createIfAbsent_floor());
                times.createFloorNanos += System.nanoTime() - start;
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** Makes the bytes distinct from every earlier operation's; returns the operation's number. */
    private long nextBytes() {
        long n = ++counter;
        for (int i = 1; i <= 8; i++) {
            bytes[i] = (byte) (n >>> (8 * (i - 1)));
        }
        return n;
    }

    /** The record key of operation {@code n}: spread over 256 shard directories, as content keys are. */
    static String recordKey(long n) {
        return "records/" + SHARDS[(int) n & 0xff] + "/" + n + ".json";
    }

    private Path floorTarget(String area, int shard, String name) throws IOException {
        Path dir = floorRoot.resolve(area).resolve(SHARDS[shard]);
        if (!floorShards[shard]) {
            Files.createDirectories(dir);
            floorShards[shard] = true;
        }
        return dir.resolve(name);
    }

    /** The directory of the current fork (for the smoke test). */
    Path trialDir() {
        return trialDir;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
