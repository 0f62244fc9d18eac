package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.ManualClock;
import org.mlops4j.Mlops;
import org.mlops4j.store.LocalObjectStore;

/**
 * {@link Datasets#status} against what a snapshot finds, on random trees and random edits: the status of a directory
 * says exactly what the diff between its last version and a snapshot of it now (one that trusts no cache) says, and
 * is clean exactly when that snapshot is the last version.
 */
class DatasetStatusPropertiesTest {
    /** Names with characters outside ASCII too: the status looks such names up by their UTF-8 bytes. */
    private static final String[] DIRECTORIES = {"a", "a/b", "c", "été", "c/日本", "n"};

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(1)));
    private final Instant old = clock.instant().minus(Duration.ofHours(2));
    private final AtomicInteger mtimes = new AtomicInteger();
    private LocalObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;

    @BeforeEach
    void open() {
        lake = LocalObjectStore.open(temp.resolve("lake"));
        mlops = Mlops.builder()
                .objectStore(lake)
                .cacheDirectory(temp.resolve("cache"))
                .clock(clock)
                .build();
        datasets = mlops.datasets();
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    /**
     * Random edits: files added, deleted, resized, rewritten with the same size and their mtime restored, moved into
     * new directories or renamed in theirs, copied (same bytes under a second path), made executable, and empty
     * directories made. Each round's status is compared with the diff to a from-scratch snapshot; then the round's
     * snapshot (with the stat cache) must be that same version, and the status after it clean.
     */
    @Test
    void shouldSayWhatASnapshotWouldFind() {
        AtomicInteger example = new AtomicInteger();
        qt().withExamples(15)
                .forAll(
                        integers().between(0, 40),
                        lists().of(lists().of(integers().between(0, 1 << 20)).ofSizeBetween(0, 10))
                                .ofSizeBetween(1, 3),
                        integers().all())
                .checkAssert((fileCount, rounds, seed) -> {
                    try {
                        int n = example.incrementAndGet();
                        Path root = Files.createDirectories(temp.resolve("p" + n));
                        Random random = new Random(seed);
                        for (int i = 0; i < fileCount; i++) {
                            write(root.resolve(DIRECTORIES[i % DIRECTORIES.length] + "/f" + i), random, -1);
                        }
                        Files.createDirectories(root.resolve("a"));
                        String name = "p" + n;
                        DatasetVersion last =
                                datasets.snapshot(name).directory(root).commit();
                        assertThat(datasets.status(name, root).isClean()).isTrue();
                        for (List<Integer> ops : rounds) {
                            edit(root, ops, random);

                            DatasetStatus status = datasets.status(name, root);

                            DatasetVersion scratch = datasets.snapshot("scratch-" + n)
                                    .directory(root)
                                    .statCache(false)
                                    .commit();
                            DatasetDiff diff = datasets.diff(last, scratch);
                            List<String> added = new ArrayList<>(status.added());
                            List<String> removed = new ArrayList<>(status.removed());
                            status.moved().forEach(m -> {
                                added.add(m.to());
                                removed.add(m.from());
                            });
                            assertThat(added)
                                    .as("added, round %s", ops)
                                    .containsExactlyInAnyOrderElementsOf(diff.added());
                            assertThat(removed)
                                    .as("removed, round %s", ops)
                                    .containsExactlyInAnyOrderElementsOf(diff.removed());
                            assertThat(status.modified())
                                    .as("modified, round %s", ops)
                                    .containsExactlyElementsOf(diff.changed());
                            assertThat(status.isClean())
                                    .isEqualTo(scratch.getDigest().equals(last.getDigest()));
                            DatasetVersion next =
                                    datasets.snapshot(name).directory(root).commit();
                            assertThat(next.getDigest()).isEqualTo(scratch.getDigest());
                            assertThat(datasets.status(name, root).isClean())
                                    .as("status after the snapshot")
                                    .isTrue();
                            last = next;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** One round of edits; each file is touched at most once, so no edit hides another (see docs/stat-cache.md). */
    private void edit(Path root, List<Integer> ops, Random random) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
        }
        Set<Path> touched = new HashSet<>();
        int fresh = 0;
        for (int op : ops) {
            String directory = DIRECTORIES[(op >> 4) % DIRECTORIES.length];
            if (op % 9 == 0 || files.isEmpty()) {
                write(root.resolve(directory + "/new" + op + "-" + fresh++), random, -1);
                continue;
            }
            Path file = files.get((op >> 8) % files.size());
            if (!touched.add(file)) {
                continue;
            }
            switch (op % 9) {
                case 1 -> Files.delete(file);
                case 2 -> write(file, random, (int) Files.size(file) + 1);
                case 3 -> write(file, random, (int) Files.size(file)); // same size, mtime restored
                case 4 -> move(file, root.resolve("moved" + op + "/" + file.getFileName()));
                case 5 -> move(file, file.resolveSibling("renamed-" + op));
                case 6 -> {
                    Path copy = root.resolve(directory + "/copy" + op + "-" + fresh++);
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                    Files.setLastModifiedTime(copy, nextOldMtime());
                }
                case 7 -> {
                    Set<PosixFilePermission> permissions = new HashSet<>(Files.getPosixFilePermissions(file));
                    if (!permissions.remove(PosixFilePermission.OWNER_EXECUTE)) {
                        permissions.add(PosixFilePermission.OWNER_EXECUTE);
                    }
                    Files.setPosixFilePermissions(file, permissions);
                }
                default -> Files.createDirectories(root.resolve("empty" + op));
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.move(from, to);
    }

    /**
     * Writes random bytes ({@code size} of them, or a random count): a rewrite restores the file's mtime, a new file
     * gets an old mtime of its own. Not one shared mtime: a new file that reuses a deleted file's inode with its size
     * and exact mtime is what stat cannot tell from a move (docs/stat-cache.md), and no tool forges that.
     */
    private void write(Path file, Random random, int size) throws IOException {
        Files.createDirectories(file.getParent());
        FileTime mtime = Files.exists(file) ? Files.getLastModifiedTime(file) : nextOldMtime();
        byte[] bytes = new byte[size >= 0 ? size : random.nextInt(64)];
        random.nextBytes(bytes);
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, mtime);
    }

    private FileTime nextOldMtime() {
        return FileTime.from(old.plusMillis(mtimes.incrementAndGet()));
    }
}
