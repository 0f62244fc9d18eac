package org.mlops4j.data;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What produced a derived dataset version: a named step, the code revision that ran it, and its parameters.
 *
 * @param name the step's name, e.g. {@code split}
 * @param codeRevision the code's revision, e.g. a git commit
 * @param params the parameters, as text (sorted by key)
 */
public record Transform(String name, String codeRevision, Map<String, String> params) {
    /**
     * Validates and copies the value.
     *
     * @throws IllegalArgumentException if the name or revision is blank
     */
    public Transform {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(codeRevision, "codeRevision");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a transform needs a name, e.g. 'split'");
        }
        if (codeRevision.isBlank()) {
            throw new IllegalArgumentException("transform '" + org.mlops4j.internal.Redaction.abbreviate(name)
                    + "' needs a code revision, e.g. a git commit; use 'unknown' if there is none");
        }
        params = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(params, "params")));
    }
}
