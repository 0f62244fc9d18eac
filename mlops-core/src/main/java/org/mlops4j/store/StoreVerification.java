package org.mlops4j.store;

import java.util.List;

/**
 * The outcome of checking a whole store.
 *
 * @param contentObjects how many content objects were re-hashed
 * @param otherObjects how many records and pointers were read
 * @param problems one line per problem found; empty when the store is clean
 */
public record StoreVerification(long contentObjects, long otherObjects, List<String> problems) {
    /** Copies the list. */
    public StoreVerification {
        problems = List.copyOf(problems);
    }

    /** Returns true when no problem was found. */
    public boolean isClean() {
        return problems.isEmpty();
    }
}
