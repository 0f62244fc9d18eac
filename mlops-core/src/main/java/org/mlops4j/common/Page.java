package org.mlops4j.common;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing, and the token that fetches the next one.
 *
 * @param items the items on this page, in the listing's order
 * @param continuationToken the token for the next page, or {@code null} on the last page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String continuationToken) {
    /** How many items {@link #toString()} shows. */
    private static final int SHOWN = 10;

    /** Copies the items. */
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /**
     * Shows the item count, the first items and whether a page follows: {@code Page[3 items: a, b, c; last]} or
     * {@code Page[50 items: a, …, j, …; next: <token>]}.
     */
    @Override
    public String toString() {
        StringJoiner shown = new StringJoiner(", ", "Page[" + items.size() + " items: ", "");
        items.stream().limit(SHOWN).forEach(item -> shown.add(String.valueOf(item)));
        if (items.size() > SHOWN) {
            shown.add("…");
        }
        return shown + (continuationToken == null ? "; last]" : "; next: " + continuationToken + "]");
    }

    /** Returns the token for the next page, empty on the last page. */
    public Optional<String> nextToken() {
        return Optional.ofNullable(continuationToken);
    }
}
