package org.mlops4j.samples;

import java.nio.file.Path;
import java.util.Map;
import org.mlops4j.compare.Evaluation;
import org.mlops4j.pipeline.PipelineRun;
import org.mlops4j.registry.ModelVersion;

/**
 * What the quickstart did, for its test and for hosts that embed it.
 *
 * @param first the first pipeline run (first model, first deployment)
 * @param retrain the run the drift trigger started
 * @param rejected the run of the deliberately worse model
 * @param champion the model version live at the end
 * @param challengerEvaluation the retrained model's evaluation on the drifted holdout
 * @param baselineAccuracy the majority-class baseline's accuracy on the same holdout
 * @param scoreStatus the HTTP status of the last {@code /score} call
 * @param scoreModel the model version that answered it
 * @param servedDuringCanary answers by model version while the canary moved traffic
 * @param failedCalls calls that failed during the canary
 * @param markdown the Markdown report
 * @param html the HTML report
 */
public record QuickstartResult(
        PipelineRun first,
        PipelineRun retrain,
        PipelineRun rejected,
        ModelVersion champion,
        Evaluation challengerEvaluation,
        double baselineAccuracy,
        int scoreStatus,
        String scoreModel,
        Map<String, Long> servedDuringCanary,
        long failedCalls,
        Path markdown,
        Path html) {
    /** Copies the counts. */
    public QuickstartResult {
        servedDuringCanary = Map.copyOf(servedDuringCanary);
    }
}
