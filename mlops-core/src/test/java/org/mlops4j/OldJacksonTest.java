package org.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: with Jackson 2.17.2 (Spring Boot 3.3's pin) {@code Mlops.local()} failed with
 * {@code NoSuchFieldError: COMBINE_UNICODE_SURROGATES_IN_UTF8}. It must fail at start with an
 * {@link IllegalStateException} that names the version found, the version needed and the fix. The library is loaded in
 * its own class loader with the old Jackson (copied to {@code target/old-jackson} by the build) instead of ours.
 */
class OldJacksonTest {
    @TempDir
    Path home;

    @Test
    void shouldNameFoundAndRequiredVersionWhenJackson217IsOnTheClassPath() throws Exception {
        Throwable thrown;
        try (URLClassLoader withOldJackson = new URLClassLoader(classPathWithOldJackson(), null)) {
            Class<?> mlops = Class.forName(Mlops.class.getName(), true, withOldJackson);
            try {
                Object opened = mlops.getMethod("local", Path.class).invoke(null, home);
                ((AutoCloseable) opened).close();
                thrown = null;
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
        }

        assertThat(thrown)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs Jackson 2.18.2 or newer")
                .hasMessageContaining("jackson-core 2.17.2 is on the class path")
                .hasMessageContaining("jackson-bom");
        assertThat(home.resolve("lake")).doesNotExist();
    }

    private static URL[] classPathWithOldJackson() throws Exception {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(Path.of("target", "old-jackson"))) {
            for (Path jar : jars.sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        assertThat(urls)
                .as("the build copies Jackson 2.17.2 to target/old-jackson")
                .hasSize(3);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.replace('\\', '/').contains("/com/fasterxml/jackson/")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }
}
