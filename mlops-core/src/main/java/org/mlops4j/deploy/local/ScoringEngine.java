package org.mlops4j.deploy.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetSlot;
import org.mlops4j.registry.ModelRef;

/**
 * The local target's in-process engine: the endpoints served in this JVM with their slots, weighted routing, shadow
 * copies and per-slot counters, behind the {@link ScoringEndpoints} seam that an HTTP front reads. A layout change
 * loads what is new before anything moves, then swaps the endpoint's routing table in one step, so no request fails
 * or is dropped during it; a predictor that leaves the table is closed only after its in-flight requests end.
 * Thread-safe.
 */
final class ScoringEngine implements ScoringEndpoints, AutoCloseable {
    private final ConcurrentHashMap<String, ServedEndpoint> endpoints = new ConcurrentHashMap<>();
    private final AtomicInteger pendingShadows = new AtomicInteger();
    private final ThreadPoolExecutor shadowThreads;

    ScoringEngine() {
        this.shadowThreads = new ThreadPoolExecutor(
                1,
                2,
                30,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024),
                daemonThreads("mlops4j-shadow-"),
                (task, pool) -> pendingShadows.decrementAndGet()); // a full queue drops the copy, uncounted
    }

    @Override
    public List<String> names() {
        return endpoints.values().stream()
                .filter(ServedEndpoint::isServed)
                .map(ServedEndpoint::name)
                .sorted()
                .toList();
    }

    @Override
    public @Nullable ScoringEndpoint find(String name) {
        ServedEndpoint endpoint = endpoints.get(name);
        return endpoint != null && endpoint.isServed() ? endpoint : null;
    }

    /** Returns what an endpoint serves, or empty. */
    Optional<SlotLayout> read(String endpoint) {
        ServedEndpoint served = endpoints.get(endpoint);
        return served == null ? Optional.empty() : served.table.get().layout();
    }

    /** Returns a slot of an endpoint, or null if the endpoint serves no such slot. */
    RoutingTable.@Nullable Slot findSlot(String endpoint, String slot) {
        ServedEndpoint served = endpoints.get(endpoint);
        return served == null ? null : served.findSlot(slot);
    }

    /**
     * Makes an endpoint serve a layout: keeps the predictors of slots whose model is unchanged (their counters restart
     * only where a share changed), loads the others first, swaps the table in one step and retires what left it.
     *
     * @param endpoint the endpoint's name
     * @param layout the slots to serve
     * @param load loads a model version; may throw, and then nothing changed
     */
    void serve(String endpoint, SlotLayout layout, Function<ModelRef, LoadedModel> load) {
        ServedEndpoint served = endpoints.computeIfAbsent(endpoint, name -> new ServedEndpoint(name, this));
        synchronized (served) {
            RoutingTable current = served.table.get();
            List<RoutingTable.Slot> slots = new ArrayList<>();
            List<LoadedModel> loadedHere = new ArrayList<>();
            try {
                for (TargetSlot wanted : layout.slots()) {
                    RoutingTable.Slot kept = current.find(wanted.name())
                            .filter(s -> s.model().ref().equals(wanted.model()))
                            .orElse(null);
                    if (kept == null) {
                        LoadedModel model = load.apply(wanted.model());
                        loadedHere.add(model);
                        slots.add(new RoutingTable.Slot(
                                wanted.name(),
                                model,
                                wanted.trafficPercent(),
                                wanted.mirrorPercent(),
                                SlotCounters.Snapshot.ZERO));
                    } else if (kept.traffic() == wanted.trafficPercent() && kept.shadow() == wanted.mirrorPercent()) {
                        slots.add(kept);
                    } else {
                        slots.add(new RoutingTable.Slot(
                                wanted.name(),
                                kept.model(),
                                wanted.trafficPercent(),
                                wanted.mirrorPercent(),
                                kept.model().counters().snapshot()));
                    }
                }
            } catch (RuntimeException e) {
                loadedHere.forEach(LoadedModel::retire);
                throw e;
            }
            RoutingTable next = new RoutingTable(slots);
            if (next.equals(current)) {
                return;
            }
            served.table.set(next);
            for (RoutingTable.Slot old : current.slots()) {
                if (next.slots().stream().noneMatch(s -> s.model() == old.model())) {
                    old.model().retire();
                }
            }
        }
    }

    /**
     * Sends a copy of a request to a shadow slot, off the caller's path; a full queue drops the copy.
     *
     * @param task the copy's work
     */
    void submitShadow(Runnable task) {
        pendingShadows.incrementAndGet();
        try {
            shadowThreads.execute(() -> {
                try {
                    task.run();
                } finally {
                    pendingShadows.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            pendingShadows.decrementAndGet(); // shut down
        }
    }

    /**
     * Waits until every shadow copy sent so far has been scored and counted (for tests).
     *
     * @param timeout how long to wait at most
     * @return true if none is pending
     */
    boolean awaitShadows(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pendingShadows.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** Stops the shadow threads and retires every predictor (each after its in-flight requests). */
    @Override
    public void close() {
        shadowThreads.shutdown();
        try {
            if (!shadowThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                shadowThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServedEndpoint endpoint : endpoints.values()) {
            RoutingTable table = endpoint.table.getAndSet(RoutingTable.EMPTY);
            table.slots().forEach(slot -> slot.model().retire());
        }
    }

    @Override
    public String toString() {
        return "ScoringEngine{endpoints " + names() + "}";
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
