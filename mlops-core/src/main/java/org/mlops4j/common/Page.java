package org.mlops4j.common;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing, and the token that fetches the next one.
 *
 * @param items the items on this page, in the listing's order
 * @param continuationToken the token for the next page, or {@code null} on the last page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String continuationToken) {
    /** Copies the items. */
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /** Returns the token for the next page, empty on the last page. */
    public Optional<String> nextToken() {
        return Optional.ofNullable(continuationToken);
    }
}
