package org.mlops4j.deploy.local;

import java.util.List;
import java.util.Map;
import org.mlops4j.deploy.SlotStatus;

/**
 * One served endpoint: scores rows in this JVM on a slot picked by the traffic split. Thread-safe.
 */
public interface ScoringEndpoint {
    /**
     * Returns the endpoint's name.
     *
     * @return the name
     */
    String name();

    /**
     * Scores rows on a slot picked by the endpoint's traffic split, counts the call in that slot's counters (latency,
     * and an error for a 5xx answer) and, where a shadow slot is set, scores a copy there afterwards with its answer
     * thrown away. A model's failure does not throw: it is an answer with status 500 (or 400 when the model rejects
     * the rows with an {@link IllegalArgumentException}). Predictions in a 200 answer are JSON-encodable: finite
     * numbers, strings, booleans, {@code null}, and lists or maps of them; a model that returns a NaN or an infinity
     * gets a 500 answer that says so.
     *
     * @param rows one map per row, column to a number, string or boolean
     * @return the answer
     */
    Scored score(List<Map<String, Object>> rows);

    /**
     * Describes the endpoint's slots now: model, traffic and shadow shares, counters since the slot was loaded.
     *
     * @return the slots; empty once the endpoint stops taking traffic
     */
    List<SlotStatus> slots();
}
