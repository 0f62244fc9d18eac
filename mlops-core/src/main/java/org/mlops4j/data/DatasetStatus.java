package org.mlops4j.data;

import java.util.List;
import java.util.Objects;

/**
 * How a working directory differs from a dataset version, as {@code dataset status} or {@code dvc status} would say:
 * paths relative to the directory ({@code /}-separated), each list sorted by UTF-8 bytes. Empty directories appear
 * with a trailing {@code /} in {@code added} and {@code removed}. A file whose bytes appear under another path (and
 * no longer under the old one) is a {@link Move}, not an addition and a removal.
 *
 * <p>Example: {@code mlops.datasets().status("churn-raw", Path.of("data")).isClean()}.
 *
 * @param base the version compared with
 * @param added paths only in the directory
 * @param removed paths only in the version
 * @param modified files in both, with other bytes or another executable bit
 * @param moved files whose bytes moved from a path of the version to a new path
 */
public record DatasetStatus(
        DatasetRef base, List<String> added, List<String> removed, List<String> modified, List<Move> moved) {
    /**
     * A file found under a new path with the bytes a removed path had.
     *
     * @param from its path in the version
     * @param to its path in the directory
     */
    public record Move(String from, String to) {
        /** Checks the paths. */
        public Move {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** Copies the lists. */
    public DatasetStatus {
        Objects.requireNonNull(base, "base");
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        modified = List.copyOf(modified);
        moved = List.copyOf(moved);
    }

    /** Returns true when the directory holds exactly the version's files. */
    public boolean isClean() {
        return added.isEmpty() && removed.isEmpty() && modified.isEmpty() && moved.isEmpty();
    }
}
