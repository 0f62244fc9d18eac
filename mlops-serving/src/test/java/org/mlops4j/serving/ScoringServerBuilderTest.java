package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each rule of the builder, one test each (STYLE A2, T2). */
class ScoringServerBuilderTest {
    private final FakeEndpoints endpoints = new FakeEndpoints().linear("churn");

    @Test
    void shouldRequireEndpoints() {
        assertThatThrownBy(() -> ScoringServer.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endpoints(…)");
    }

    @Test
    void shouldRefuseANonLoopbackHostUnlessAllowed() {
        assertThatThrownBy(() -> ScoringServer.builder()
                        .endpoints(endpoints)
                        .host("0.0.0.0")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("allowNonLoopback()");
    }

    @Test
    void shouldRefuseAHostThatDoesNotResolve() {
        assertThatThrownBy(() -> ScoringServer.builder()
                        .endpoints(endpoints)
                        .host("no-such-host.invalid")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot resolve host 'no-such-host.invalid'");
        assertThatThrownBy(() -> ScoringServer.builder().host(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseASettingSetTwice() {
        assertThatThrownBy(() -> ScoringServer.builder().threads(2).threads(3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("threads was already set on this ScoringServer builder");
        assertThatThrownBy(() -> ScoringServer.builder().endpoints(endpoints).endpoints(endpoints))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ScoringServer.builder().allowedHosts("a").allowedHosts("b"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseAPortOutsideItsRange() {
        assertThatThrownBy(() -> ScoringServer.builder().port(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be within 0..65535 (0 for a free one), got -1");
        assertThatThrownBy(() -> ScoringServer.builder().port(65536)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseCountsOutsideTheirRanges() {
        assertThatThrownBy(() -> ScoringServer.builder().maxRequestBytes(0))
                .hasMessage("maxRequestBytes must be within 1..2^31-2, got 0");
        assertThatThrownBy(() -> ScoringServer.builder().threads(0))
                .hasMessage("threads must be within 1..1024, got 0");
        assertThatThrownBy(() -> ScoringServer.builder().queueCapacity(-1))
                .hasMessage("queueCapacity must be within 0..100000, got -1");
        assertThatThrownBy(() -> ScoringServer.builder().maxConnections(0))
                .hasMessage("maxConnections must be within 1..1000000, got 0");
    }

    @Test
    void shouldRefuseTimeoutsShorterThanAMillisecond() {
        assertThatThrownBy(() -> ScoringServer.builder().headerTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("headerTimeout must be at least 1 ms, got PT0S");
        assertThatThrownBy(() -> ScoringServer.builder().bodyTimeout(Duration.ofNanos(10)))
                .hasMessageContaining("bodyTimeout must be at least 1 ms");
        assertThatThrownBy(() -> ScoringServer.builder().idleTimeout(Duration.ofSeconds(-1)))
                .hasMessageContaining("idleTimeout must be at least 1 ms");
    }

    @Test
    void shouldRefuseAnAllowedHostThatIsNotABareHost() {
        assertThatThrownBy(() -> ScoringServer.builder().allowedHosts("https://scoring.internal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'https://scoring.internal'");
    }

    @Test
    void shouldStartWithEveryOptionAndDescribeItself() {
        try (ScoringServer server = ScoringServer.builder()
                .endpoints(endpoints)
                .host("localhost")
                .port(0)
                .maxRequestBytes(1000)
                .threads(2)
                .queueCapacity(0)
                .maxConnections(10)
                .headerTimeout(Duration.ofSeconds(2))
                .bodyTimeout(Duration.ofSeconds(3))
                .idleTimeout(Duration.ofSeconds(4))
                .allowedHosts("scoring.internal")
                .build()) {
            assertThat(server.getPort()).isPositive();
            assertThat(server.getBaseUri()).matches("http://(127\\.0\\.0\\.1|\\[0:0:0:0:0:0:0:1\\]):\\d+");
            assertThat(server.toString())
                    .contains("threads=2, queueCapacity=0, maxConnections=10, headerTimeout=PT2S, bodyTimeout=PT3S,"
                            + " idleTimeout=PT4S, maxRequestBytes=1000");
            assertThat(Http.post(server.getBaseUri() + "/endpoints/churn/score", Http.rows(1))
                            .statusCode())
                    .isEqualTo(200);
            server.close();
            server.close(); // idempotent
            assertThat(server.toString()).endsWith(", closed}");
        }
    }
}
