package org.mlops4j.deploy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.registry.ModelRef;

/** What is live on an endpoint: its slots, where it answers, and the last operation. Immutable. */
public final class EndpointStatus {
    private final String endpoint;
    private final List<SlotStatus> slots;
    private final @Nullable String scoringUri;
    private final long event;
    private final @Nullable OperationId lastOperation;
    private final OperationStatus lastStatus;

    /**
     * Creates a status (by the deployer).
     *
     * @param endpoint the endpoint's name
     * @param slots its slots
     * @param scoringUri where it answers, if it answers anywhere yet
     * @param event the number of the last deployment event (1 after the first apply)
     * @param lastOperation the last operation applied, if any
     * @param lastStatus where that operation is
     */
    EndpointStatus(
            String endpoint,
            List<SlotStatus> slots,
            @Nullable String scoringUri,
            long event,
            @Nullable OperationId lastOperation,
            OperationStatus lastStatus) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.slots = List.copyOf(slots);
        this.scoringUri = scoringUri;
        this.event = event;
        this.lastOperation = lastOperation;
        this.lastStatus = Objects.requireNonNull(lastStatus, "lastStatus");
    }

    /** Returns the endpoint's name. */
    public String getEndpoint() {
        return endpoint;
    }

    /** Returns its slots. */
    public List<SlotStatus> getSlots() {
        return slots;
    }

    /** Returns the model version with the largest share of traffic, if any slot has traffic. */
    public Optional<ModelRef> findLiveModel() {
        return slots.stream()
                .filter(s -> s.trafficPercent() > 0)
                .max(java.util.Comparator.comparingInt(SlotStatus::trafficPercent))
                .map(SlotStatus::model);
    }

    /** Returns where the endpoint answers, e.g. {@code http://127.0.0.1:41234/score}. */
    public Optional<String> findScoringUri() {
        return Optional.ofNullable(scoringUri);
    }

    /** Returns the number of the last deployment event. */
    public long getEvent() {
        return event;
    }

    /** Returns the last operation applied. */
    public Optional<OperationId> findLastOperation() {
        return Optional.ofNullable(lastOperation);
    }

    /** Returns where the last operation is. */
    public OperationStatus getLastStatus() {
        return lastStatus;
    }

    @Override
    public String toString() {
        return "EndpointStatus{" + endpoint + ", event " + event + ", "
                + slots.stream()
                        .map(s -> s.slot() + "=" + s.model() + " " + s.trafficPercent() + "%")
                        .toList() + ", last " + lastOperation + " " + lastStatus + "}";
    }
}
