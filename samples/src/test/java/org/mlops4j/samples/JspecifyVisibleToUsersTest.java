package org.mlops4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mlops4j.Mlops;

/**
 * Issue 18: JSpecify was a {@code provided} dependency of mlops-core, so a project that depends on mlops-core (as this
 * module does) never had the annotations on its class path, and its IDE, NullAway or Kotlin could not read which
 * values may be null.
 */
class JspecifyVisibleToUsersTest {
    @Test
    void shouldSeeTheNullnessAnnotationsWhenDependingOnMlopsCore() throws Exception {
        ClassLoader users = JspecifyVisibleToUsersTest.class.getClassLoader();
        @SuppressWarnings("unchecked")
        Class<? extends java.lang.annotation.Annotation> nullMarked = (Class<? extends java.lang.annotation.Annotation>)
                Class.forName("org.jspecify.annotations.NullMarked", false, users);

        assertThat(Mlops.class.getPackage().isAnnotationPresent(nullMarked))
                .as("org.mlops4j is @NullMarked, as the user's tools see it")
                .isTrue();
    }
}
