package org.mlops4j.pipeline;

/**
 * Receives a pipeline's events; every method has a no-op default, so new events break no listener. Listeners are
 * called on the running thread, must be fast and must not throw (a throwing listener is logged at DEBUG and ignored).
 */
public interface PipelineListener {
    /**
     * A step started.
     *
     * @param event the event
     */
    default void onStepStarted(PipelineEvent.StepStarted event) {}

    /**
     * A step finished.
     *
     * @param event the event
     */
    default void onStepFinished(PipelineEvent.StepFinished event) {}

    /**
     * A run finished.
     *
     * @param event the event
     */
    default void onRunFinished(PipelineEvent.RunFinished event) {}
}
