package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.ManualClock;
import org.mlops4j.Mlops;
import org.mlops4j.store.Digest;
import org.mlops4j.store.LocalObjectStore;

/**
 * Files found under a new path (issue 19, acceptance 3): the stat cache matches them by device and inode and reuses
 * their digests only where the bytes cannot have changed ({@link StatCache#lookupMovedAndRecord}). The snapshotter
 * reports every file it hashes; the clock that stamps the cache runs an hour ahead, so that real ctimes are safely
 * older than its stamp (see {@link StatCacheTest}). Where a test needs a change to come after another in the
 * filesystem's own time, it waits with Awaitility until a probe file's ctime has passed the earlier one.
 */
class StatCacheMoveTest {
    private static final long GRANULARITY_NANOS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(1)));
    private final List<Digest> hashed = Collections.synchronizedList(new ArrayList<>());
    private LocalObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;
    private Path source;
    private final Instant old = clock.instant().minus(Duration.ofHours(2));

    @BeforeEach
    void open() throws IOException {
        lake = LocalObjectStore.open(temp.resolve("lake"));
        mlops = Mlops.builder()
                .objectStore(lake)
                .cacheDirectory(temp.resolve("cache"))
                .clock(clock)
                .build();
        datasets = mlops.datasets();
        datasets.contentTrees().observeHashing(hashed::add);
        source = Files.createDirectories(temp.resolve("source"));
        Files.createFile(temp.resolve("probe")); // before any delete: it must not take a freed inode
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldHashNoFileWhenHalfOfTheFilesMovedIntoNewDirectories() throws IOException {
        int files = 400;
        for (int i = 0; i < files; i++) {
            write("d" + i % 7 + "/f" + i + ".bin", "content of file " + i, old);
        }
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();
        assertThat(takeHashed()).hasSize(files);

        for (int i = 0; i < files; i += 2) {
            Path target = source.resolve("moved" + i % 5 + "/sub/g" + i + ".bin");
            Files.createDirectories(target.getParent());
            Files.move(source.resolve("d" + i % 7 + "/f" + i + ".bin"), target);
        }
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        assertThat(takeHashed())
                .as("files re-hashed although their bytes did not change")
                .isEmpty();
        assertThat(v2.getDigest()).isEqualTo(fromScratch());
        assertThat(datasets.diff(v1, v2).added()).hasSize(files / 2);
        assertThat(datasets.diff(v1, v2).removed()).hasSize(files / 2);
        try (InputStream in = datasets.open(v2, "moved2/sub/g2.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("content of file 2"));
        }
        // the moved files are now remembered under their new paths
        assertThat(datasets.snapshot("d").directory(source).commit()).isEqualTo(v2);
        assertThat(takeHashed()).isEmpty();
    }

    @Test
    void shouldHashNoFileWhenADirectoryWasRenamed() throws IOException {
        for (int i = 0; i < 20; i++) {
            write("a/f" + i, "file " + i, old);
        }
        var unused = datasets.snapshot("d").directory(source).commit();
        assertThat(takeHashed()).hasSize(20);

        Files.createDirectories(source.resolve("deeper"));
        Files.move(source.resolve("a"), source.resolve("deeper/b"));
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        assertThat(takeHashed()).isEmpty();
        assertThat(v2.getDigest()).isEqualTo(fromScratch());
    }

    @Test
    void shouldDetectASameSizeRewriteWithRestoredMtimeOfAMovedFile() throws IOException {
        write("a/data.bin", "aaaa", old);
        write("a/other.bin", "other", old);
        var unused = datasets.snapshot("d").directory(source).commit();
        var hashedFirst = takeHashed();
        Path moved = Files.createDirectories(source.resolve("b")).resolve("data.bin");
        Files.move(source.resolve("a/data.bin"), moved);
        awaitFilesystemTimeAfter(mtimeOf(source.resolve("a")));

        Files.write(moved, bytes("bbbb")); // in place, same size, as cp -p does
        Files.setLastModifiedTime(moved, FileTime.from(old));
        StatCache.FileStat stat = StatCacheTest.statOf(moved);
        assertThat(stat.size()).isEqualTo(4);
        assertThat(stat.mtimeNanos()).isEqualTo(nanosOf(old));
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        assertThat(hashedFirst).hasSize(2);
        assertThat(takeHashed()).containsExactly(Digest.of(bytes("bbbb")));
        try (InputStream in = datasets.open(v2, "b/data.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("bbbb"));
        }
        assertThat(v2.getDigest()).isEqualTo(fromScratch());
    }

    @Test
    void shouldNotTrustAnInodeReusedByANewFileAfterADelete() throws IOException {
        Path deleted = write("a/data.bin", "aaaa", old);
        long inode = StatCacheTest.statOf(deleted).inode();
        var unused = datasets.snapshot("d").directory(source).commit();
        var unused2 = takeHashed();

        // as "rm data.bin; tar x" of another version with the same size and mtime: the new file is created, written
        // and stamped at once, in the directory whose inodes the filesystem hands out first
        Files.delete(deleted);
        Path created = null;
        for (int i = 0; i < 50 && created == null; i++) {
            Path candidate = Files.write(source.resolve("a/new" + i + ".bin"), bytes("bbbb"));
            Files.setLastModifiedTime(candidate, FileTime.from(old));
            if (StatCacheTest.statOf(candidate).inode() == inode) {
                created = candidate;
            }
        }
        if (created == null) {
            fail("this filesystem (" + Files.getFileStore(temp) + ") gave none of 50 new files the deleted file's"
                    + " inode " + inode + ", so inode reuse cannot be tested here; run the tests on ext4");
        }
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        assertThat(takeHashed()).contains(Digest.of(bytes("bbbb")));
        assertThat(v2.getDigest()).isEqualTo(fromScratch());
    }

    @Test
    void shouldRehashAHardLinkMadeAfterTheSnapshot() throws IOException {
        Path original = write("a/data.bin", "aaaa", old);
        var unused = datasets.snapshot("d").directory(source).commit();
        var unused2 = takeHashed();

        Files.createLink(Files.createDirectories(source.resolve("b")).resolve("link.bin"), original);
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();

        // linking changed the inode's ctime, and not the directory of the recorded path: nothing explains it
        assertThat(takeHashed()).hasSize(2);
        assertThat(v2.getDigest()).isEqualTo(fromScratch());
    }

    /** Decides a moved entry from stat keys alone, with the directory times given. */
    @Test
    void shouldTrustAMovedEntryOnlyWhenItsCtimeIsExplainedByTheDirectoryItLeft() throws IOException {
        long stamp = TimeUnit.DAYS.toNanos(20_000);
        long mtime = stamp - TimeUnit.HOURS.toNanos(2);
        long ctime = stamp - TimeUnit.HOURS.toNanos(1);
        Digest digest = Digest.of(bytes("recorded"));
        Path file = temp.resolve("unit.statcache");
        StatCache fresh = StatCache.load(file, GRANULARITY_NANOS);
        fresh.record("a/x", new StatCache.FileStat(1, 7, 8, mtime, ctime, false), digest);
        fresh.record("a/racy", new StatCache.FileStat(1, 8, 8, mtime, stamp - 1, false), digest);
        fresh.save(file, stamp);
        long moveTime = stamp + TimeUnit.MINUTES.toNanos(5);
        StatCache.DirectoryTimes aChangedAtTheMove = dir -> dir.equals("a") ? moveTime : Long.MIN_VALUE;

        StatCache cache = StatCache.load(file, GRANULARITY_NANOS);
        assertThat(cache.lookupMovedAndRecord(
                        "b/x", new StatCache.FileStat(1, 7, 8, mtime, moveTime, false), aChangedAtTheMove))
                .as("a move: ctime no later than the last change of the directory it left")
                .isEqualTo(digest);
        assertThat(cache.lookupMovedAndRecord(
                        "c/x", new StatCache.FileStat(1, 7, 8, mtime, ctime, false), dir -> Long.MIN_VALUE))
                .as("another name, ctime as recorded: the inode did not change")
                .isEqualTo(digest);
        assertThat(cache.lookupMovedAndRecord(
                        "b/y", new StatCache.FileStat(1, 7, 8, mtime, moveTime + 1, false), aChangedAtTheMove))
                .as("changed after the directory's last change (a rewrite, or an inode reused)")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "b/z", new StatCache.FileStat(1, 7, 8, mtime, moveTime, false), dir -> Long.MIN_VALUE))
                .as("the directory it left is gone: nothing explains the ctime")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "a/x", new StatCache.FileStat(1, 7, 8, mtime, moveTime, false), aChangedAtTheMove))
                .as("the same path and inode with another ctime: changed in place")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "b/w", new StatCache.FileStat(1, 7, 9, mtime, moveTime, false), aChangedAtTheMove))
                .as("another size")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "b/v", new StatCache.FileStat(2, 7, 8, mtime, moveTime, false), aChangedAtTheMove))
                .as("another device")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "b/r", new StatCache.FileStat(1, 8, 8, mtime, stamp - 1, false), aChangedAtTheMove))
                .as("racy when it was recorded")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "a/renamed", new StatCache.FileStat(1, 7, 8, mtime, moveTime, false), aChangedAtTheMove))
                .as("within one directory, a rename in the directory's last tick looks like a new file there")
                .isNull();
        assertThat(cache.lookupMovedAndRecord(
                        "a/renamed-earlier",
                        new StatCache.FileStat(1, 7, 8, mtime, moveTime - 1, false),
                        aChangedAtTheMove))
                .as("within one directory, a rename before the directory's last change")
                .isEqualTo(digest);
        assertThat(cache.moveHits()).isEqualTo(3);
    }

    /**
     * Random rounds of moves (into new or existing directories, or within one) and then same-size
     * rewrites with restored mtimes, a snapshot after each round: every snapshot equals one taken from scratch. The
     * rewrites of a round come after its moves in the filesystem's time (see {@link StatCache#lookupMovedAndRecord}
     * for the order it cannot see).
     */
    @Test
    void shouldGiveTheDigestOfAFromScratchSnapshotAfterRandomMovesAndRewrites() {
        AtomicInteger example = new AtomicInteger();
        AtomicInteger moves = new AtomicInteger();
        qt().withExamples(12)
                .forAll(
                        lists().of(lists().of(integers().between(0, 1 << 20)).ofSizeBetween(1, 12))
                                .ofSizeBetween(1, 4),
                        integers().all())
                .checkAssert((rounds, seed) -> {
                    try {
                        Path root = Files.createDirectories(temp.resolve("p" + example.incrementAndGet()));
                        Random random = new Random(seed);
                        List<Path> files = new ArrayList<>();
                        for (int i = 0; i < 12; i++) {
                            Path f = root.resolve("d" + i % 3 + "/f" + i);
                            Files.createDirectories(f.getParent());
                            Files.write(f, bytes(String.format("%08d", random.nextInt(1_000_000))));
                            Files.setLastModifiedTime(f, FileTime.from(old));
                            files.add(f);
                        }
                        String name = "p" + example.get();
                        var unused = datasets.snapshot(name).directory(root).commit();
                        for (List<Integer> ops : rounds) {
                            long lastDirectoryChange = Long.MIN_VALUE;
                            List<Integer> rewrites = new ArrayList<>();
                            for (int op : ops) {
                                int which = op % files.size();
                                if ((op >> 8) % 3 == 0) {
                                    rewrites.add(which);
                                    continue;
                                }
                                Path from = files.get(which);
                                String unique = "-" + moves.incrementAndGet();
                                Path to = (op >> 8) % 3 == 1
                                        ? root.resolve("n" + (op >> 10) % 4 + "/m" + which + unique)
                                        : from.resolveSibling("r" + which + unique);
                                Files.createDirectories(to.getParent());
                                Files.move(from, to);
                                files.set(which, to);
                                lastDirectoryChange = Math.max(lastDirectoryChange, mtimeOf(from.getParent()));
                            }
                            awaitFilesystemTimeAfter(lastDirectoryChange);
                            for (int which : rewrites) {
                                Files.write(files.get(which), bytes(String.format("%08d", random.nextInt(1_000_000))));
                                Files.setLastModifiedTime(files.get(which), FileTime.from(old));
                            }
                            DatasetVersion version =
                                    datasets.snapshot(name).directory(root).commit();
                            assertThat(version.getDigest())
                                    .as("round %s of %s", ops, rounds)
                                    .isEqualTo(fromScratch(root));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private Digest fromScratch() {
        return fromScratch(source);
    }

    /** The digest of a snapshot that trusts no cache: every file hashed. */
    private Digest fromScratch(Path directory) {
        Digest digest = datasets.snapshot("scratch")
                .directory(directory)
                .statCache(false)
                .commit()
                .getDigest();
        var unused = takeHashed(); // what a test counts is what its own snapshots hashed
        return digest;
    }

    /** Waits until the filesystem stamps a change later than {@code nanos}: its clock has a coarse tick. */
    private void awaitFilesystemTimeAfter(long nanos) throws IOException {
        Path probe = temp.resolve("probe");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            Files.setLastModifiedTime(probe, FileTime.from(Instant.now()));
            return StatCacheTest.statOf(probe).ctimeNanos() > nanos;
        });
    }

    private static long mtimeOf(Path directory) throws IOException {
        return Files.getLastModifiedTime(directory, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
    }

    @com.google.errorprone.annotations.CanIgnoreReturnValue
    private Path write(String relative, String content, Instant mtime) throws IOException {
        Path file = source.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes(content));
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        return file;
    }

    private static long nanosOf(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<Digest> takeHashed() {
        synchronized (hashed) {
            List<Digest> taken = List.copyOf(hashed);
            hashed.clear();
            return taken;
        }
    }
}
