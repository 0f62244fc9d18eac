package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.Mlops;
import org.mlops4j.store.ObjectStore;
import org.mlops4j.store.TestStores;

/**
 * A top-level name such as {@code C:data} reads as a Windows drive. The directory walk used to accept it while
 * {@code files()}, {@code open} and {@code checkout} refused it, so a snapshot could not be checked out anywhere
 * (found by the dataset property tests in mlops-test).
 */
class DriveNameTest {
    @TempDir
    Path temp;

    private ObjectStore lake;
    private Mlops mlops;
    private Path source;

    @BeforeEach
    void open() throws IOException {
        lake = TestStores.open(temp.resolve("lake"));
        mlops = Mlops.builder().objectStore(lake).cacheDirectory(null).build();
        source = Files.createDirectories(temp.resolve("source"));
    }

    @AfterEach
    void close() {
        mlops.close();
        lake.close();
    }

    @Test
    void shouldRefuseTheSnapshotWhenATopLevelNameStartsWithADrive() throws IOException {
        Files.writeString(source.resolve("M:os1K"), "x");

        assertThatThrownBy(
                        () -> mlops.datasets().snapshot("d").directory(source).commit())
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("M:os1K");
        assertThat(mlops.datasets().findLatest("d")).isEmpty();
    }

    @Test
    void shouldRoundTripColonsWhenTheyDoNotFormADrive() throws IOException {
        Files.writeString(source.resolve("1:x"), "digit first");
        Files.writeString(source.resolve("::"), "colons");
        Files.createDirectories(source.resolve("sub"));
        Files.writeString(source.resolve("sub/C:x"), "below the top");

        DatasetVersion version =
                mlops.datasets().snapshot("d").directory(source).commit();
        Path out = temp.resolve("out");

        assertThat(mlops.datasets().checkout(version, out)).isEqualTo(3);
        assertThat(out.resolve("1:x")).hasContent("digit first");
        assertThat(out.resolve("::")).hasContent("colons");
        assertThat(out.resolve("sub/C:x")).hasContent("below the top");
    }
}
