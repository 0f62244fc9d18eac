package org.mlops4j.deploy.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An endpoint's slots, sorted by name: what a target serves. The traffic shares add up to 100; a slot with no traffic
 * is kept warm (a blue/green standby) or gets mirrored copies (a shadow). Immutable; two layouts are equal when they
 * hold the same slots with the same models and shares, and {@link #toString()} is their canonical text.
 *
 * @param slots the slots, in any order (kept sorted by name)
 */
public record SlotLayout(List<TargetSlot> slots) {
    /**
     * Checks the layout.
     *
     * @throws IllegalArgumentException if it is empty, names a slot twice, or its traffic shares do not add up to 100
     */
    public SlotLayout {
        List<TargetSlot> sorted = new ArrayList<>(Objects.requireNonNull(slots, "slots"));
        sorted.sort(Comparator.comparing(TargetSlot::name));
        slots = List.copyOf(sorted);
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("a layout has at least one slot");
        }
        Set<String> names = new HashSet<>();
        int traffic = 0;
        for (TargetSlot slot : slots) {
            if (!names.add(slot.name())) {
                throw new IllegalArgumentException("slot " + slot.name() + " appears twice in " + slots);
            }
            traffic += slot.trafficPercent();
        }
        if (traffic != 100) {
            throw new IllegalArgumentException(
                    "the traffic shares of a layout add up to 100, got " + traffic + " in " + slots);
        }
    }

    /**
     * Returns a layout of these slots.
     *
     * @param slots the slots
     * @return the layout
     * @throws IllegalArgumentException as the constructor
     */
    public static SlotLayout of(TargetSlot... slots) {
        return new SlotLayout(List.of(slots));
    }

    /**
     * Looks a slot up.
     *
     * @param name the slot's name
     * @return the slot, or empty
     */
    public Optional<TargetSlot> find(String name) {
        return slots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (TargetSlot slot : slots) {
            text.append(text.length() == 0 ? "" : ",").append(slot);
        }
        return text.toString();
    }
}
