package org.mlops4j.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.lake.RecordFormat;
import org.mlops4j.lake.RecordReader;
import org.mlops4j.lake.RecordWriter;
import org.mlops4j.registry.ModelRef;

/**
 * An endpoint's desired state as the local deployer stores it under {@code deployments/<endpoint>/state.json},
 * moved only by compare-and-set: the slots with their models and shares, the number of the last event, and the last
 * (or running) operation. The event record and the finished operation's record are derived from it and written
 * after each move (and again by the next writer, if the mover died first). Immutable.
 *
 * @param endpoint the endpoint's name
 * @param event the number of the last event, 0 before the first
 * @param slots the slots
 * @param operation the running operation, or the last one to end; null before the first
 */
record EndpointState(
        String endpoint,
        long event,
        List<SlotState> slots,
        @Nullable OperationState operation) {
    static final RecordFormat STATE_FORMAT = RecordFormat.of("mlops4j.deployment-state", 1);
    static final RecordFormat OPERATION_FORMAT = RecordFormat.of("mlops4j.deployment-operation", 1);

    EndpointState {
        Objects.requireNonNull(endpoint, "endpoint");
        slots = List.copyOf(slots);
    }

    /**
     * One slot as desired.
     *
     * @param name blue or green
     * @param model the model version it serves
     * @param traffic share of callers, 0..100
     * @param shadow share of requests copied to it, 0..100
     */
    record SlotState(String name, ModelRef model, int traffic, int shadow) {}

    /**
     * An operation as recorded: enough to report it, to continue a canary after a restart, and to write its event.
     *
     * @param id the operation's id
     * @param status where it is
     * @param model the model version it deploys
     * @param previous the model version live before it
     * @param rollout the rollout as text
     * @param reason why it ended as it did, or what it is doing
     * @param event the event it wrote, 0 while it runs
     * @param started when it started
     * @param ended when it ended
     * @param newSlot the slot the model went into
     * @param oldSlot the slot that answered before, if any
     * @param steps a canary's shares for the new slot (empty for other rollouts)
     * @param step the index of the current canary step
     * @param stepStarted when the current step began (for the gate's maxWait)
     */
    record OperationState(
            OperationId id,
            OperationStatus status,
            ModelRef model,
            @Nullable ModelRef previous,
            String rollout,
            String reason,
            long event,
            Instant started,
            @Nullable Instant ended,
            String newSlot,
            @Nullable String oldSlot,
            List<Integer> steps,
            int step,
            Instant stepStarted) {
        OperationState {
            steps = List.copyOf(steps);
        }

        boolean isRunning() {
            return !status.isTerminal();
        }

        Deployment toDeployment(String endpoint) {
            return new Deployment(endpoint, id, status, model, previous, rollout, reason, event, started, ended);
        }

        OperationState advanced(int nextStep, Instant now, String why) {
            return new OperationState(
                    id, status, model, previous, rollout, why, event, started, ended, newSlot, oldSlot, steps, nextStep,
                    now);
        }

        OperationState ended(OperationStatus how, String why, long number, Instant now) {
            return new OperationState(
                    id,
                    how,
                    model,
                    previous,
                    rollout,
                    why,
                    number,
                    started,
                    now,
                    newSlot,
                    oldSlot,
                    steps,
                    step,
                    stepStarted);
        }

        RecordWriter write(RecordWriter w) {
            List<Object> stepList = new ArrayList<>();
            for (int s : steps) {
                stepList.add((long) s);
            }
            return w.put("id", id.value())
                    .put("status", status.toString())
                    .put("model", model.toString())
                    .putIfNotNull("previous", previous == null ? null : previous.toString())
                    .put("rollout", rollout)
                    .put("reason", reason)
                    .put("event", event)
                    .put("started", started.toString())
                    .putIfNotNull("ended", ended == null ? null : ended.toString())
                    .put("newSlot", newSlot)
                    .putIfNotNull("oldSlot", oldSlot)
                    .put("steps", stepList)
                    .put("step", (long) step)
                    .put("stepStarted", stepStarted.toString());
        }

        static OperationState read(RecordReader r) {
            List<Integer> steps = new ArrayList<>();
            for (long s : r.getLongList("steps")) {
                steps.add((int) s);
            }
            return new OperationState(
                    r.getParsed("id", OperationId::of),
                    r.getParsed("status", OperationStatus::fromString),
                    r.getParsed("model", ModelRef::parse),
                    r.findString("previous").map(ModelRef::parse).orElse(null),
                    r.getString("rollout"),
                    r.getString("reason"),
                    r.getLong("event", 0, Long.MAX_VALUE),
                    r.getParsed("started", Instant::parse),
                    r.findString("ended").map(Instant::parse).orElse(null),
                    r.getString("newSlot"),
                    r.findString("oldSlot").orElse(null),
                    steps,
                    (int) r.getLong("step", 0, 100),
                    r.getParsed("stepStarted", Instant::parse));
        }
    }

    Optional<OperationState> findRunning() {
        return operation != null && operation.isRunning() ? Optional.of(operation) : Optional.empty();
    }

    Optional<SlotState> findSlot(String name) {
        return slots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Returns the slot with the largest share of traffic, if any slot has traffic. */
    Optional<SlotState> findLive() {
        SlotState live = null;
        for (SlotState slot : slots) {
            if (slot.traffic() > 0 && (live == null || slot.traffic() > live.traffic())) {
                live = slot;
            }
        }
        return Optional.ofNullable(live);
    }

    byte[] encode() {
        List<Object> slotList = new ArrayList<>();
        for (SlotState slot : slots) {
            slotList.add(RecordWriter.object()
                    .put("name", slot.name())
                    .put("model", slot.model().toString())
                    .put("traffic", (long) slot.traffic())
                    .put("shadow", (long) slot.shadow()));
        }
        RecordWriter w = RecordWriter.create(STATE_FORMAT)
                .put("endpoint", endpoint)
                .put("event", event)
                .put("slots", slotList);
        if (operation != null) {
            w.put("operation", operation.write(RecordWriter.object()));
        }
        return w.toBytes();
    }

    static EndpointState decode(byte[] bytes, String source) {
        RecordReader r = RecordReader.parse(bytes, STATE_FORMAT, source);
        List<SlotState> slots = new ArrayList<>();
        for (RecordReader s : r.getObjectList("slots")) {
            slots.add(new SlotState(
                    s.getString("name"),
                    s.getParsed("model", ModelRef::parse),
                    (int) s.getLong("traffic", 0, 100),
                    (int) s.getLong("shadow", 0, 100)));
        }
        EndpointState state = new EndpointState(
                r.getString("endpoint"),
                r.getLong("event", 0, Long.MAX_VALUE),
                slots,
                r.findObject("operation").map(OperationState::read).orElse(null));
        r.finish();
        return state;
    }

    static byte[] encodeOperation(String endpoint, OperationState operation) {
        return operation
                .write(RecordWriter.create(OPERATION_FORMAT).put("endpoint", endpoint))
                .toBytes();
    }

    static OperationState decodeOperation(byte[] bytes, String source) {
        RecordReader r = RecordReader.parse(bytes, OPERATION_FORMAT, source);
        var unused = r.getString("endpoint");
        OperationState operation = OperationState.read(r);
        r.finish();
        return operation;
    }
}
