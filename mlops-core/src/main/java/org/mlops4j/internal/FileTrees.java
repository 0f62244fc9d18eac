package org.mlops4j.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory trees on the local disk: scratch and cache directories the library made and removes again. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes a file or a directory with everything under it, deepest first; nothing if it does not exist.
     *
     * @param root the file or directory
     * @throws IOException if something cannot be deleted (what was deleted before stays deleted)
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) { // the walk's own failures come wrapped
            throw e.getCause();
        }
    }
}
