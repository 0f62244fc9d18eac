package org.mlops4j.data;

import java.util.List;

/**
 * What changed between two dataset versions, as paths relative to the dataset's root ({@code /}-separated). Empty
 * directories appear with a trailing {@code /}. Each list is sorted by UTF-8 bytes.
 *
 * @param added paths only in the newer version
 * @param removed paths only in the older version
 * @param changed files in both, with other bytes or another executable bit
 */
public record DatasetDiff(List<String> added, List<String> removed, List<String> changed) {
    /** Copies the lists. */
    public DatasetDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /** Returns true when the versions hold the same files. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
