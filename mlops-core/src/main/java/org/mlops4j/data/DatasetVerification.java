package org.mlops4j.data;

import java.util.List;

/**
 * The outcome of {@link Datasets#verify(DatasetVersion)}.
 *
 * @param version the version checked
 * @param filesChecked files re-hashed
 * @param bytesChecked bytes re-hashed
 * @param problems one line per problem; empty when every byte, tree and lineage edge is as recorded
 * @param edgesRepaired lineage index entries that were missing and were written again
 */
public record DatasetVerification(
        DatasetRef version, long filesChecked, long bytesChecked, List<String> problems, int edgesRepaired) {
    /** Copies the list. */
    public DatasetVerification {
        problems = List.copyOf(problems);
    }

    /** Returns true when no problem was found. */
    public boolean isClean() {
        return problems.isEmpty();
    }
}
