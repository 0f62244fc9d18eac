package org.mlops4j.pipeline;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.mlops4j.data.DatasetVersion;

/**
 * What a {@link Trainer} or {@link Preparer} sees of its run: the dataset versions pinned for it (the trigger's,
 * the holdout and the prepared ones so far), its id and a scratch directory. Immutable.
 */
public final class RunContext {
    private final PipelineServices services;
    private final RunId runId;
    private final Map<String, DatasetVersion> datasets;
    private final Path workDirectory;
    private final String codeRevision;

    RunContext(
            PipelineServices services,
            RunId runId,
            Map<String, DatasetVersion> datasets,
            Path workDirectory,
            String codeRevision) {
        this.services = services;
        this.runId = runId;
        this.datasets = Map.copyOf(datasets);
        this.workDirectory = workDirectory;
        this.codeRevision = codeRevision;
    }

    /**
     * Returns the version of a dataset pinned for this run.
     *
     * @param name the dataset's name
     * @return its version
     * @throws IllegalArgumentException if the run has no such dataset, naming the ones it has
     */
    public DatasetVersion dataset(String name) {
        DatasetVersion version = datasets.get(Objects.requireNonNull(name, "name"));
        if (version == null) {
            throw new IllegalArgumentException("run " + runId + " has no dataset '" + name + "'; it has "
                    + datasets.keySet() + " (the trigger's datasets, the holdout and the prepared ones)");
        }
        return version;
    }

    /** Returns every pinned dataset version by name. */
    public Map<String, DatasetVersion> getDatasets() {
        return datasets;
    }

    /** Returns the run's id. */
    public RunId getRunId() {
        return runId;
    }

    /** Returns a scratch directory of this step of this run: empty when the step starts, deleted when the run finishes. */
    public Path getWorkDirectory() {
        return workDirectory;
    }

    /** Returns the code revision the pipeline was built with. */
    public String getCodeRevision() {
        return codeRevision;
    }

    /** Returns the services the pipeline runs on, for reading datasets ({@code getServices().datasets().open(…)}). */
    public PipelineServices getServices() {
        return services;
    }

    @Override
    public String toString() {
        return "RunContext{" + runId + ", datasets=" + datasets.values() + "}";
    }
}
