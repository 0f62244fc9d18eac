package org.mlops4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The build runs tests with a UTF-8 locale (DESIGN §3.2); fail fast, with a clear message, if it does not. */
class EncodingTest {
    @Test
    void shouldRunTestsWithUtf8FileNamesAndContents() {
        assertThat(System.getProperty("sun.jnu.encoding"))
                .as("sun.jnu.encoding: run the build with LANG=C.UTF-8 (Surefire sets it for forked tests)")
                .isEqualToIgnoringCase("UTF-8");
        assertThat(System.getProperty("file.encoding")).isEqualToIgnoringCase("UTF-8");
    }
}
