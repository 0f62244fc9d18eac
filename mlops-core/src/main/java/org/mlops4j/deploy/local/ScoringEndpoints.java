package org.mlops4j.deploy.local;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints a local target serves, looked up by name on every request. Implementations are thread-safe and
 * cheap to call: a lookup is a map read.
 */
public interface ScoringEndpoints {
    /**
     * Lists the endpoints that have at least one slot taking traffic.
     *
     * @return their names, sorted
     */
    List<String> names();

    /**
     * Looks up an endpoint on the request path.
     *
     * @param name the endpoint's name as it came in the request (not yet validated)
     * @return the endpoint, or {@code null} if none of that name is served (a hot-path lookup, like {@code Map.get})
     */
    @Nullable
    ScoringEndpoint find(String name);
}
