package org.mlops4j.data.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Asserts that a plain form holds only String, Long, Boolean, List and Map with String keys: no floating point. */
final class PlainTypes {
    private PlainTypes() {}

    static void assertPlain(Object value) {
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                assertThat(e.getKey()).isInstanceOf(String.class);
                assertPlain(e.getValue());
            }
        } else if (value instanceof List) {
            for (Object o : (List<?>) value) {
                assertPlain(o);
            }
        } else {
            assertThat(value).isInstanceOfAny(String.class, Long.class, Boolean.class);
        }
    }
}
