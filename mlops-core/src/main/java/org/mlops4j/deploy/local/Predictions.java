package org.mlops4j.deploy.local;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a predictor's answer before it is sent: one prediction per row, each JSON as the scoring endpoint promises
 * (finite numbers, strings, booleans, {@code null}, and lists or maps of them). A NaN or an infinity is refused rather
 * than written as a string a client would have to special-case.
 */
final class Predictions {
    private static final int MAX_DEPTH = 32;

    private Predictions() {}

    /**
     * Finds what is wrong with an answer.
     *
     * @param answer the predictor's answer
     * @param rows how many rows were scored
     * @return what is wrong, worded to follow "model x@1 returned …", or null if the answer can be sent
     */
    static @Nullable String problem(@Nullable List<Object> answer, int rows) {
        if (answer == null) {
            return "nothing for " + rows + " rows";
        }
        if (answer.size() != rows) {
            return answer.size() + " predictions for " + rows + " rows";
        }
        for (int i = 0; i < answer.size(); i++) {
            String bad = problem(answer.get(i), 0);
            if (bad != null) {
                return bad + " for row " + i + "; a prediction is a finite number, a string, a boolean, null, or a"
                        + " list or map of them";
            }
        }
        return null;
    }

    private static @Nullable String problem(@Nullable Object value, int depth) {
        if (depth > MAX_DEPTH) {
            return "a value nested deeper than " + MAX_DEPTH + " levels";
        }
        if (value == null || value instanceof String || value instanceof Boolean) {
            return null;
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) ? null : "a non-finite number (" + d + ")";
        }
        if (value instanceof Float f) {
            return Float.isFinite(f) ? null : "a non-finite number (" + f + ")";
        }
        if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger
                || value instanceof BigDecimal) {
            return null;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                String bad = problem(item, depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String)) {
                    return "a map key that is not a string (" + entry.getKey() + ")";
                }
                String bad = problem(entry.getValue(), depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        }
        return "a " + value.getClass().getName() + ", which is not JSON";
    }
}
