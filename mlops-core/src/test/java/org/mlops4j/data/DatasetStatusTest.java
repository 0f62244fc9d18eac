package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.ManualClock;
import org.mlops4j.Mlops;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.store.LocalObjectStore;

/** {@link Datasets#status}: a working directory against the latest version, as the next snapshot would see it. */
class DatasetStatusTest {
    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(1)));
    private final Instant old = clock.instant().minus(Duration.ofHours(2));
    private LocalObjectStore lake;
    private Mlops mlops;
    private Datasets datasets;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = LocalObjectStore.open(temp.resolve("lake"));
        mlops = Mlops.builder()
                .objectStore(lake)
                .cacheDirectory(temp.resolve("cache"))
                .clock(clock)
                .build();
        datasets = mlops.datasets();
        source = Files.createDirectories(temp.resolve("source"));
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldBeCleanWhenNothingChangedSinceTheSnapshot() throws IOException {
        for (int i = 0; i < 30; i++) {
            write("d" + i % 3 + "/e" + i % 2 + "/f" + i, "file " + i);
        }
        Files.createDirectories(source.resolve("empty"));
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();

        DatasetStatus status = datasets.status("d", source);

        assertThat(status.isClean()).isTrue();
        assertThat(status.base()).isEqualTo(v1.getRef());
    }

    @Test
    void shouldBeCleanWithoutTheStatCacheToo() throws IOException {
        write("a/x", "x");
        var unused = datasets.snapshot("d").directory(source).statCache(false).commit();

        assertThat(datasets.status("d", source).isClean()).isTrue();
    }

    @Test
    void shouldListWhatTheNextSnapshotWouldAddRemoveChangeAndMove() throws IOException {
        write("keep/a", "a");
        write("keep/b", "bbbb");
        write("gone/c", "c");
        write("move/d", "moved bytes");
        write("move/e", "stays");
        DatasetVersion v1 = datasets.snapshot("d").directory(source).commit();

        write("keep/new", "new");
        Files.write(source.resolve("keep/b"), "BBBB".getBytes(StandardCharsets.UTF_8)); // same size, mtime restored
        Files.setLastModifiedTime(source.resolve("keep/b"), FileTime.from(old));
        Files.delete(source.resolve("gone/c"));
        Files.delete(source.resolve("gone"));
        Files.move(
                source.resolve("move/d"),
                Files.createDirectories(source.resolve("there")).resolve("d2"));
        Files.createDirectories(source.resolve("empty"));

        DatasetStatus status = datasets.status("d", source);

        assertThat(status.added()).containsExactly("empty/", "keep/new");
        assertThat(status.removed()).containsExactly("gone/c");
        assertThat(status.modified()).containsExactly("keep/b");
        assertThat(status.moved()).containsExactly(new DatasetStatus.Move("move/d", "there/d2"));
        DatasetVersion v2 = datasets.snapshot("d").directory(source).commit();
        DatasetDiff diff = datasets.diff(v1, v2);
        List<String> added = new ArrayList<>(status.added());
        status.moved().forEach(m -> added.add(m.to()));
        List<String> removed = new ArrayList<>(status.removed());
        status.moved().forEach(m -> removed.add(m.from()));
        assertThat(diff.added()).containsExactlyInAnyOrderElementsOf(added);
        assertThat(diff.removed()).containsExactlyInAnyOrderElementsOf(removed);
        assertThat(diff.changed()).containsExactlyElementsOf(status.modified());
        assertThat(datasets.status("d", source).isClean()).isTrue();
    }

    @Test
    void shouldSayThatTheDatasetHasNoVersionYet() throws IOException {
        write("a", "a");

        assertThatThrownBy(() -> datasets.status("never", source))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("'never' has no version")
                .hasMessageContaining("snapshot it first");
    }

    @Test
    void shouldSayWhichDirectoryIsMissing() throws IOException {
        write("a", "a");
        var unused = datasets.snapshot("d").directory(source).commit();

        assertThatThrownBy(() -> datasets.status("d", temp.resolve("nowhere")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nowhere")
                .hasMessageContaining("does not exist");
    }

    private void write(String relative, String content) throws IOException {
        Path file = source.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(file, FileTime.from(old));
    }
}
