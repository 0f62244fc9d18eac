package org.mlops4j.pipeline;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a pipeline's listeners register: one {@code onXxx} method per event kind. Thread-safe; listeners are called
 * synchronously on the running thread, in registration order.
 */
public final class PipelineEventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineEventPublisher.class);

    private final List<PipelineListener> listeners = new CopyOnWriteArrayList<>();

    PipelineEventPublisher() {}

    /**
     * Registers a consumer of step-started events.
     *
     * @param consumer the consumer; fast, never throwing
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public PipelineEventPublisher onStepStarted(Consumer<PipelineEvent.StepStarted> consumer) {
        return listener(new Typed<>(PipelineEvent.StepStarted.class, consumer));
    }

    /**
     * Registers a consumer of step-finished events.
     *
     * @param consumer the consumer; fast, never throwing
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public PipelineEventPublisher onStepFinished(Consumer<PipelineEvent.StepFinished> consumer) {
        return listener(new Typed<>(PipelineEvent.StepFinished.class, consumer));
    }

    /**
     * Registers a consumer of run-finished events.
     *
     * @param consumer the consumer; fast, never throwing
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public PipelineEventPublisher onRunFinished(Consumer<PipelineEvent.RunFinished> consumer) {
        return listener(new Typed<>(PipelineEvent.RunFinished.class, consumer));
    }

    /**
     * Registers a listener of every event kind.
     *
     * @param listener the listener
     * @return this publisher
     */
    @CanIgnoreReturnValue
    public PipelineEventPublisher listener(PipelineListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    void publish(PipelineEvent event) {
        for (PipelineListener listener : listeners) {
            try {
                if (event instanceof PipelineEvent.StepStarted e) {
                    listener.onStepStarted(e);
                } else if (event instanceof PipelineEvent.StepFinished e) {
                    listener.onStepFinished(e);
                } else if (event instanceof PipelineEvent.RunFinished e) {
                    listener.onRunFinished(e);
                }
            } catch (RuntimeException e) {
                LOG.debug("pipeline listener {} threw on {}", listener, event, e);
            }
        }
    }

    @Override
    public String toString() {
        return "PipelineEventPublisher{" + listeners.size() + " listeners}";
    }

    /** Hands the events of one kind to a consumer and ignores the others. */
    private record Typed<E extends PipelineEvent>(Class<E> kind, Consumer<E> consumer) implements PipelineListener {
        Typed {
            Objects.requireNonNull(consumer, "consumer");
        }

        @Override
        public void onStepStarted(PipelineEvent.StepStarted event) {
            deliver(event);
        }

        @Override
        public void onStepFinished(PipelineEvent.StepFinished event) {
            deliver(event);
        }

        @Override
        public void onRunFinished(PipelineEvent.RunFinished event) {
            deliver(event);
        }

        private void deliver(PipelineEvent event) {
            if (kind.isInstance(event)) {
                consumer.accept(kind.cast(event));
            }
        }
    }
}
