package org.mlops4j.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonAnswersTest {
    private static String predictions(List<?> values) {
        return new String(JsonAnswers.predictions(values), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteEveryKindOfValueJsonCarries() {
        Map<String, Object> scores = new LinkedHashMap<>();
        scores.put("no", 0.25f);
        scores.put("yes", new BigDecimal("0.75"));
        List<Object> values = Arrays.asList(
                1,
                2L,
                (short) 3,
                (byte) 4,
                1.5,
                BigInteger.TEN.pow(30),
                "a\"b",
                true,
                null,
                scores,
                new double[] {1, 2},
                new float[] {0.5f},
                new int[] {7},
                new long[] {8},
                new Object[] {"x"});

        assertThat(predictions(values))
                .isEqualTo("{\"predictions\":[1,2,3,4,1.5,1000000000000000000000000000000,\"a\\\"b\",true,null,"
                        + "{\"no\":0.25,\"yes\":0.75},[1.0,2.0],[0.5],[7],[8],[\"x\"]]}");
    }

    @Test
    void shouldRefuseWhatJsonCannotCarryAndSayWhere() {
        assertThatThrownBy(() -> predictions(List.of(1.0, Double.NaN)))
                .isInstanceOf(JsonAnswers.NotJsonException.class)
                .hasMessage(".predictions[1] is NaN, which JSON cannot carry");
        assertThatThrownBy(() -> predictions(List.of(new double[] {1, Double.NEGATIVE_INFINITY})))
                .hasMessage(".predictions[0][1] is -Infinity, which JSON cannot carry");
        assertThatThrownBy(() -> predictions(List.of(Map.of("p", Float.POSITIVE_INFINITY))))
                .hasMessage(".predictions[0].p is Infinity, which JSON cannot carry");
        assertThatThrownBy(() -> predictions(List.of(new StringBuilder("x"))))
                .hasMessage(".predictions[0] is a java.lang.StringBuilder, which has no JSON form");
        assertThatThrownBy(() -> predictions(List.of(Map.of(1, 2))))
                .hasMessage(".predictions[0] is a map with a key of type java.lang.Integer");
        assertThatThrownBy(() -> predictions(List.of(new java.util.concurrent.atomic.AtomicLong())))
                .hasMessageContaining("has no JSON form");
    }

    @Test
    void shouldRefuseAPredictionThatContainsItself() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);

        assertThatThrownBy(() -> predictions(List.of(cycle))).hasMessageContaining("is nested deeper than 64 levels");
    }
}
