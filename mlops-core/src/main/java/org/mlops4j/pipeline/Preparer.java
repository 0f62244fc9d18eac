package org.mlops4j.pipeline;

import java.nio.file.Path;

/** Writes a derived dataset's files from a run's pinned inputs (a split, a feature table). A lambda fits. */
@FunctionalInterface
public interface Preparer {
    /**
     * Writes the derived dataset's files. Write the same bytes for the same inputs: a resumed run then gets the same
     * dataset version back instead of a new one.
     *
     * @param context the run's pinned datasets
     * @param output an empty directory to write into
     */
    void prepare(RunContext context, Path output);
}
