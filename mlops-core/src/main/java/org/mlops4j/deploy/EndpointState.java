package org.mlops4j.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.lake.internal.RecordFormat;
import org.mlops4j.lake.internal.RecordReader;
import org.mlops4j.lake.internal.RecordWriter;
import org.mlops4j.registry.ModelRef;

/**
 * An endpoint's books as {@link Deployer} keeps them under {@code deployments/<endpoint>/state.json}, moved only by
 * compare-and-set: the slots the target should serve with their models and shares, the number of the last event, and
 * the last (or running) operation. The event record and the ended operation's record are derived from it and written
 * after each move (and again by the next writer, if the mover died first). Immutable.
 *
 * <p>Format 2 adds what an operation needs over a target that takes its time: whether the target may not serve the
 * slots yet ({@code converging}), the handle of its update, the outcome decided while the target still moves, and the
 * slots before the operation. A format-1 record reads as converged, with nothing to undo.
 *
 * @param endpoint the endpoint's name
 * @param event the number of the last event, 0 before the first
 * @param slots the slots the target should serve
 * @param operation the running operation, or the last one to end; null before the first
 */
record EndpointState(
        String endpoint,
        long event,
        List<SlotState> slots,
        @Nullable OperationState operation) {
    static final RecordFormat STATE_FORMAT = RecordFormat.of("mlops4j.deployment-state", 2);
    static final RecordFormat OPERATION_FORMAT = RecordFormat.of("mlops4j.deployment-operation", 2);

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
    record SlotState(String name, ModelRef model, int traffic, int shadow) {
        TargetSlot toTarget() {
            return new TargetSlot(name, model, traffic, shadow);
        }
    }

    /**
     * An operation as recorded: enough to report it, to drive it on after a restart, and to write its event.
     *
     * @param id the operation's id
     * @param status where it is: in progress until the target serves what was decided, then its end
     * @param model the model version it deploys
     * @param previous the model version live before it
     * @param rollout the rollout as text
     * @param reason why it ended as it did, or what it is doing
     * @param event the event it wrote, 0 while it runs and for an operation that changed nothing
     * @param started when it started
     * @param ended when it ended
     * @param newSlot the slot the model went into
     * @param oldSlot the slot that answered before, if any
     * @param steps a canary's shares for the new slot (empty for other rollouts)
     * @param step the index of the current canary step
     * @param stepStarted when the current step began (for the gate's maxWait)
     * @param outcome how the operation ends once the target serves the slots; null while a canary step is watched
     * @param converging whether the target may not serve the endpoint's slots yet
     * @param handle the token of the target's update in flight, if one was begun
     * @param revision counts the moves of the slots within the operation; names the target update of each move
     * @param undo the slots before the operation, put back if the target fails
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
            Instant stepStarted,
            @Nullable OperationStatus outcome,
            boolean converging,
            @Nullable String handle,
            int revision,
            List<SlotState> undo) {
        OperationState {
            steps = List.copyOf(steps);
            undo = List.copyOf(undo);
        }

        boolean isRunning() {
            return !status.isTerminal();
        }

        Deployment toDeployment(String endpoint) {
            return new Deployment(endpoint, id, status, model, previous, rollout, reason, event, started, ended);
        }

        /** The idempotency key of the target update that serves this revision's slots. */
        String updateKey() {
            return id.value() + "." + revision;
        }

        /** The next canary step, its slots to be served. */
        OperationState advanced(int nextStep, Instant now, String why) {
            return moved(why, nextStep, now, null, true, null, revision + 1);
        }

        /** Decided: ends as {@code how} once the target serves the slots of the next revision. */
        OperationState deciding(OperationStatus how, String why) {
            return moved(why, step, stepStarted, how, true, null, revision + 1);
        }

        /** The target's update of this revision has begun. */
        OperationState handing(String token) {
            return moved(reason, step, stepStarted, outcome, true, token, revision);
        }

        /** The target serves the slots. */
        OperationState converged() {
            return moved(reason, step, stepStarted, outcome, false, null, revision);
        }

        /** The operation, still running, after one of the moves above. */
        private OperationState moved(
                String why,
                int nextStep,
                Instant nextStarted,
                @Nullable OperationStatus nextOutcome,
                boolean nextConverging,
                @Nullable String nextHandle,
                int nextRevision) {
            return new OperationState(
                    id,
                    status,
                    model,
                    previous,
                    rollout,
                    why,
                    event,
                    started,
                    ended,
                    newSlot,
                    oldSlot,
                    steps,
                    nextStep,
                    nextStarted,
                    nextOutcome,
                    nextConverging,
                    nextHandle,
                    nextRevision,
                    undo);
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
                    stepStarted,
                    how,
                    false,
                    null,
                    revision,
                    undo);
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
                    .put("stepStarted", stepStarted.toString())
                    .putIfNotNull("outcome", outcome == null ? null : outcome.toString())
                    .put("converging", converging)
                    .putIfNotNull("handle", handle)
                    .put("revision", (long) revision)
                    .put("undo", writeSlots(undo));
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
                    r.getParsed("stepStarted", Instant::parse),
                    r.findString("outcome").map(OperationStatus::fromString).orElse(null),
                    r.findBoolean("converging").orElse(false),
                    r.findString("handle").orElse(null),
                    (int) r.findLong("revision").orElse(1),
                    r.has("undo") ? readSlots(r.getObjectList("undo")) : List.of());
        }
    }

    /** The books of an endpoint whose first operation was given back before it changed anything. */
    static EndpointState vacant(String endpoint) {
        return new EndpointState(endpoint, 0, List.of(), null);
    }

    /** Whether these are {@link #vacant} books: read as an endpoint that was never deployed to. */
    boolean isVacant() {
        return event == 0 && slots.isEmpty() && operation == null;
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

    /** Returns the slots as the target is asked to serve them, or empty when there are none (a released claim). */
    Optional<SlotLayout> layout() {
        return slots.isEmpty()
                ? Optional.empty()
                : Optional.of(
                        new SlotLayout(slots.stream().map(SlotState::toTarget).toList()));
    }

    EndpointState with(List<SlotState> nextSlots, OperationState nextOperation) {
        return new EndpointState(endpoint, event, nextSlots, nextOperation);
    }

    EndpointState with(OperationState nextOperation) {
        return new EndpointState(endpoint, event, slots, nextOperation);
    }

    byte[] encode() {
        RecordWriter w = RecordWriter.create(STATE_FORMAT)
                .put("endpoint", endpoint)
                .put("event", event)
                .put("slots", writeSlots(slots));
        if (operation != null) {
            w.put("operation", operation.write(RecordWriter.object()));
        }
        return w.toBytes();
    }

    static EndpointState decode(byte[] bytes, String source) {
        return RecordReader.decode(bytes, STATE_FORMAT, source, r -> {
            EndpointState state = new EndpointState(
                    r.getString("endpoint"),
                    r.getLong("event", 0, Long.MAX_VALUE),
                    readSlots(r.getObjectList("slots")),
                    r.findObject("operation").map(OperationState::read).orElse(null));
            return state;
        });
    }

    static byte[] encodeOperation(String endpoint, OperationState operation) {
        return operation
                .write(RecordWriter.create(OPERATION_FORMAT).put("endpoint", endpoint))
                .toBytes();
    }

    static OperationState decodeOperation(byte[] bytes, String source) {
        return RecordReader.decode(bytes, OPERATION_FORMAT, source, r -> {
            var unused = r.getString("endpoint");
            OperationState operation = OperationState.read(r);
            return operation;
        });
    }

    private static List<Object> writeSlots(List<SlotState> slots) {
        List<Object> list = new ArrayList<>();
        for (SlotState slot : slots) {
            list.add(RecordWriter.object()
                    .put("name", slot.name())
                    .put("model", slot.model().toString())
                    .put("traffic", (long) slot.traffic())
                    .put("shadow", (long) slot.shadow()));
        }
        return list;
    }

    private static List<SlotState> readSlots(List<RecordReader> readers) {
        List<SlotState> slots = new ArrayList<>();
        for (RecordReader s : readers) {
            slots.add(new SlotState(
                    s.getString("name"),
                    s.getParsed("model", ModelRef::parse),
                    (int) s.getLong("traffic", 0, 100),
                    (int) s.getLong("shadow", 0, 100)));
        }
        return slots;
    }
}
