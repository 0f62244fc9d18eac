package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouteTest {
    @Test
    void shouldReadEachRoute() {
        assertThat(Route.parse("/health")).isEqualTo(new Route(Route.Kind.HEALTH, ""));
        assertThat(Route.parse("/endpoints/churn/score")).isEqualTo(new Route(Route.Kind.SCORE, "churn"));
        assertThat(Route.parse("/endpoints/churn/invocations")).isEqualTo(new Route(Route.Kind.INVOCATIONS, "churn"));
        assertThat(Route.parse("/endpoints/churn/health")).isEqualTo(new Route(Route.Kind.ENDPOINT_HEALTH, "churn"));
        assertThat(Route.parse("/endpoints/caf%C3%A9+1/score").endpoint()).isEqualTo("café+1");
    }

    @Test
    void shouldAnswerNoRouteForOtherPaths() {
        for (String path : new String[] {
            "/",
            "/health/",
            "/endpoints/churn",
            "/endpoints/churn/score/",
            "/endpoints/a/b/score",
            "/endpoints/churn/predict",
            "/other"
        }) {
            assertThat(Route.parse(path).kind()).as(path).isEqualTo(Route.Kind.NONE);
        }
    }

    @Test
    void shouldNeverDecodeAnEscapedSeparatorIntoAName() {
        assertThatThrownBy(() -> Route.decodeSegment("a%2Fb")).hasMessageContaining("encodes a '/' (%2F)");
        assertThatThrownBy(() -> Route.decodeSegment("a%2f")).hasMessageContaining("encodes a '/' (%2F)");
        assertThatThrownBy(() -> Route.decodeSegment("a%5Cb")).hasMessageContaining("encodes a '\\' (%5C)");
        assertThatThrownBy(() -> Route.decodeSegment("a%2")).hasMessageContaining("malformed %-escape");
        assertThatThrownBy(() -> Route.decodeSegment("a%zz")).hasMessageContaining("malformed %-escape");
        assertThatThrownBy(() -> Route.decodeSegment("%C3")).hasMessageContaining("does not decode as UTF-8");
    }
}
