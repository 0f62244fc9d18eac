package org.mlops4j.pipeline;

import java.util.Map;
import org.mlops4j.data.DatasetVersion;

/**
 * The run a call of the pipeline works on: a new one (the trigger fired, or a manual run) or one an earlier process
 * left unfinished, with its pinned inputs and its journal so far.
 *
 * @param runId the run
 * @param event why it runs
 * @param inputs the pinned dataset versions by name, sorted by name (not yet the prepared ones)
 * @param journal its journal as read (empty for a new run)
 */
record RunStart(RunId runId, TriggerEvent event, Map<String, DatasetVersion> inputs, Journal journal) {}
