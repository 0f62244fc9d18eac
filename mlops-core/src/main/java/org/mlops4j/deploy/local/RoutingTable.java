package org.mlops4j.deploy.local;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mlops4j.deploy.spi.SlotLayout;
import org.mlops4j.deploy.spi.TargetSlot;

/**
 * An endpoint's slots with their shares of traffic, immutable: a switch builds a new table and swaps it in through an
 * {@code AtomicReference}, so a request sees either the old table or the new one, never a mix. Shares are dealt by a
 * request counter through a permutation of 0..99, so every hundred requests follow the weights exactly.
 *
 * @param slots the slots, sorted by name
 */
record RoutingTable(List<Slot> slots) {
    static final RoutingTable EMPTY = new RoutingTable(List.of());

    RoutingTable {
        slots = List.copyOf(slots);
    }

    /**
     * A slot in the table.
     *
     * @param name blue or green
     * @param model what it serves
     * @param traffic share of callers it answers, 0..100
     * @param shadow share of requests copied to it, 0..100
     * @param since the model's counters when the slot's model or shares last changed: its health counts from there
     */
    record Slot(String name, LoadedModel model, int traffic, int shadow, SlotCounters.Snapshot since) {
        Slot {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(since, "since");
        }

        TargetSlot toTarget() {
            return new TargetSlot(name, model.ref(), traffic, shadow);
        }
    }

    /**
     * Picks the slot that answers request number {@code n}.
     *
     * @param n the endpoint's request counter
     * @return the slot, or null if no slot takes traffic
     */
    @Nullable
    Slot pick(long n) {
        int r = (int) Math.floorMod(n * 61, 100L);
        int cumulative = 0;
        Slot last = null;
        for (Slot slot : slots) {
            if (slot.traffic() > 0) {
                cumulative += slot.traffic();
                last = slot;
                if (r < cumulative) {
                    return slot;
                }
            }
        }
        return last;
    }

    /**
     * Picks the slot that gets a copy of request number {@code n}, if any.
     *
     * @param n the endpoint's request counter
     * @param answering the slot that answers it (never also its shadow)
     * @return the shadow slot, or null
     */
    @Nullable
    Slot pickShadow(long n, Slot answering) {
        int r = (int) Math.floorMod(n * 67 + 13, 100L);
        for (Slot slot : slots) {
            if (slot.shadow() > 0 && slot != answering && r < slot.shadow()) {
                return slot;
            }
        }
        return null;
    }

    Optional<Slot> find(String name) {
        return slots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Returns the slots as a target layout, or empty when the table has none. */
    Optional<SlotLayout> layout() {
        return slots.isEmpty()
                ? Optional.empty()
                : Optional.of(new SlotLayout(slots.stream().map(Slot::toTarget).toList()));
    }
}
