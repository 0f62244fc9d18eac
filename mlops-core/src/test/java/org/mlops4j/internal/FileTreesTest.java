package org.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void shouldDeleteADirectoryWithEverythingUnderIt() throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("a/b/empty"));
        Files.writeString(root.resolve("a/b/file.txt"), "x");
        Files.writeString(root.resolve("top.txt"), "y");
        Files.createSymbolicLink(root.resolve("link"), dir); // removed as a link: what it points to stays

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(dir).isDirectory();
    }

    @Test
    void shouldDeleteAFileAndDoNothingWhenAbsent() throws IOException {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");

        FileTrees.delete(file);
        FileTrees.delete(dir.resolve("absent"));

        assertThat(file).doesNotExist();
    }
}
