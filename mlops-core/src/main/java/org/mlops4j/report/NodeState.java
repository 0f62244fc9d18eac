package org.mlops4j.report;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.mlops4j.compare.Decision;

/**
 * What a report knows about one model version beyond the lineage: the aliases that point at it, the endpoints where it
 * answers, and the comparison gate's decision on it. Drawn on its lineage node and beside its metric history.
 *
 * @param aliases the aliases pointing at it ({@code champion}, …), in the order given
 * @param liveOn the endpoints it is live on
 * @param decision the gate's decision when it was a challenger, or null if the report was not told
 */
record NodeState(
        List<String> aliases, List<String> liveOn, @Nullable Decision decision) {
    static final NodeState NONE = new NodeState(List.of(), List.of(), null);

    NodeState {
        aliases = List.copyOf(aliases);
        liveOn = List.copyOf(liveOn);
    }

    boolean isEmpty() {
        return aliases.isEmpty() && liveOn.isEmpty() && decision == null;
    }

    boolean isRejected() {
        return decision == Decision.REJECT;
    }

    NodeState withAlias(String alias) {
        List<String> more = new ArrayList<>(aliases);
        more.add(alias);
        return new NodeState(more, liveOn, decision);
    }

    NodeState withLive(String endpoint) {
        List<String> more = new ArrayList<>(liveOn);
        more.add(endpoint);
        return new NodeState(aliases, more, decision);
    }

    NodeState withDecision(Decision d) {
        return new NodeState(aliases, liveOn, d);
    }

    /** One line for a table cell: {@code ★ champion · ● live on churn · ✗ rejected}. */
    String describe() {
        return String.join(" · ", parts());
    }

    /** The state's parts, each a few words: {@code ★ champion}, {@code ● live on churn}, {@code ✗ rejected}. */
    List<String> parts() {
        List<String> parts = new ArrayList<>();
        aliases.forEach(a -> parts.add("★ " + a));
        liveOn.forEach(e -> parts.add("● live on " + e));
        if (decision == Decision.REJECT) {
            parts.add("✗ rejected");
        } else if (decision == Decision.INCONCLUSIVE) {
            parts.add("? inconclusive");
        } else if (decision == Decision.PROMOTE && aliases.isEmpty() && liveOn.isEmpty()) {
            parts.add("✓ promoted");
        }
        return parts;
    }

    /** The parts packed into as few lines as fit a width at a font size; a part too long alone is shortened. */
    List<String> lines(double fontSize, double width) {
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String part : parts()) {
            String joined = line.isEmpty() ? part : line + " · " + part;
            if (Markup.textWidth(joined, fontSize) <= width || line.isEmpty()) {
                line = joined;
            } else {
                lines.add(Markup.fit(line, fontSize, width));
                line = part;
            }
        }
        if (!line.isEmpty()) {
            lines.add(Markup.fit(line, fontSize, width));
        }
        return lines;
    }

    /** CSS classes for the state, none of which can collide with a node kind (lower-case letters only). */
    String cssClasses() {
        StringBuilder s = new StringBuilder();
        if (!aliases.isEmpty()) {
            s.append(" has-alias");
        }
        if (!liveOn.isEmpty()) {
            s.append(" is-live");
        }
        if (decision == Decision.REJECT) {
            s.append(" is-rejected");
        }
        return s.toString();
    }
}
