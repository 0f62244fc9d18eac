package org.mlops4j.deploy.local;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one scoring call, before it is written as HTTP.
 *
 * @param status the HTTP status to answer: 200, 400 (the rows were rejected), 500 (the model failed) or 503 (no slot
 *     takes traffic)
 * @param predictions one prediction per row when the status is 200, else empty
 * @param error what went wrong and what to do, when the status is not 200, else {@code null}
 * @param slot the slot that answered, or {@code null} when none did
 * @param model the model version that answered ({@code name@version}), or {@code null} when none did
 */
public record Scored(
        int status,
        List<Object> predictions,
        @Nullable String error,
        @Nullable String slot,
        @Nullable String model) {
    /**
     * Checks that a 200 answer carries predictions and no error, and any other answer an error.
     *
     * @throws IllegalArgumentException if the status and the parts disagree
     */
    public Scored {
        // a prediction may be null (JSON null), which List.copyOf refuses
        predictions = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(predictions, "predictions")));
        if ((status == 200) != (error == null)) {
            throw new IllegalArgumentException("a 200 answer has no error and any other one has an error, got status "
                    + status + " with error " + error);
        }
    }
}
