package org.mlops4j.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.Version;
import org.junit.jupiter.api.Test;

class DependencyVersionsTest {
    @Test
    void shouldRefuseJackson2181WhichWritesCharactersBeyondTheBmpWrongly() {
        assertThatThrownBy(() -> DependencyVersions.requireJackson("jackson-core", version(2, 18, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs Jackson 2.18.2 or newer, but jackson-core 2.18.1 is on the class path");
    }

    @Test
    void shouldAcceptTheMinimumAndNewerVersions() {
        assertThatCode(() -> {
                    DependencyVersions.requireJackson("jackson-core", version(2, 18, 2));
                    DependencyVersions.requireJackson("jackson-databind", version(2, 19, 0));
                    DependencyVersions.requireJackson("jackson-databind", version(3, 0, 0));
                    DependencyVersions.requireSupported();
                })
                .doesNotThrowAnyException();
    }

    @Test
    void shouldLetAnUnknownVersionPassWhenJacksonIsRepackaged() {
        assertThatCode(() -> DependencyVersions.requireJackson("jackson-core", Version.unknownVersion()))
                .doesNotThrowAnyException();
    }

    private static Version version(int major, int minor, int patch) {
        return new Version(major, minor, patch, null, "com.fasterxml.jackson.core", "jackson-core");
    }
}
