package org.mlops4j.deploy;

import java.util.List;
import java.util.Map;

/**
 * A loaded model that answers scoring requests. Made by a {@link ModelLoader}; must be thread-safe, since an endpoint
 * calls it from many request threads.
 */
public interface Predictor extends AutoCloseable {
    /**
     * Scores rows.
     *
     * @param rows one map per row, column name to value (numbers as {@link Number}, text as {@link String}), as they
     *     came in the request's JSON
     * @return one answer per row, in order; each a JSON-ready value (a number, a string, a list or a map)
     * @throws IllegalArgumentException if a row lacks a column the model needs or has a value of the wrong type; the
     *     message names the row index and the column
     */
    List<Object> predict(List<Map<String, Object>> rows);

    /** Releases native resources (an ONNX session); the default does nothing. */
    @Override
    default void close() {}
}
