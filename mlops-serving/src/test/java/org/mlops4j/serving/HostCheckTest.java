package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostCheckTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void shouldAcceptLoopbackNamesAndAddressesWithOrWithoutAPort() {
        HostCheck check = new HostCheck(Set.of(), LOOPBACK);

        for (String host : new String[] {
            "localhost",
            "LocalHost:8080",
            "localhost.",
            "a.b.localhost:1",
            "127.0.0.1",
            "127.1.2.3:80",
            "[::1]",
            "[::1]:8080",
            "[0:0:0:0:0:0:0:1]",
            "[::ffff:127.0.0.1]"
        }) {
            assertThat(check.refuse(host)).as(host).isNull();
        }
    }

    @Test
    void shouldRefuseOtherNamesWith403AndMalformedOrMissingHostsWith400() {
        HostCheck check = new HostCheck(Set.of(), LOOPBACK);

        for (String host : new String[] {
            "attacker.example",
            "localhost.attacker.example",
            "localhostx",
            "10.0.0.1",
            "[::2]",
            "127.0.0.1.nip.io",
            "0x7f000001"
        }) {
            assertThat(check.refuse(host))
                    .as(host)
                    .extracting(HostCheck.Refusal::status)
                    .isEqualTo(403);
        }
        for (String host : new String[] {"a:b:c", "[::1", "[::1]x", "host:port", "host:123456", ":80"}) {
            assertThat(check.refuse(host))
                    .as(host)
                    .extracting(HostCheck.Refusal::status)
                    .isEqualTo(400);
        }
        assertThat(check.refuse(null)).extracting(HostCheck.Refusal::status).isEqualTo(400);
        assertThat(check.refuse("x".repeat(5000)).message()).hasSizeLessThan(400);
    }

    @Test
    void shouldAcceptConfiguredNamesAndTheBoundAddress() throws Exception {
        HostCheck check = new HostCheck(
                Set.of("Scoring.Internal", "10.1.2.3", "[fd00::1]"), InetAddress.getByName("192.168.7.7"));

        assertThat(check.refuse("scoring.internal:9000")).isNull();
        assertThat(check.refuse("10.1.2.3")).isNull();
        assertThat(check.refuse("[fd00:0::1]:1")).isNull();
        assertThat(check.refuse("192.168.7.7:8080")).isNull();
        assertThat(check.refuse("other.internal")).isNotNull();
        assertThat(new HostCheck(Set.of(), InetAddress.getByName("0.0.0.0")).refuse("0.0.0.0"))
                .isNotNull();
    }

    @Test
    void shouldRefuseAConfiguredEntryThatIsNotABareHost() {
        for (String entry : new String[] {"", "http://a", "a:80", "a/b", "a b", "user@a", "[::1"}) {
            assertThatThrownBy(() -> HostCheck.validate(entry))
                    .as(entry)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowedHosts takes bare host names or addresses");
        }
        assertThat(HostCheck.validate("::1")).isEqualTo("::1");
    }
}
