package org.mlops4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlops4j.common.NotFoundException;
import org.mlops4j.registry.ModelRegistration;

/** Issue 18: a missing artifacts or data folder was reported as "a file vanished while … read it". */
class MissingFolderTest {
    @TempDir
    Path home;

    @Test
    void shouldSayTheFolderDoesNotExistWhenRegisteringAMissingArtifactsFolder() {
        Path missing = home.resolve("model");
        try (Mlops mlops = Mlops.local(home)) {
            assertThatThrownBy(() -> mlops.registry().register(new ModelRegistration("churn").artifacts(missing)))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("the directory " + missing.toAbsolutePath() + " does not exist")
                    .hasMessageNotContaining("vanished");
        }
    }

    @Test
    void shouldSayTheFolderDoesNotExistWhenSnapshottingAMissingDirectory() {
        Path missing = home.resolve("data/raw");
        try (Mlops mlops = Mlops.local(home)) {
            assertThatThrownBy(() -> mlops.datasets()
                            .snapshot("churn-raw")
                            .directory(missing)
                            .commit())
                    .isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("the directory " + missing.toAbsolutePath() + " does not exist")
                    .hasMessageNotContaining("vanished");
        }
    }

    @Test
    void shouldSayItIsNotADirectoryWhenGivenAFile() throws Exception {
        Path file = Files.writeString(home.resolve("model.json"), "{}");
        try (Mlops mlops = Mlops.local(home)) {
            assertThatThrownBy(() -> mlops.registry().register(new ModelRegistration("churn").artifacts(file)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toAbsolutePath() + " is a file, not a directory");
        }
    }
}
