package org.mlops4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HostNameTest {
    @Test
    void shouldGiveTheNameTheJdkGivesSoThatExistingStatCachesStayValid() throws IOException {
        // the JDK's lookup fails where the name does not resolve; this machine's does (CI's too)
        assertThat(HostName.get())
                .isEqualTo(InetAddress.getLocalHost().getHostName())
                .isNotBlank();
    }
}
