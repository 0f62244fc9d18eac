package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.common.ConflictException;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.store.LocalObjectStore;

/**
 * Issue 16, "Snapshots of hostile or changing trees" and "Checkout": one test per finding, each named after what it
 * caught. Every test has a timeout, so that a regression that hangs fails instead.
 */
class Issue16SnapshotFindingsTest {
    @TempDir
    Path temp;

    private LocalObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = LocalObjectStore.open(temp.resolve("lake"));
        mlops = Mlops.builder().objectStore(lake).cacheDirectory(null).build();
        datasets = mlops.datasets();
        source = Files.createDirectories(temp.resolve("source"));
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    /** Makes the special file a finding needs; fails, never skips, where the machine cannot make it. */
    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = process.waitFor(10, TimeUnit.SECONDS);
        String output = ended ? new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
        assertThat(ended && process.exitValue() == 0)
                .as(
                        "'%s' must make the special file this test snapshots (%s); mkfifo works for any user, mknod"
                                + " needs root or CAP_MKNOD: run the build where it can",
                        String.join(" ", command), ended ? output.strip() : "did not end within 10 s")
                .isTrue();
    }

    /** Links {@code a-00 … a-19} to one target: some are walked before the target's own folder, whatever the order. */
    private void linkMany(String target) throws IOException {
        for (int i = 0; i < 20; i++) {
            Files.createSymbolicLink(source.resolve(String.format("a-%02d", i)), Path.of(target));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRejectASymlinkToAFifoInsteadOfHanging() throws Exception {
        Files.createDirectories(source.resolve("z"));
        run("mkfifo", source.resolve("z/fifo").toString());
        linkMany("z/fifo");

        assertThatThrownBy(() -> datasets.snapshot("fifo").directory(source).commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("FIFO");
        assertThat(datasets.findLatest("fifo")).isEmpty();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRejectASymlinkToACharacterDeviceInsteadOfReadingItForEver() throws Exception {
        Files.createDirectories(source.resolve("z"));
        run("mknod", source.resolve("z/zero").toString(), "c", "1", "5"); // /dev/zero, inside the tree
        linkMany("z/zero");

        assertThatThrownBy(() -> datasets.snapshot("zero").directory(source).commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("device");
        assertThat(lakeBytes()).as("bytes in the lake").isLessThan(1024 * 1024);
    }

    private long lakeBytes() throws IOException {
        try (Stream<Path> files = Files.walk(temp.resolve("lake"))) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldFailWithChangedWhileReadWhenAFileIsAppendedToDuringTheSnapshot() throws Exception {
        Path growing = source.resolve("growing.bin");
        Files.write(growing, new byte[8 * 1024 * 1024]); // above the pack limit: read through a channel
        Path small = source.resolve("small.txt");
        Files.write(small, new byte[1024 * 1024]); // a packed file
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream big = Files.newOutputStream(growing, StandardOpenOption.APPEND);
                    OutputStream little = Files.newOutputStream(small, StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                    big.write(chunk);
                    little.write(chunk, 0, 16);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            assertThatThrownBy(
                            () -> datasets.snapshot("growing").directory(source).commit())
                    .isInstanceOf(SourceChangedException.class)
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("changed while")
                    .hasMessageContaining("snapshot again when writers are done");
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(datasets.findLatest("growing")).isEmpty();
        assertThat(lakeBytes())
                .as("never more than the files' sizes at walk time, plus slack")
                .isLessThan(Files.size(growing) + 64L * 1024 * 1024);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldSnapshotADirectoryOf100000FilesWithLongNames() throws IOException {
        Path big = Files.createDirectories(source.resolve("big"));
        String padding = "x".repeat(98);
        for (int i = 0; i < 100_000; i++) {
            Files.write(big.resolve(String.format("%s-%06d", padding, i)), new byte[] {(byte) i});
        }

        DatasetVersion version = datasets.snapshot("wide").directory(source).commit();

        assertThat(version.getFileCount()).isEqualTo(100_000);
        try (var in = datasets.contentTrees().open(version.getDigest(), "big/" + padding + "-099999", "wide@1")) {
            assertThat(in.readAllBytes()).containsExactly((byte) 99_999);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseATreeTooLargeForTheFormatBeforeReadingAnyFile() {
        List<Path> names = java.util.Collections.nCopies(
                (int) (Trees.MAX_BYTES / Trees.entryBound("y".repeat(200)) + 10), Path.of("y".repeat(200)));
        // the check needs the names only: it runs on the listing, before a file is opened
        assertThatThrownBy(() -> requireTreeFits(names))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("split it into subdirectories");
    }

    private static void requireTreeFits(List<Path> names) throws Exception {
        var method = Snapshotter.class.getDeclaredMethod("requireTreeFits", String.class, List.class);
        method.setAccessible(true);
        try {
            method.invoke(null, "big", names);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCheckOutAFileWithA255ByteName() throws IOException {
        String name = "n".repeat(251) + ".csv";
        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        Files.writeString(source.resolve(name), "a,b\n1,2\n");
        DatasetVersion version =
                datasets.snapshot("long-name").directory(source).commit();

        Path out = temp.resolve("out");
        assertThat(datasets.checkout(version, out)).isEqualTo(1);

        assertThat(out.resolve(name)).hasContent("a,b\n1,2\n");
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("lake", "source", "out");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldSayTheSourceDirectoryDoesNotExistNotThatAFileVanished() {
        Path missing = temp.resolve("no-such-directory");

        assertThatThrownBy(() -> datasets.snapshot("missing").directory(missing).commit())
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(missing + " does not exist")
                .hasMessageNotContaining("vanished");
    }

    @Test
    void shouldEchoAtMostAHundredCharactersOfAnInvalidName() {
        String name = "é".repeat(5_000) + "/" + "x".repeat(5_000);

        assertThatThrownBy(() -> datasets.snapshot(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("é".repeat(100) + "… (10001 chars)")
                .hasMessageNotContaining("é".repeat(101))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> DatasetRef.parse(name + "@x"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> org.mlops4j.registry.ModelRef.parse(name + "@1"))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> org.mlops4j.registry.ModelAlias.requireValidAlias(name))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> mlops.pipeline(name))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThatThrownBy(() -> PathRules.checkRelativePath("a/" + "..".repeat(5_000) + "/../b"))
                .isInstanceOf(UnsafePathException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }

    /**
     * Ten races: a thread plants links to a folder outside the target while the checkout runs, both at the target's
     * top (right after it exists) and inside a directory the checkout made (so that the plant comes after the
     * emptiness check). The checkout may fail, typed, or succeed; nothing may ever be written outside.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNeverFollowASymlinkPlantedInTheTargetDuringCheckout() throws Exception {
        for (int i = 0; i < 300; i++) {
            Files.createDirectories(source.resolve(String.format("d/empty-%03d", i)));
        }
        Files.createDirectories(source.resolve("d/x"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(source.resolve(String.format("d/x/payload-%02d.txt", i)), "payload");
        }
        Files.writeString(Files.createDirectories(source.resolve("top")).resolve("payload.txt"), "payload");
        DatasetVersion version = datasets.snapshot("race").directory(source).commit();

        int safe = 0;
        List<String> outcomes = new ArrayList<>();
        for (int race = 0; race < 10; race++) {
            Path outside = Files.createDirectories(temp.resolve("outside-" + race));
            Path target = temp.resolve("target-" + race);
            AtomicBoolean stop = new AtomicBoolean();
            Thread attacker = new Thread(() -> {
                while (!stop.get()) {
                    plant(target.resolve("d/x"), outside);
                    plant(target.resolve("top"), outside);
                    if (!Files.isDirectory(target)) {
                        Thread.onSpinWait();
                    }
                }
            });
            attacker.start();
            String outcome;
            try {
                outcome = "checked out " + datasets.checkout(version, target) + " files";
            } catch (ConflictException | IllegalStateException e) {
                outcome = e.getClass().getSimpleName();
            } finally {
                stop.set(true);
                attacker.join();
            }
            try (Stream<Path> written = Files.list(outside)) {
                List<Path> escaped = written.toList();
                outcomes.add(outcome + ", " + escaped.size() + " files outside");
                if (escaped.isEmpty()) {
                    safe++;
                }
            }
        }
        System.out.printf("checkout races, %d of 10 safe: %s%n", safe, outcomes);
        assertThat(safe)
                .as("races with nothing written outside the target: %s", outcomes)
                .isEqualTo(10);
    }

    private static void plant(Path link, Path outside) {
        try {
            if (Files.isDirectory(link.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, outside);
            }
        } catch (IOException e) {
            // taken already, or the parent went away: try again
        }
    }
}
