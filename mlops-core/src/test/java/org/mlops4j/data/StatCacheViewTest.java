package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.store.Digest;

/** {@link StatCacheView}: the mapped reader answers the same-path rule exactly as {@link StatCache} does. */
class StatCacheViewTest {
    private static final long GRANULARITY_NANOS = 2_000_000_000L;
    private static final long TIMESTAMP = 1_000_000_000_000_000_000L;
    private static final String[] PARTS = {"a", "b", "été", "日本", "x.bin", "ab"};

    @TempDir
    Path temp;

    /**
     * Random caches and random lookups (recorded paths and others; the recorded stat key, one field changed, or
     * times inside the racy window): the view vouches for a file exactly when {@link StatCache#lookupAndRecord}
     * does, with the same digest, and finds a path by its directory's prefix and its name as by the whole path.
     */
    @Test
    void shouldAnswerAsTheStatCacheDoes() {
        AtomicInteger example = new AtomicInteger();
        qt().withExamples(60)
                .forAll(
                        lists().of(integers().between(0, 1 << 24)).ofSizeBetween(0, 40),
                        integers().all())
                .checkAssert((ops, seed) -> {
                    Random random = new Random(seed);
                    Path file = temp.resolve("c" + example.incrementAndGet() + ".statcache");
                    StatCache writer = StatCache.empty(GRANULARITY_NANOS);
                    Map<String, StatCache.FileStat> recorded = new LinkedHashMap<>();
                    for (int op : ops) {
                        String path = path(op);
                        if (!recorded.containsKey(path)) {
                            StatCache.FileStat stat = stat(random);
                            recorded.put(path, stat);
                            writer.record(path, stat, Digest.of(path.getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                    try {
                        writer.save(file, TIMESTAMP);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    StatCacheView view = StatCacheView.open(file, GRANULARITY_NANOS);
                    StatCache cache = StatCache.load(file, GRANULARITY_NANOS);
                    for (int op : ops) {
                        String path = random.nextInt(4) == 0 ? path(op ^ random.nextInt()) : path(op);
                        StatCache.FileStat base = recorded.getOrDefault(path, stat(random));
                        StatCache.FileStat asked = perturbed(base, random);
                        assertThat(fromView(view, path, asked))
                                .as("%s %s", path, asked)
                                .isEqualTo(cache.lookupAndRecord(path, asked));
                        int slash = path.lastIndexOf('/');
                        byte[] prefix = path.substring(0, slash + 1).getBytes(StandardCharsets.UTF_8);
                        assertThat(view.find(prefix, StatCacheView.prefixHash(prefix), path.substring(slash + 1)))
                                .isEqualTo(view.find(path));
                    }
                });
    }

    @Test
    void shouldRememberNothingFromADamagedOrMissingFile() throws IOException {
        Path file = temp.resolve("one.statcache");
        StatCache writer = StatCache.empty(GRANULARITY_NANOS);
        StatCache.FileStat stat = new StatCache.FileStat(1, 2, 3, 4, 5, false);
        writer.record("d/f", stat, Digest.of(new byte[] {1}));
        writer.recordTree("d", 1, Digest.of(new byte[] {2}));
        writer.save(file, TIMESTAMP);
        StatCacheView intact = StatCacheView.open(file, GRANULARITY_NANOS);
        assertThat(intact.find("d/f")).isNotNegative();
        assertThat(intact.tree("d", 1)).isEqualTo(Digest.of(new byte[] {2}));
        assertThat(intact.tree("d", 2)).as("another entry count").isNull();

        byte[] bytes = Files.readAllBytes(file);
        bytes[30] ^= 1;
        Files.write(file, bytes);
        StatCacheView damaged = StatCacheView.open(file, GRANULARITY_NANOS);

        assertThat(damaged.isEmpty()).isTrue();
        assertThat(damaged.find("d/f")).isEqualTo(-1);
        assertThat(damaged.tree("d", 1)).isNull();
        assertThat(StatCacheView.open(temp.resolve("none"), GRANULARITY_NANOS).isEmpty())
                .isTrue();
    }

    private static @Nullable Digest fromView(StatCacheView view, String path, StatCache.FileStat s) {
        int entry = view.find(path);
        return entry >= 0
                        && view.unchanged(
                                entry, s.device(), s.inode(), s.size(), s.mtimeNanos(), s.ctimeNanos(), s.executable())
                ? view.digest(entry)
                : null;
    }

    private static String path(int op) {
        int depth = Math.floorMod(op, 3);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i <= depth; i++) {
            path.append(i == 0 ? "" : "/").append(PARTS[Math.floorMod(op >> (2 + 3 * i), PARTS.length)]);
        }
        return path.toString();
    }

    /** A stat key recorded well before the cache's timestamp, or inside its racy window. */
    private static StatCache.FileStat stat(Random random) {
        long mtime = TIMESTAMP - 10 * GRANULARITY_NANOS + random.nextInt(1000);
        long ctime = random.nextInt(5) == 0 ? TIMESTAMP - random.nextInt(1000) : mtime + random.nextInt(1000);
        return new StatCache.FileStat(
                random.nextInt(3), random.nextInt(1000), random.nextInt(100), mtime, ctime, random.nextBoolean());
    }

    private static StatCache.FileStat perturbed(StatCache.FileStat s, Random random) {
        return switch (random.nextInt(10)) {
            case 0 ->
                new StatCache.FileStat(
                        s.device() + 1, s.inode(), s.size(), s.mtimeNanos(), s.ctimeNanos(), s.executable());
            case 1 ->
                new StatCache.FileStat(
                        s.device(), s.inode() + 1, s.size(), s.mtimeNanos(), s.ctimeNanos(), s.executable());
            case 2 ->
                new StatCache.FileStat(
                        s.device(), s.inode(), s.size() + 1, s.mtimeNanos(), s.ctimeNanos(), s.executable());
            case 3 ->
                new StatCache.FileStat(
                        s.device(), s.inode(), s.size(), s.mtimeNanos() + 1, s.ctimeNanos(), s.executable());
            case 4 ->
                new StatCache.FileStat(
                        s.device(), s.inode(), s.size(), s.mtimeNanos(), s.ctimeNanos() + 1, s.executable());
            case 5 ->
                new StatCache.FileStat(
                        s.device(), s.inode(), s.size(), s.mtimeNanos(), s.ctimeNanos(), !s.executable());
            default -> s;
        };
    }
}
