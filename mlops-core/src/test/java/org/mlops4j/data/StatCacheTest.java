package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.ManualClock;
import org.mlops4j.Mlops;
import org.mlops4j.common.Page;
import org.mlops4j.store.ContentInfo;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.ObjectTag;
import org.mlops4j.store.StoreCapabilities;
import org.mlops4j.store.StoreKey;
import org.mlops4j.store.StoredObject;

/**
 * The stat cache, with injected timestamps: the clock that stamps the cache is a test clock, and file times are set
 * with {@link Files#setLastModifiedTime}; nothing sleeps or races. The snapshotter reports every file it hashes (a
 * file that was not a cache hit), which tells cache hits from re-hashes; a counting store counts the trees.
 *
 * <p>ctime cannot be set; where it matters the clock is put an hour ahead of the real time, so that the files' ctimes
 * (now) are safely older than the cache's timestamp.
 */
class StatCacheTest {
    private static final long GRANULARITY_NANOS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(1)));
    private LocalObjectStore lake;
    private CountingStore store;
    private final List<Digest> hashed = Collections.synchronizedList(new ArrayList<>());
    private Mlops mlops;
    private Datasets datasets;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = LocalObjectStore.open(temp.resolve("lake"));
        store = new CountingStore(lake);
        mlops = Mlops.builder()
                .objectStore(store)
                .cacheDirectory(temp.resolve("cache"))
                .clock(clock)
                .build();
        datasets = mlops.datasets();
        datasets.contentTrees().observeHashing(hashed::add);
        source = Files.createDirectories(temp.resolve("source"));
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldRememberEveryRecordedEntryAcrossSaveAndLoad() {
        qt().withExamples(40)
                .forAll(integers().between(0, 3_000), integers().between(1, 400), longs().all())
                .checkAssert((count, maxPathLength, seed) -> {
                    Random random = new Random(seed);
                    Path file = temp.resolve("roundtrip-" + seed + ".cache");
                    long timestamp = TimeUnit.DAYS.toNanos(20_000);
                    StatCache fresh = StatCache.load(file, GRANULARITY_NANOS);
                    List<String> paths = new ArrayList<>();
                    List<StatCache.FileStat> stats = new ArrayList<>();
                    List<Digest> digests = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        // entries of many lengths, some non-ASCII, so that they straddle the recorder's chunks
                        String path = i + "/" + "\u00e9x".repeat(random.nextInt(maxPathLength) / 2);
                        StatCache.FileStat stat = new StatCache.FileStat(
                                random.nextLong(),
                                random.nextLong(),
                                random.nextInt(1 << 30),
                                timestamp - TimeUnit.HOURS.toNanos(1) - random.nextInt(1 << 30),
                                timestamp - TimeUnit.HOURS.toNanos(1),
                                random.nextBoolean());
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        fresh.record(path, stat, Digest.ofHash(hash));
                        paths.add(path);
                        stats.add(stat);
                        digests.add(Digest.ofHash(hash));
                    }
                    try {
                        fresh.save(file, timestamp);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }

                    StatCache loaded = StatCache.load(file, GRANULARITY_NANOS);
                    for (int i = 0; i < count; i++) {
                        assertThat(loaded.lookupAndRecord(paths.get(i), stats.get(i)))
                                .isEqualTo(digests.get(i));
                        StatCache.FileStat touched = new StatCache.FileStat(
                                stats.get(i).device(),
                                stats.get(i).inode(),
                                stats.get(i).size(),
                                stats.get(i).mtimeNanos() + 1,
                                stats.get(i).ctimeNanos(),
                                stats.get(i).executable());
                        assertThat(loaded.lookupAndRecord(paths.get(i), touched))
                                .isNull();
                    }
                    assertThat(loaded.hits()).isEqualTo(count);
                });
    }

    @Test
    void shouldHashNothingWhenNothingChangedAndEntriesAreSafelyOld() throws IOException {
        write("a.txt", "a", clock.instant().minus(Duration.ofHours(2)));
        write("sub/b.txt", "bb", clock.instant().minus(Duration.ofHours(2)));
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        assertThat(takeHashed()).hasSize(2);

        DatasetVersion again = datasets.snapshot("d").directory(source).commit();

        assertThat(again).isEqualTo(v1);
        assertThat(takeHashed()).isEmpty();
    }

    @Test
    void shouldDetectASameSizeRewriteWhenTheMtimeIsRestoredAsCpPDoes() throws IOException {
        Instant mtime = clock.instant().minus(Duration.ofHours(2));
        Path file = write("data.bin", "aaaa", mtime);
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(takeHashed()).hasSize(1); // the first snapshot only: the second one hit the cache
        StatCache.FileStat before = statOf(file);

        Files.write(file, bytes("bbbb"), StandardOpenOption.TRUNCATE_EXISTING); // in place, as cp -p does
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        StatCache.FileStat after = statOf(file);
        assertThat(after.inode()).isEqualTo(before.inode());
        assertThat(after.size()).isEqualTo(before.size());
        assertThat(after.mtimeNanos()).isEqualTo(before.mtimeNanos());
        assertThat(after.ctimeNanos())
                .as("ctime moves on a rewrite (two snapshots ran in between)")
                .isNotEqualTo(before.ctimeNanos());
        assertThat(after.ctimeNanos()).isLessThan(nanosOf(clock.instant()) - GRANULARITY_NANOS);

        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        assertThat(takeHashed()).containsExactly(Digest.of(bytes("bbbb")));
        assertThat(v2.getNumber()).isEqualTo(2);
        assertThat(datasets.diff(v1, v2).changed()).containsExactly("data.bin");
        try (InputStream in = datasets.open(v2, "data.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("bbbb"));
        }
    }

    @Test
    void shouldDetectAFileReplacedByRenameWhenSizeAndMtimeMatch() throws IOException {
        Instant mtime = clock.instant().minus(Duration.ofHours(2));
        Path file = write("data.bin", "aaaa", mtime);
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        var unused = takeHashed();

        Path replacement = Files.write(temp.resolve("replacement"), bytes("bbbb"));
        Files.setLastModifiedTime(replacement, FileTime.from(mtime));
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        assertThat(v2.getDigest()).isNotEqualTo(v1.getDigest());
        assertThat(takeHashed()).containsExactly(Digest.of(bytes("bbbb")));
    }

    @Test
    void shouldRehashAnEntryWhoseMtimeIsInsideTheRacyWindowEvenWhenItsStatKeyMatches() throws IOException {
        Instant stamp = clock.instant(); // the first snapshot's cache carries this timestamp
        write("old.txt", "old", stamp.minus(Duration.ofHours(1)));
        write("edge-safe.txt", "safe", stamp.minusSeconds(2).minusNanos(1000));
        write("edge-racy.txt", "edge", stamp.minusSeconds(2));
        write("racy.txt", "racy", stamp.minusSeconds(1));
        write("future.txt", "future", stamp.plusSeconds(10));
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        assertThat(takeHashed()).hasSize(5);

        DatasetVersion same = datasets.snapshot("d").directory(source).commit();

        assertThat(same).isEqualTo(v1);
        assertThat(takeHashed())
                .as("the stat keys all match; only the entries not safely older than the cache are re-hashed")
                .containsExactlyInAnyOrder(digestOf("edge"), digestOf("racy"), digestOf("future"));

        // once the cache is written after the window, the entries it re-hashed are trusted again
        clock.set(stamp.plusSeconds(20));
        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(takeHashed())
                .as("still racy for the cache stamped %s", stamp)
                .hasSize(3);
        clock.set(stamp.plusSeconds(40));
        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(takeHashed()).isEmpty();
    }

    @Test
    void shouldRehashAnEntryWhoseCtimeIsInsideTheRacyWindow() throws IOException {
        Path file = write("recent.txt", "recent", Instant.now().minus(Duration.ofDays(1)));
        Instant ctime = Instant.EPOCH.plusNanos(statOf(file).ctimeNanos());
        clock.set(ctime.plusSeconds(1)); // ctime >= stamp - 2 s, mtime a day older
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        var unused = takeHashed();

        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(takeHashed()).containsExactly(digestOf("recent"));
        clock.set(ctime.plusSeconds(60));
        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(takeHashed()).containsExactly(digestOf("recent")); // the cache was stamped ctime + 1 s
        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(takeHashed()).isEmpty();
    }

    @Test
    void shouldGiveTheSameDigestsWhenTheCacheIsOff() throws IOException {
        Instant old = clock.instant().minus(Duration.ofHours(2));
        for (int i = 0; i < 20; i++) {
            write("f" + i % 4 + "/file-" + i + ".txt", "content " + i, old);
        }
        Files.createDirectories(source.resolve("empty"));
        DatasetVersion cached = datasets.snapshot("d").directory(source).commit();
        DatasetVersion hit = datasets.snapshot("d").directory(source).commit();
        assertThat(takeHashed()).hasSize(20);

        DatasetVersion uncached =
                datasets.snapshot("e").directory(source).statCache(false).commit();
        assertThat(takeHashed()).hasSize(20);
        Files.write(source.resolve("f1/file-1.txt"), bytes("CONTENT 1"), StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(source.resolve("f1/file-1.txt"), FileTime.from(old));
        Files.delete(source.resolve("f2/file-2.txt"));
        DatasetVersion cachedEdit = datasets.snapshot("d").directory(source).commit();
        DatasetVersion uncachedEdit =
                datasets.snapshot("e").directory(source).statCache(false).commit();

        assertThat(hit).isEqualTo(cached);
        assertThat(uncached.getDigest()).isEqualTo(cached.getDigest());
        assertThat(cachedEdit.getDigest()).isEqualTo(uncachedEdit.getDigest()).isNotEqualTo(cached.getDigest());
        try (Mlops noCaches = Mlops.builder()
                .objectStore(store)
                .cacheDirectory(null)
                .clock(clock)
                .build()) {
            assertThat(noCaches.datasets()
                            .snapshot("f")
                            .directory(source)
                            .commit()
                            .getDigest())
                    .isEqualTo(cachedEdit.getDigest());
        }
    }

    @Test
    void shouldIgnoreTheCacheFileWhenAnyOfItsBytesIsDamaged() throws IOException {
        Instant old = clock.instant().minus(Duration.ofHours(2));
        write("a.txt", "alpha", old);
        write("b.txt", "beta", old);
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        Path cacheFile = onlyCacheFile();
        byte[] good = Files.readAllBytes(cacheFile);

        List<String> wrong = new ArrayList<>();
        for (int offset = 0; offset < good.length; offset++) {
            for (int bit : new int[] {0x01}) {
                byte[] damaged = good.clone();
                damaged[offset] ^= (byte) bit;
                Files.write(cacheFile, damaged);
                if (!datasets.snapshot("d").directory(source).commit().equals(v1)) {
                    wrong.add("byte " + offset + " ^ " + bit);
                }
            }
        }
        for (int length = 0; length < good.length; length++) {
            Files.write(cacheFile, java.util.Arrays.copyOf(good, length));
            if (!datasets.snapshot("d").directory(source).commit().equals(v1)) {
                wrong.add("truncated to " + length);
            }
        }
        Files.write(cacheFile, bytes("not a stat cache at all"));
        DatasetVersion garbage = datasets.snapshot("d").directory(source).commit();

        assertThat(wrong).as("damaged cache files that changed the snapshot").isEmpty();
        assertThat(garbage).isEqualTo(v1);
        assertThat(datasets.verify(v1).isClean()).isTrue();
    }

    @Test
    void shouldDropDeletedFilesFromTheCache() throws IOException {
        Instant old = clock.instant().minus(Duration.ofHours(2));
        Path kept = write("kept.txt", "kept", old);
        Path deleted = write("deleted.txt", "deleted", old);
        var v1 = datasets.snapshot("d").directory(source).commit();
        StatCache.FileStat deletedStat = statOf(deleted);
        assertThat(StatCache.load(onlyCacheFile(), GRANULARITY_NANOS).lookupAndRecord("deleted.txt", deletedStat))
                .isEqualTo(digestOf("deleted"));

        Files.delete(deleted);
        var v2 = datasets.snapshot("d").directory(source).commit();

        StatCache reloaded = StatCache.load(onlyCacheFile(), GRANULARITY_NANOS);
        assertThat(reloaded.lookupAndRecord("deleted.txt", deletedStat)).isNull();
        assertThat(reloaded.lookupAndRecord("kept.txt", statOf(kept))).isEqualTo(digestOf("kept"));
        assertThat(datasets.diff(v1, v2).removed()).containsExactly("deleted.txt");
    }

    @Test
    void shouldWriteNoTreeWhenNothingChangedAndTheSameTreesAsWithoutTheCacheWhenTheLayoutChanges() throws IOException {
        Instant old = clock.instant().minus(Duration.ofHours(2));
        for (int i = 0; i < 12; i++) {
            write("d" + i % 3 + "/sub/file-" + i + ".txt", "content " + i, old);
        }
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        assertThat(takeHashed()).hasSize(12);
        assertThat(store.takeTreesWritten()).isPositive();

        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);
        assertThat(store.takeTreesWritten()).isZero();

        // every file stays a cache hit in each of these changes; only the directories' entries change
        List<IoAction> changes = List.of(
                () -> Files.createDirectories(source.resolve("d1/sub/empty")),
                () -> Files.delete(source.resolve("d2/sub/file-5.txt")),
                () -> Files.delete(source.resolve("d1/sub/empty")),
                () -> Files.createDirectories(source.resolve("d0/sub/file-0.txt.d")),
                () -> Files.delete(source.resolve("d0/sub/file-3.txt")),
                () -> Files.createDirectories(source.resolve("d0/sub/file-3.txt")));
        int version = 1;
        for (IoAction change : changes) {
            change.run();
            DatasetVersion cached = datasets.snapshot("d").directory(source).commit();
            assertThat(takeHashed()).isEmpty();
            DatasetVersion uncached =
                    datasets.snapshot("e").directory(source).statCache(false).commit();
            var unused = takeHashed().size() + store.takeTreesWritten();
            assertThat(cached.getNumber()).isEqualTo(++version);
            assertThat(cached.getDigest()).isEqualTo(uncached.getDigest());
            assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(cached);
            assertThat(store.takeTreesWritten()).isZero();
        }
    }

    @Test
    void shouldRewriteARememberedTreeThatIsMissingFromTheLake() throws IOException {
        write("sub/a.txt", "a", clock.instant().minus(Duration.ofHours(2)));
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        var unused = store.takeTreesWritten();
        StoreKey subTree = StoreKey.of("trees/sha256/" + treeOf(v1, "sub").hex().substring(0, 2) + "/"
                + treeOf(v1, "sub").hex());
        assertThat(lake.delete(subTree)).isTrue();

        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v1);

        assertThat(lake.exists(subTree)).isTrue();
        assertThat(datasets.verify(v1).isClean()).isTrue();
    }

    /** An action on the source directory. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private Digest treeOf(DatasetVersion version, String directory) {
        return Trees.read(store, version.getDigest(), "root").stream()
                .filter(e -> e.name().equals(directory))
                .map(e -> ((Trees.DirEntry) e).tree())
                .findFirst()
                .orElseThrow();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    @com.google.errorprone.annotations.CanIgnoreReturnValue
    private Path write(String relative, String content, Instant mtime) throws IOException {
        Path file = source.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes(content));
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        return file;
    }

    private Path onlyCacheFile() throws IOException {
        try (Stream<Path> files = Files.list(temp.resolve("cache/stat"))) {
            List<Path> caches =
                    files.filter(p -> p.toString().endsWith(".statcache")).toList();
            assertThat(caches).hasSize(1);
            return caches.get(0);
        }
    }

    /** The stat key as the walk reads it (one "unix" read per file). */
    static StatCache.FileStat statOf(Path file) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(file, "unix:mode,ino,dev,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
        return new StatCache.FileStat(
                ((Number) a.get("dev")).longValue(),
                ((Number) a.get("ino")).longValue(),
                (Long) a.get("size"),
                ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS),
                (((Number) a.get("mode")).intValue() & 0100) != 0);
    }

    private static long nanosOf(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Digest digestOf(String s) {
        return Digest.of(bytes(s));
    }

    /** Returns the digests hashed since the last call, and forgets them. */
    private List<Digest> takeHashed() {
        synchronized (hashed) {
            List<Digest> taken = List.copyOf(hashed);
            hashed.clear();
            return taken;
        }
    }

    /** Passes everything to a real store and counts the trees offered to it. */
    static final class CountingStore implements ObjectStore {
        private final ObjectStore delegate;
        private final AtomicInteger treesWritten = new AtomicInteger();

        CountingStore(ObjectStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public StoreCapabilities capabilities() {
            return delegate.capabilities();
        }

        /** Returns how many trees were offered to the store since the last call, and forgets them. */
        int takeTreesWritten() {
            return treesWritten.getAndSet(0);
        }

        @Override
        public ContentInfo putContent(InputStream content) {
            return delegate.putContent(content);
        }

        @Override
        public ContentInfo putContent(Digest expected, InputStream content) {
            return delegate.putContent(expected, content);
        }

        @Override
        public Optional<ContentInfo> findContent(Digest digest) {
            return delegate.findContent(digest);
        }

        @Override
        public InputStream openContent(Digest digest) {
            return delegate.openContent(digest);
        }

        @Override
        public boolean createIfAbsent(StoreKey key, byte[] bytes) {
            if (key.value().startsWith("trees/")) {
                treesWritten.incrementAndGet();
            }
            return delegate.createIfAbsent(key, bytes);
        }

        @Override
        public Optional<ObjectTag> compareAndSet(StoreKey key, @Nullable ObjectTag expected, byte[] bytes) {
            return delegate.compareAndSet(key, expected, bytes);
        }

        @Override
        public Optional<StoredObject> find(StoreKey key) {
            return delegate.find(key);
        }

        @Override
        public boolean exists(StoreKey key) {
            return delegate.exists(key);
        }

        @Override
        public Page<StoreKey> list(String prefix, @Nullable String continuationToken, int maxResults) {
            return delegate.list(prefix, continuationToken, maxResults);
        }

        @Override
        public boolean delete(StoreKey key) {
            return delegate.delete(key);
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return "Counting(" + delegate + ")";
        }
    }
}
