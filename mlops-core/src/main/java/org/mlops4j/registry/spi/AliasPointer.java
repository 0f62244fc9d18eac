package org.mlops4j.registry.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.AliasEvent;
import org.mlops4j.store.ObjectTag;

/**
 * An alias pointer as a {@link RegistryDriver} stores it: the alias's last move (whose {@code toVersion} is 0 once the
 * alias was deleted), and the version tag to pass back to {@link RegistryDriver#writeAlias} for a compare-and-set.
 *
 * @param last the last move: the version the alias points to, its sequence number, who, which run, why
 * @param tag the backend's version tag (a generation, an ETag), or null where the backend has none
 */
public record AliasPointer(AliasEvent last, @Nullable ObjectTag tag) {
    /** Checks the value. */
    public AliasPointer {
        Objects.requireNonNull(last, "last");
    }
}
