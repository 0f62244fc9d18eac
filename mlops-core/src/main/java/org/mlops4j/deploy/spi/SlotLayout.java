package org.mlops4j.deploy.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.mlops4j.registry.ModelRef;

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
     * Reads a layout from its {@linkplain #toString() text}, e.g. {@code blue=churn@1:100/0,green=churn@2:0/30}: what
     * a target keeps of what it serves.
     *
     * @param text the text
     * @return the layout
     * @throws IllegalArgumentException if the text is not a layout's
     */
    public static SlotLayout parse(String text) {
        Objects.requireNonNull(text, "text");
        List<TargetSlot> slots = new ArrayList<>();
        for (String slot : text.split(",", -1)) {
            int eq = slot.indexOf('=');
            int colon = slot.lastIndexOf(':');
            int slash = slot.lastIndexOf('/');
            if (eq < 1 || colon < eq || slash < colon) {
                throw new IllegalArgumentException(
                        "not a slot layout: '" + text + "'; expected e.g. blue=churn@1:100/0,green=churn@2:0/30");
            }
            try {
                slots.add(new TargetSlot(
                        slot.substring(0, eq),
                        ModelRef.parse(slot.substring(eq + 1, colon)),
                        Integer.parseInt(slot.substring(colon + 1, slash)),
                        Integer.parseInt(slot.substring(slash + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a slot layout: '" + text + "': " + e.getMessage(), e);
            }
        }
        return new SlotLayout(slots);
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

    /** Returns the layout's canonical text, which {@link #parse} reads back. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (TargetSlot slot : slots) {
            text.append(text.length() == 0 ? "" : ",").append(slot);
        }
        return text.toString();
    }
}
