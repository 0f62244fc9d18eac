package org.mlops4j.deploy.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.SlotStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint served in this JVM: its routing table, swapped whole on every change, and its request counter, which
 * deals the traffic and shadow shares. Scoring picks a slot, claims its predictor (a retired one is skipped: the
 * table was swapped meanwhile), predicts, checks the answer is JSON, counts it on the slot and hands a copy to the
 * shadow slot. Thread-safe.
 */
final class ServedEndpoint implements ScoringEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ServedEndpoint.class);
    private static final int MAX_ACQUIRE_ATTEMPTS = 100;

    private final String name;
    private final ScoringEngine engine;
    final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.EMPTY);
    private final AtomicLong requests = new AtomicLong();

    ServedEndpoint(String name, ScoringEngine engine) {
        this.name = name;
        this.engine = engine;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Scored score(List<Map<String, Object>> rows) {
        long n = requests.getAndIncrement();
        RoutingTable current = null;
        RoutingTable.Slot slot = null;
        for (int attempt = 0; attempt < MAX_ACQUIRE_ATTEMPTS && slot == null; attempt++) {
            current = table.get(); // a switch swaps the table: a request sees the old one or the new one
            RoutingTable.Slot picked = current.pick(n);
            if (picked == null) {
                break;
            }
            if (picked.model().tryAcquire()) {
                slot = picked;
            }
        }
        if (slot == null || current == null) {
            return new Scored(503, List.of(), "endpoint '" + name + "' has no slot taking traffic", null, null);
        }
        LoadedModel model = slot.model();
        long start = System.nanoTime();
        int status = 500;
        List<Object> predictions = List.of();
        String error = null;
        try {
            List<Object> answer = model.predictor().predict(rows);
            String problem = Predictions.problem(answer, rows.size());
            if (problem == null) {
                predictions = answer;
                status = 200;
            } else {
                error = "model " + model.ref() + " returned " + problem;
            }
        } catch (IllegalArgumentException e) {
            status = 400; // the caller's rows, not the model's fault
            error = String.valueOf(e.getMessage());
        } catch (RuntimeException e) {
            LOG.debug("model {} failed on endpoint {}", model.ref(), name, e);
            error = "model " + model.ref() + " failed: " + e.getClass().getSimpleName();
        } finally {
            model.release();
        }
        model.counters().record(System.nanoTime() - start, status >= 500);
        RoutingTable.Slot shadow = current.pickShadow(n, slot);
        if (shadow != null) {
            LoadedModel copy = shadow.model();
            engine.submitShadow(() -> shadowScore(copy, rows));
        }
        return new Scored(status, predictions, error, slot.name(), model.ref().toString());
    }

    /** Scores a copy on the shadow slot; the answer is counted and thrown away. */
    private static void shadowScore(LoadedModel model, List<Map<String, Object>> rows) {
        if (!model.tryAcquire()) {
            return; // it left the table meanwhile
        }
        long start = System.nanoTime();
        boolean failed;
        try {
            failed = Predictions.problem(model.predictor().predict(rows), rows.size()) != null;
        } catch (IllegalArgumentException e) {
            failed = false; // the caller's bad row, not the model's fault
        } catch (RuntimeException e) {
            failed = true;
        } finally {
            model.release();
        }
        model.counters().record(System.nanoTime() - start, failed);
    }

    @Override
    public List<SlotStatus> slots() {
        List<SlotStatus> slots = new ArrayList<>();
        for (RoutingTable.Slot slot : table.get().slots()) {
            slots.add(new SlotStatus(
                    slot.name(),
                    slot.model().ref(),
                    slot.traffic(),
                    slot.shadow(),
                    slot.model().counters().metricsSince(slot.name(), SlotCounters.Snapshot.ZERO)));
        }
        return slots;
    }

    /** Returns whether the endpoint has a slot: one without is not served (a 404 at the front). */
    boolean isServed() {
        return !table.get().slots().isEmpty();
    }

    RoutingTable.@Nullable Slot findSlot(String slot) {
        return table.get().find(slot).orElse(null);
    }

    @Override
    public String toString() {
        return "ServedEndpoint{" + name + "}";
    }
}
